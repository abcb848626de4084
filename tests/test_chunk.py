from __future__ import annotations

from ingest.chunk import DocumentInfo, chunk, classify, stable_id
from ingest.clean import clean
from ingest.load import Block, load
from tests.conftest import DOCUMENTS

INFO = DocumentInfo(source="doc.txt", key="t/doc.txt", lang="en", title="", author="")


def _chunks(name: str):
    kept, _ = clean(load(DOCUMENTS / name))
    return chunk(kept, DocumentInfo(name, f"bundled/{name}", "xx")), kept


def test_paragraphs_stay_whole_and_every_block_lands_somewhere() -> None:
    for path in sorted(DOCUMENTS.glob("*.txt")):
        chunks, kept = _chunks(path.name)
        for block in kept:
            placed = any(block.text in c.text.split("\n") for c in chunks) or any(
                block.text in (c.title, c.heading) for c in chunks)
            assert placed, (path.name, block.text[:60])


def test_numbered_section_headings_become_context() -> None:
    chunks, _ = _chunks("000_5bc2e9f2a388b38b.txt")
    reach = next(c for c in chunks if c.text.startswith("Din prenumerantlista"))
    assert reach.heading == "3. Facebook är ett företag"
    assert reach.title == "5 avgörande skillnader mellan e-post och sociala medier"
    assert "3. Facebook är ett företag" in reach.context()


def test_list_items_join_their_lead_in() -> None:
    chunks, _ = _chunks("001_c39f440d30a8045b.txt")
    lead = next(c for c in chunks if c.text.startswith("Der er som tommelfingerregel"))
    assert lead.text.split("\n")[1:4] == ["- Salg og marketing", "- Relationer", "- Kontaktkanal"]


def test_ids_are_stable_and_change_with_content() -> None:
    blocks = [Block("Service", "heading"), Block("Answer within a day, every day of the week.")]
    first, again = chunk(blocks, INFO), chunk(list(blocks), INFO)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    edited = chunk([blocks[0], Block("Answer within an hour, every day of the week.")], INFO)
    assert edited[0].chunk_id != first[0].chunk_id
    other_doc = chunk(blocks, DocumentInfo("b.txt", "t/b.txt", "en"))
    assert other_doc[0].chunk_id != first[0].chunk_id
    assert len(first[0].chunk_id) == 16 and stable_id("a") == stable_id("a")


def test_classify_plain_text_lines() -> None:
    assert classify(Block("Äpplen och päron"), 3) == "heading"
    assert classify(Block("1: Du vil bare gerne sælge noget"), 5) == "heading"
    assert classify(Block("- Relationer"), 5) == "list-item"
    assert classify(Block("Der er som tommelfingerregel tre grunde:"), 5) == "paragraph"
    assert classify(Block("A title line"), 0) == "title"
