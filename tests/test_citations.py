"""Citations resolve to stored text or are refused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.citations import (
    Citation,
    CitationError,
    cite,
    number,
    problem,
    quote_gloss,
    quoted_sentences,
    sentences,
    verify,
)
from bot.retrieval.index import hit_from_chunk
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
                                  "quote": "Din prenumerantlista tillhör dig.", "author": "A", "gloss": "G",
                                  "gloss_source": "curated"}
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


def test_a_citation_says_who_wrote_its_gloss_and_keeps_it_through_json_and_numbering() -> None:
    machine = Chunk(chunk_id="c1", source="000.txt", lang="sv", text=CHUNK.text, gloss="G",
                    gloss_source="llm")
    refused = Chunk(chunk_id="c1", source="000.txt", lang="sv", text=CHUNK.text, gloss_source="llm-rejected")
    by_llm, by_person = cite(machine, "Ny rad här."), cite(CHUNK, "Ny rad här.")
    assert (by_llm.gloss_source, by_llm.machine_gloss) == ("llm", True)
    assert (by_person.gloss_source, by_person.machine_gloss) == ("curated", False)
    assert (cite(refused).gloss_source, cite(refused).machine_gloss) == ("", False)
    assert cite(hit_from_chunk(machine, 0.5), "Ny rad här.") == by_llm  # a search hit says the same
    assert Citation.from_json(by_llm.to_json()) == by_llm
    assert number([by_llm, by_person]) == {by_llm: 1, by_person: 2}  # same quote, different gloss
    verify([by_llm], Store())


def test_citations_saved_before_gloss_sources_still_load() -> None:
    old = {"chunk_id": "c1", "source": "000.txt", "quote": "Ny rad här.", "lang": "sv", "title": "T",
           "author": "A", "gloss": "G"}
    loaded = Citation.from_json(old)
    assert loaded.gloss == "G" and loaded.gloss_source == "" and not loaded.machine_gloss
    assert Citation.from_json({**old, "gloss_source": "llm"}).machine_gloss
    assert Citation.from_json({**old, "gloss": "", "gloss_source": "llm"}).gloss_source == ""


def test_numbering_follows_first_appearance() -> None:
    a, b = cite(CHUNK, "Ny rad här."), cite(CHUNK)
    assert number([a, b, a]) == {a: 1, b: 2}


def test_citations_of_the_bundled_index_resolve(bundled_retriever) -> None:
    hits = bundled_retriever.search("Should we delete angry comments?", k=3)
    assert hits
    citations = [cite(h, sentences(h.text)[0]) for h in hits]
    verify(citations, bundled_retriever)
    assert bundled_retriever.chunk("no-such-id") is None


SENTENCED = Chunk(chunk_id="c2", source="000.txt", lang="sv", gloss="Yours. Not theirs! New line.",
                  text=CHUNK.text, sentence_glosses=(
                      "Your subscriber list belongs to you.", "Your followers on Facebook do not!",
                      "A new line here."))


def test_a_quote_of_one_sentence_carries_that_sentences_gloss_not_the_passages() -> None:
    assert cite(SENTENCED, "Följarna på Facebook gör det inte!").gloss == "Your followers on Facebook do not!"
    assert cite(SENTENCED, "Ny rad här.").gloss == "A new line here."  # the sentence after a line break
    assert cite(SENTENCED, "på Facebook gör").gloss == "Your followers on Facebook do not!"  # part of one


def test_a_quote_spanning_sentences_carries_their_glosses_in_order() -> None:
    two = cite(SENTENCED, "Din prenumerantlista tillhör dig. Följarna på Facebook gör det inte!")
    assert two.gloss == "Your subscriber list belongs to you. Your followers on Facebook do not!"
    across = cite(SENTENCED, "gör det inte!\nNy rad")  # across a line break
    assert across.gloss == "Your followers on Facebook do not! A new line here."
    assert quoted_sentences(SENTENCED.text, "tillhör dig. Följarna") == [0, 1]
    assert quoted_sentences(SENTENCED.text, "not in the text") == []


def test_the_passages_gloss_stands_for_the_whole_passage_and_where_sentences_have_none() -> None:
    assert cite(SENTENCED).gloss == SENTENCED.gloss  # the whole passage quoted
    assert cite(CHUNK, "Ny rad här.").gloss == "G"  # no sentence glosses (a consultant's passage)
    machine = replace(SENTENCED, gloss_source="llm")  # a machine gloss is never split
    assert cite(machine, "Ny rad här.").gloss == SENTENCED.gloss
    stale = replace(SENTENCED, sentence_glosses=SENTENCED.sentence_glosses[:2])  # no longer lines up
    assert cite(stale, "Ny rad här.").gloss == SENTENCED.gloss
    assert quote_gloss(replace(SENTENCED, gloss=""), "Ny rad här.") == ""  # no gloss, no sentence gloss
    hit = hit_from_chunk(SENTENCED, 0.5)  # a search hit carries the sentence glosses too
    assert cite(hit, "Ny rad här.") == cite(SENTENCED, "Ny rad här.")
