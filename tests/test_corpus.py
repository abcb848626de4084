"""The bundled corpus: the seed articles unchanged, their provenance, and anchored glosses."""

from __future__ import annotations

import csv
import json
import re

import pytest

from ingest.pipeline import read_document
from ingest.sources import BUNDLED_LABEL, bundled_corpus, open_root
from tests.conftest import CORPUS, DOCUMENTS, SHARED


def _manifest() -> list[dict[str, str]]:
    with (CORPUS / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _glosses() -> list[dict[str, object]]:
    lines = (CORPUS / "glosses.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="shared/ is not beside this checkout")
def test_documents_are_the_seed_articles_unchanged() -> None:
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    assert [p.name for p in seeds] == [p.name for p in sorted(DOCUMENTS.glob("*.txt"))]
    for seed in seeds:
        assert (DOCUMENTS / seed.name).read_bytes() == seed.read_bytes()


def test_manifest_has_one_row_with_provenance_per_document() -> None:
    rows = _manifest()
    assert sorted(r["file"] for r in rows) == sorted(p.name for p in DOCUMENTS.glob("*.txt"))
    assert {r["language"] for r in rows} == {"sv", "da", "fi", "nb", "af"}
    for row in rows:
        assert row["id"] and row["topics"] and row["provenance"]
    assert bundled_corpus() == CORPUS


def test_every_gloss_is_anchored_to_a_line_of_its_source() -> None:
    for row in _glosses():
        lines = {line.strip() for line in (DOCUMENTS / str(row["source"])).read_text().splitlines()}
        assert row["text"] in lines, row["text"]
        assert row["gloss"] and row["tags"]


def test_glosses_add_no_numbers_the_source_line_lacks() -> None:
    number = re.compile(r"\d+")
    for row in _glosses():
        missing = set(number.findall(str(row["gloss"]))) - set(number.findall(str(row["text"])))
        assert not missing, (row["text"][:50], missing)


def test_every_chunk_of_the_bundled_corpus_carries_a_gloss() -> None:
    root = open_root(CORPUS, label=BUNDLED_LABEL)
    for path in root.files():
        chunks, _ = read_document(path, root)
        for item in chunks:
            assert item.gloss, (path.name, item.text[:60])
            assert item.tags


def _questions() -> list[dict[str, object]]:
    lines = (CORPUS / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_expansion_questions_are_anchored_to_glossed_paragraphs() -> None:
    paragraphs = {(str(r["source"]), str(r["text"])) for r in _glosses()
                  if r["kind"] in ("paragraph", "list-item")}
    seen = set()
    for row in _questions():
        key = (str(row["source"]), str(row["text"]))
        assert key in paragraphs, key
        questions = row["questions"]
        assert isinstance(questions, list) and len(set(questions)) == len(questions) >= 4
        seen.add(key)
    assert seen == paragraphs


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def test_expansions_do_not_copy_the_eval_questions() -> None:
    """Document expansion was written without the eval set; no near-copy may sneak in later."""
    evals = [json.loads(x)["question"] for x in
             (CORPUS.parent / "evals/datasets/retrieval.jsonl").read_text().splitlines()]
    expansions = [str(q) for row in _questions() for q in row["questions"]]  # type: ignore[attr-defined]
    for question in evals:
        words = _words(question)
        for expansion in expansions:
            other = _words(expansion)
            overlap = len(words & other) / len(words | other)
            assert overlap < 0.5, (question, expansion)
