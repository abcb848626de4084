"""Side questions: the quote is the passage's sentence(s) closest to the question, verbatim."""

from __future__ import annotations

from bot.citations import cite, verify
from bot.interview.side import best_quote, side_answer
from bot.interview.state import Context
from bot.types import Hit


def _hit(text: str, gloss: str = "", lang: str = "sv") -> Hit:
    return Hit("c1", "doc.txt", lang, "Titel", text, 1.0, gloss=gloss)


def test_the_closest_sentence_is_quoted_verbatim() -> None:
    hit = _hit("Vädret är fint i dag. Kunder som klagar på Facebook ska få svar snabbt, helst inom en timme "
               "och alltid samma dag. Katter sover mycket.")
    quote, first = best_quote(hit, "How fast should we answer customers who complain on Facebook?")
    assert quote == ("Kunder som klagar på Facebook ska få svar snabbt, helst inom en timme och alltid "
                     "samma dag.")
    assert first == 1 and quote in hit.text


def test_a_short_sentence_takes_the_next_one_along() -> None:
    hit = _hit("Katter sover. Facebook bestämmer. Hundar springer fort i parken varje morgon och kväll.")
    quote, first = best_quote(hit, "Who decides on Facebook?")
    assert quote == "Facebook bestämmer. Hundar springer fort i parken varje morgon och kväll." and first == 1


def test_the_answer_cites_the_bundled_index(bundled_retriever) -> None:  # type: ignore[no-untyped-def]
    ctx = Context(retriever=bundled_retriever)
    parts, citations = side_answer("Who owns my email subscriber list?", "en", ctx)
    assert citations and citations[0].source == "000_5bc2e9f2a388b38b.txt"
    verify(citations, bundled_retriever)
    assert parts[0] == "Good question. Here is what the knowledge base says:"
    assert citations[0].quote in parts[1] and "[1]" in parts[1] and "In English:" in parts[1]


def test_the_english_lines_up_with_the_quote_when_the_gloss_does() -> None:
    from bot.interview.side import _gloss

    hit = _hit("Första meningen här. Andra meningen där.", "First sentence here. Second sentence there.")
    quote, first = best_quote(hit, "andra meningen")
    assert _gloss(hit, quote, first) == "Second sentence there."
    uneven = _hit("En mening. Två meningar.", "One sentence, two sentences.")
    assert _gloss(uneven, "Två meningar.", 1) == "One sentence, two sentences."
    assert cite(hit, quote).gloss == hit.gloss  # the citation keeps the whole passage's gloss


def test_a_very_long_side_question_is_read_by_its_start(bundled_retriever) -> None:  # type: ignore[no-untyped-def]
    from bot.retrieve import MAX_QUERY_CHARS

    ctx = Context(retriever=bundled_retriever)
    start = "Why shouldn't we delete angry comments on Facebook? " * 25
    long = (start * 16)[:20_000]
    assert len(start) > MAX_QUERY_CHARS
    assert side_answer(long, "en", ctx) == side_answer(long[:MAX_QUERY_CHARS], "en", ctx)
    assert bundled_retriever.search(long, k=3) == bundled_retriever.search(long[:MAX_QUERY_CHARS], k=3)
    assert bundled_retriever.search(long, k=3)
