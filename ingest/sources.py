"""Find the documents to ingest and the curated metadata that may sit beside them.

A corpus folder holds documents (any depth) and, optionally, two metadata files at its top:
``manifest.csv`` (file, title, language, author, … per document), ``glosses.jsonl`` (an
English gloss and topic tags per paragraph and, optionally, ``sentence_glosses``: the English of
each of its sentences as ``bot.citations.sentences`` splits it, checked on load) and
``questions.jsonl`` (questions each paragraph answers, a document expansion). Those names,
``README.md`` and ``MANIFEST.md`` at the top, hidden files and ``lexicon.yaml`` are never
ingested as documents.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.citations import sentences
from bot.errors import SocialAuditError

RESERVED = {"manifest.csv", "glosses.jsonl", "questions.jsonl", "lexicon.yaml", "readme.md", "manifest.md"}
BUNDLED_LABEL = "bundled"


def bundled_corpus() -> Path:
    """The corpus shipped with the product: the repo's ``corpus/`` or the copy inside the wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_bundled_corpus", here.parent / "corpus"):
        if (candidate / "manifest.csv").is_file():
            return candidate
    raise SocialAuditError("the bundled corpus is missing; reinstall social-audit")


@dataclass(frozen=True)
class DocMeta:
    title: str = ""
    lang: str = ""
    author: str = ""


@dataclass(frozen=True)
class Gloss:
    """The curated English of one paragraph: the whole, its topic tags, and each sentence's."""

    text: str
    tags: tuple[str, ...] = ()
    sentences: tuple[str, ...] = ()


@dataclass
class Root:
    """One corpus folder (or a single file) with its metadata."""

    path: Path
    label: str
    manifest: dict[str, DocMeta] = field(default_factory=dict)
    glosses: dict[tuple[str, str], Gloss] = field(default_factory=dict)
    questions: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def files(self) -> list[Path]:
        if self.path.is_file():
            return [self.path]
        found = []
        for path in sorted(self.path.rglob("*")):
            rel = path.relative_to(self.path)
            if any(part.startswith(".") for part in rel.parts) or not path.is_file():
                continue
            if len(rel.parts) == 1 and path.name.lower() in RESERVED:
                continue
            found.append(path)
        return found

    def doc_key(self, path: Path) -> str:
        rel = path.name if self.path.is_file() else path.relative_to(self.path).as_posix()
        return f"{self.label}/{rel}"


def _read_manifest(path: Path) -> dict[str, DocMeta]:
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {
            row["file"]: DocMeta(row.get("title") or "", row.get("language") or "",
                                 row.get("author") or "")
            for row in csv.DictReader(fh) if row.get("file")
        }


def _read_jsonl(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """``(source, paragraph text) -> row``; a malformed line is an error that names it."""
    if not path.is_file():
        return {}
    rows = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            rows[(str(row["source"]), str(row["text"]).strip())] = row
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise SocialAuditError(f"{path}:{number}: bad line ({err}); fix or remove it") from err
    return rows


def _gloss(path: Path, key: tuple[str, str], row: dict[str, Any]) -> Gloss:
    """One row of ``glosses.jsonl``; sentence glosses that do not line up with the paragraph's
    sentences are an error naming the source and paragraph."""
    given = row.get("sentence_glosses")
    found: tuple[str, ...] = ()
    if given is not None:
        source, text = key
        if not isinstance(given, list) or not all(isinstance(g, str) and g.strip() and "\n" not in g
                                                  for g in given):
            raise SocialAuditError(f"{path}: {source}, paragraph {text[:60]!r}: sentence_glosses must be "
                                   "a list of one-line English sentences; fix the row")
        found = tuple(" ".join(g.split()) for g in given)
        count = len(sentences(text))
        if len(found) != count:
            raise SocialAuditError(
                f"{path}: {source}, paragraph {text[:60]!r} has {count} sentence(s) but "
                f"{len(found)} sentence gloss(es); give one English gloss per sentence")
    return Gloss(str(row["gloss"]), tuple(row.get("tags") or ()), found)


def open_root(path: Path, *, label: str | None = None) -> Root:
    path = path.expanduser().resolve()
    if not path.exists():
        raise SocialAuditError(f"{path} does not exist; give a folder or file to ingest")
    folder = path if path.is_dir() else path.parent
    return Root(
        path=path,
        label=label or str(path),
        manifest=_read_manifest(folder / "manifest.csv"),
        glosses={key: _gloss(folder / "glosses.jsonl", key, row)
                 for key, row in _read_jsonl(folder / "glosses.jsonl").items()},
        questions={key: tuple(str(q) for q in row["questions"])
                   for key, row in _read_jsonl(folder / "questions.jsonl").items()},
    )
