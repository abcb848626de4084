"""The README stays a five-minute read, and every relative link in it and in docs/ leads somewhere.

Runs on the real files of the repository: README.md at the root and every docs/*.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MAX_README_LINES = 300
TEST_COMMAND = "make test"  # .ci/run and the Makefile rely on the README's test command

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
# [text](target) and ![alt](target), with an optional "title" after the target
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def markdown_files() -> list[Path]:
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


def link_targets(text: str) -> list[str]:
    """Targets of the inline links of a Markdown text, code blocks and code spans left out."""
    text = INLINE_CODE.sub("", FENCE.sub("", text))
    return LINK.findall(text)


def broken_links(path: Path) -> list[str]:
    broken = []
    for target in link_targets(path.read_text(encoding="utf-8")):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("#"):
            continue  # http(s)://, mailto: and the like, or an anchor in the same file
        relative = unquote(target.split("#", 1)[0].split("?", 1)[0])
        if not (path.parent / relative).exists():
            broken.append(target)
    return broken


def test_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES, (
        f"README.md has {len(lines)} lines (at most {MAX_README_LINES}): move detail into docs/ "
        "and link it from the README's Documentation section"
    )


def test_readme_has_the_test_command() -> None:
    assert TEST_COMMAND in README.read_text(encoding="utf-8")


def test_there_are_docs_to_check() -> None:
    assert len(markdown_files()) > 1


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path: Path) -> None:
    assert broken_links(path) == [], f"{path.relative_to(ROOT)} links to files that do not exist"


def test_the_link_checker_sees_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# there\n", encoding="utf-8")
    page.write_text(
        "[ok](there.md#a) [web](https://example.com/x.md) [anchor](#top) [gone](missing.md#b)\n"
        "`[code](nowhere.md)`\n```\n[block](nowhere.md)\n```\n",
        encoding="utf-8",
    )
    assert broken_links(page) == ["missing.md#b"]
