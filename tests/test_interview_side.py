"""Side questions: the quote is the passage's sentence(s) closest to the question, verbatim."""

from __future__ import annotations

from dataclasses import replace

from bot.citations import cite, sentences, verify
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


def _english(part: str) -> str:
    return part.split("\nIn English: ", 1)[1]


def test_a_side_answer_quoting_one_sentence_shows_that_sentences_english(bundled_retriever) -> None:  # type: ignore[no-untyped-def]
    """The tip's paragraph has four sentences (its gloss five): the English shown is the quote's."""
    ctx = Context(retriever=bundled_retriever)
    parts, citations = side_answer("Should we delete critical comments?", "en", ctx)
    chunk = bundled_retriever.chunk(citations[0].chunk_id)
    assert citations[0].quote == ("Pahin virhe on poistaa kriittinen kommentti tai olla vastaamatta "
                                  "kritiikkiin, somekansa kyllä huomaa sen.")
    assert len(chunk.sentence_glosses) == 4 and chunk.gloss.startswith("2. Also plan")
    assert _english(parts[1]) == chunk.sentence_glosses[3] == citations[0].gloss == (
        "The worst mistake is to delete a critical comment or to leave criticism unanswered – the social "
        "media crowd will definitely notice.")
    assert "Also plan" not in "\n".join(parts)


def test_a_side_answer_quoting_two_sentences_shows_both_in_order(bundled_retriever) -> None:  # type: ignore[no-untyped-def]
    ctx = Context(retriever=bundled_retriever)
    parts, citations = side_answer("Should marketing alone run our social media?", "en", ctx)
    chunk = bundled_retriever.chunk(citations[1].chunk_id)
    assert len(sentences(chunk.text)) == 5 and sentences(citations[1].quote) == sentences(chunk.text)[:2]
    assert _english(parts[2]) == " ".join(chunk.sentence_glosses[:2]) == (
        "Companies often see social media mainly as a marketing channel. Social media is a communication "
        "channel that can be used for marketing – but it is not only a marketing channel.")
    assert chunk.sentence_glosses[2] not in parts[2]


def test_a_passage_without_sentence_glosses_shows_its_whole_gloss() -> None:
    hit = _hit("Första meningen här. Andra meningen där.", "First sentence here. Second sentence there.")
    quote, first = best_quote(hit, "andra meningen")
    assert (quote, first) == ("Andra meningen där.", 1)
    assert cite(hit, quote).gloss == hit.gloss  # a consultant's gloss is never cut by guesswork
    glossed = replace(hit, sentence_glosses=("First sentence here.", "Second sentence there."))
    assert cite(glossed, quote).gloss == "Second sentence there."


def test_a_very_long_side_question_is_read_by_its_start(bundled_retriever) -> None:  # type: ignore[no-untyped-def]
    from bot.retrieval.retrieve import MAX_QUERY_CHARS

    ctx = Context(retriever=bundled_retriever)
    start = "Why shouldn't we delete angry comments on Facebook? " * 25
    long = (start * 16)[:20_000]
    assert len(start) > MAX_QUERY_CHARS
    assert side_answer(long, "en", ctx) == side_answer(long[:MAX_QUERY_CHARS], "en", ctx)
    assert bundled_retriever.search(long, k=3) == bundled_retriever.search(long[:MAX_QUERY_CHARS], k=3)
    assert bundled_retriever.search(long, k=3)
