"""The bundled corpus: the seed articles unchanged, their provenance, and anchored glosses."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from bot.audit.rules import default_rules
from bot.citations import quote_gloss, quoted_sentences, sentences
from bot.errors import SocialAuditError
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
        sentence_glosses = row["sentence_glosses"]
        assert isinstance(sentence_glosses, list)
        for original, gloss in zip(sentences(str(row["text"])), sentence_glosses, strict=True):
            missing = set(number.findall(gloss)) - set(number.findall(original))
            assert not missing, (original[:50], missing)


def test_every_sentence_of_every_bundled_passage_has_a_curated_gloss() -> None:
    root = open_root(CORPUS, label=BUNDLED_LABEL)
    total = 0
    for path in root.files():
        chunks, _ = read_document(path, root)
        for item in chunks:
            assert len(item.sentence_glosses) == len(sentences(item.text)), (path.name, item.text[:60])
            assert all(g.strip() for g in item.sentence_glosses)
            total += len(item.sentence_glosses)
    # every paragraph and list item is a passage (titles and headings are their context): 212 sentences
    assert total == sum(len(sentences(str(r["text"]))) for r in _glosses()
                        if r["kind"] in ("paragraph", "list-item")) == 212
    assert all(len(r["sentence_glosses"]) == len(sentences(str(r["text"]))) for r in _glosses())  # type: ignore[arg-type]


def test_sentence_glosses_that_do_not_line_up_are_an_error_naming_source_and_paragraph(
        tmp_path: Path) -> None:
    row = {"source": "a.txt", "text": "Första meningen. Andra meningen.", "kind": "paragraph",
           "gloss": "First sentence. Second sentence.", "tags": ["x"]}
    (tmp_path / "a.txt").write_text(str(row["text"]) + "\n", encoding="utf-8")
    for given in (["First sentence."], ["First.", "Second.", "Third."], ["First.", ""], "First."):
        (tmp_path / "glosses.jsonl").write_text(json.dumps({**row, "sentence_glosses": given}) + "\n",
                                                encoding="utf-8")
        with pytest.raises(SocialAuditError, match=r"a\.txt, paragraph 'Första meningen\. Andra"):
            open_root(tmp_path)
    good = {**row, "sentence_glosses": ["First sentence.", "Second sentence."]}
    (tmp_path / "glosses.jsonl").write_text(json.dumps(good) + "\n", encoding="utf-8")
    gloss = open_root(tmp_path).glosses[("a.txt", str(row["text"]))]
    assert gloss.sentences == ("First sentence.", "Second sentence.")


def test_an_audit_rules_gloss_of_whole_sentences_is_their_curated_sentence_gloss() -> None:
    """The rules keep their own gloss of each quote (a part of a sentence needs one); where the
    quote is whole sentences it must say what the corpus's sentence glosses say."""
    root = open_root(CORPUS, label=BUNDLED_LABEL)
    chunks = [c for path in root.files() for c in read_document(path, root)[0]]
    checked = 0
    for rule in default_rules():
        for anchor in rule.evidence.anchors:
            chunk = next(c for c in chunks if c.source == anchor.source and anchor.quote in c.text)
            parts = sentences(chunk.text)
            spanned = " ".join(parts[i] for i in quoted_sentences(chunk.text, anchor.quote))
            if anchor.gloss and spanned == anchor.quote:
                assert anchor.gloss == quote_gloss(chunk, anchor.quote), (rule.id, anchor.quote[:50])
                checked += 1
    assert checked >= 50


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
