"""Figures in the docs, written from committed snapshots of the latest bench and eval runs.

``docs/figures/bench.json`` (what ``social-audit bench`` wrote) and ``docs/figures/results.json``
(what ``social-audit eval`` wrote) are the only source of the figures the README and ``docs/``
quote as current. A figure sits between markers that name where it comes from::

    <!-- fig results:retrieval/test.recall@3 .3f -->0.957<!-- /fig -->
    <!-- fig bench:search/p95_ratio .2f -->0.81<!-- /fig -->×

and a generated block (a table, or the whole bench report) between::

    <!-- figures retrieval-splits -->
    …
    <!-- /figures -->

where the name is a template of ``evals/docfigures.yaml`` or ``bench.md`` (the benchmark's own
Markdown). A source is ``bench:KEY/KEY/…`` (keys of bench.json) or ``results:SUITE/NAME``
(a metric of that suite, such as ``test.recall@3``, else ``SUITE/KEY/…`` in the suite's entry:
``cases_passed``, ``seconds``, ``details/…``), or ``results:meta/KEY``. The format is a Python
format spec, or ``date`` (the first 10 characters), ``commit`` (the first 7), ``list`` (items joined by
commas) or ``int`` (an integer with a space between thousands, as the docs write 2 588).

Everything here is pure: :func:`render` maps a document's text and the two snapshots to the
new text. The command in ``evals/docfigures_cli.py`` reads and writes the files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import SocialAuditError

CONFIG_PATH = Path(__file__).resolve().parent / "docfigures.yaml"

SOURCE = r"(?:bench|results):[^\s{}<>]+"
INLINE = re.compile(r"<!-- fig (" + SOURCE + r")(?: ([^\s<>]+))? -->(.*?)<!-- /fig -->", re.DOTALL)
BLOCK = re.compile(r"(<!-- figures ([\w.-]+) -->\n)(.*?)(<!-- /figures -->)", re.DOTALL)
PLACEHOLDER = re.compile(r"\{(" + SOURCE + r")(?: ([^\s{}]+))?\}")
OPEN_MARKER = re.compile(r"<!-- (?:fig|figures) ")


class FigureError(SocialAuditError):
    """A marker names a figure the snapshots do not hold, or is malformed."""


@dataclass(frozen=True)
class Snapshots:
    """The two sources: bench.json and results.json as loaded."""

    bench: Mapping[str, Any]
    results: Mapping[str, Any]


def lookup(source: str, snaps: Snapshots) -> Any:
    """The value a source names; a FigureError naming it when the snapshot lacks it."""
    kind, _, path = source.partition(":")
    if kind == "bench":
        return _walk(snaps.bench, path.split("/"), source)
    suite, _, rest = path.partition("/")
    if suite == "meta":
        return _walk(snaps.results.get("meta", {}), rest.split("/"), source)
    suites = snaps.results.get("suites", {})
    if suite not in suites:
        raise FigureError(f"{source}: results.json has no suite {suite!r} (it has "
                          f"{', '.join(suites) or 'none'}); snapshot a run of every suite")
    entry = suites[suite]
    if rest in entry.get("metrics", {}):
        return entry["metrics"][rest]
    return _walk(entry, rest.split("/"), source)


def _walk(node: Any, keys: list[str], source: str) -> Any:
    for key in keys:
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise FigureError(f"{source}: not in the snapshot (no {key!r}); is it a full run of "
                              "every suite and benchmark?")
    return node


def fmt(value: Any, spec: str | None, source: str) -> str:
    """A value as the docs write it; a null figure (not computable) is written 'n/a'."""
    if value is None:
        return "n/a"
    try:
        if spec == "date":
            return str(value)[:10]
        if spec == "commit":
            return str(value)[:7]
        if spec == "list":
            return ", ".join(str(v) for v in value)
        if spec == "int":
            return f"{int(round(value)):,}".replace(",", " ")
        return format(value, spec or "")
    except (TypeError, ValueError) as err:
        raise FigureError(f"{source}: cannot format {value!r} with {spec!r} ({err})") from None


def fill(template: str, snaps: Snapshots) -> str:
    """A template with its ``{source spec}`` placeholders replaced by their figures."""
    return PLACEHOLDER.sub(lambda m: fmt(lookup(m[1], snaps), m[2], m[1]), template)


def bench_markdown(snaps: Snapshots) -> str:
    """The benchmark's own report of the snapshot, its sections one level down (under a heading
    of the document), without its title."""
    from evals.bench import to_markdown

    lines = to_markdown(dict(snaps.bench)).splitlines()
    body = ["#" + line if line.startswith("## ") else line for line in lines if not line.startswith("# ")]
    return "\n".join(body).strip("\n")


Renderer = Callable[[Snapshots], str]
BUILTIN: dict[str, Renderer] = {"bench.md": bench_markdown}


def render(text: str, snaps: Snapshots, templates: Mapping[str, str], where: str = "") -> str:
    """The document with every marked figure and block written from the snapshots."""
    def block(m: re.Match[str]) -> str:
        name = m[2]
        if name in BUILTIN:
            body = BUILTIN[name](snaps)
        elif name in templates:
            body = fill(templates[name], snaps)
        else:
            choices = ", ".join(sorted([*BUILTIN, *templates]))
            raise FigureError(f"{where}: unknown figures block {name!r}; choose one of: {choices}")
        return m[1] + body.strip("\n") + "\n" + m[4]

    def inline(m: re.Match[str]) -> str:
        return f"<!-- fig {m[1]}{' ' + m[2] if m[2] else ''} -->" \
               f"{fmt(lookup(m[1], snaps), m[2], m[1])}<!-- /fig -->"

    out = INLINE.sub(inline, BLOCK.sub(block, text))
    stray = len(OPEN_MARKER.findall(out)) - len(INLINE.findall(out)) - len(BLOCK.findall(out))
    if stray:
        raise FigureError(f"{where}: {stray} figure marker(s) not closed or malformed; write "
                          "<!-- fig SOURCE [FORMAT] -->…<!-- /fig --> or "
                          "<!-- figures NAME -->…<!-- /figures -->")
    return out


def strip_figures(text: str) -> str:
    """The text with every marked figure and block removed: what remains is written by hand."""
    return INLINE.sub("", BLOCK.sub("", text))


# -- what counts as a hand-written figure ------------------------------------------------------

class Allowed(BaseModel):
    """A number in a measured section that is not a measurement: the text around it, and why."""

    model_config = ConfigDict(extra="forbid")

    file: str
    text: str = Field(min_length=1)
    why: str = Field(min_length=10)


class Config(BaseModel):
    """``evals/docfigures.yaml``: block templates, the sections that report measurements, and the
    numbers in them that are not measurements."""

    model_config = ConfigDict(extra="forbid")

    templates: dict[str, str] = Field(default_factory=dict)
    measured: dict[str, list[str]] = Field(default_factory=dict)
    allowed: list[Allowed] = Field(default_factory=list)


def parse_config(text: str, where: str = "docfigures.yaml") -> Config:
    try:
        return Config.model_validate(yaml.safe_load(text) or {})
    except (yaml.YAMLError, ValidationError) as err:
        first = str(err).splitlines()
        raise FigureError(f"{where}: invalid ({' '.join(first[:3])})") from None


@lru_cache(maxsize=1)
def load_config(path: Path = CONFIG_PATH) -> Config:
    return parse_config(path.read_text(encoding="utf-8"), str(path))


# A figure written by hand: a number with a unit of time, size or speed, a ratio, a share, a score
# with two or more decimals, or "N of M".
UNIT = r"(?:ms|s|×|x|%|MB|kB|GB|vectors|vectors/s|turns/s|requests)"
HAND_FIGURE = re.compile(
    r"(?<![\w.])\d+(?:[ ,]\d{3})*(?:\.\d+)?\s?" + UNIT + r"(?![\w])"
    r"|(?<![\w.])\d\.\d{2,}(?![\w]|\.\d)"
    r"|(?<![\w.])\d+ of \d+(?![\w])")
HEADING = re.compile(r"^(#{1,6}) (.+?)\s*$", re.MULTILINE)


def sections(text: str, names: list[str]) -> list[tuple[str, str]]:
    """The named sections of a Markdown text (each heading to the next of its level or higher),
    or the whole text for ``*``; a FigureError for a heading that is not there."""
    if "*" in names:
        return [("*", text)]
    heads = [(m.start(), len(m[1]), m[2]) for m in HEADING.finditer(text)]
    found = []
    for name in names:
        starts = [(pos, level) for pos, level, title in heads if title == name]
        if not starts:
            raise FigureError(f"no section {name!r}: fix 'measured' in docfigures.yaml")
        pos, level = starts[0]
        end = next((p for p, lv, _ in heads if p > pos and lv <= level), len(text))
        found.append((name, text[pos:end]))
    return found


def hand_figures(text: str, names: list[str], allowed: list[str]) -> list[str]:
    """Figures written by hand in the measured sections of a document: every number that looks
    like a measurement, outside the markers and outside the allowed texts."""
    found = []
    for name, body in sections(text, names):
        body = strip_figures(body)
        for allow in allowed:
            body = body.replace(allow, " ")
        for line in body.splitlines():
            found += [f"{name}: {m[0]!r} in {line.strip()[:100]!r}" for m in HAND_FIGURE.finditer(line)]
    return found
