"""Citations resolve to stored text or are refused."""

from __future__ import annotations

import pytest

from bot.citations import Citation, CitationError, cite, number, problem, sentences, verify
from bot.types import Chunk

CHUNK = Chunk(chunk_id="c1", source="000.txt", lang="sv", title="T", author="A", gloss="G",
              text="Din prenumerantlista tillhör dig. Följarna på Facebook gör det inte!\nNy rad här.")


class Store:
    def chunk(self, chunk_id: str) -> Chunk | None:
        return CHUNK if chunk_id == CHUNK.chunk_id else None


def test_sentences_are_verbatim_slices() -> None:
    parts = sentences(CHUNK.text)
    assert parts == ["Din prenumerantlista tillhör dig.", "Följarna på Facebook gör det inte!", "Ny rad här."]
    assert all(p in CHUNK.text for p in parts)


def test_a_verbatim_quote_verifies_and_keeps_reader_context() -> None:
    citation = cite(CHUNK, "Din prenumerantlista tillhör dig.")
    verify([citation], Store())
    assert citation.to_json() == {"chunk_id": "c1", "source": "000.txt", "lang": "sv", "title": "T",
                                  "quote": "Din prenumerantlista tillhör dig.", "author": "A", "gloss": "G"}
    assert Citation.from_json(citation.to_json()) == citation


@pytest.mark.parametrize(("citation", "why"), [
    (cite(CHUNK, "Din prenumerantlista tillhör mig."), "quote is not in the passage"),
    (Citation("c2", "000.txt", "Ny rad här.", "sv"), "no such passage"),
    (Citation("c1", "001.txt", "Ny rad här.", "sv"), "source"),
    (Citation("c1", "000.txt", "  ", "sv"), "empty quote"),
])
def test_an_unresolvable_citation_is_an_error(citation: Citation, why: str) -> None:
    assert why in (problem(citation, Store()) or "")
    with pytest.raises(CitationError, match=why):
        verify([cite(CHUNK), citation], Store())


def test_numbering_follows_first_appearance() -> None:
    a, b = cite(CHUNK, "Ny rad här."), cite(CHUNK)
    assert number([a, b, a]) == {a: 1, b: 2}


def test_citations_of_the_bundled_index_resolve(bundled_retriever) -> None:
    hits = bundled_retriever.search("Should we delete angry comments?", k=3)
    assert hits
    citations = [cite(h, sentences(h.text)[0]) for h in hits]
    verify(citations, bundled_retriever)
    assert bundled_retriever.chunk("no-such-id") is None
