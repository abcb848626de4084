"""Side questions answered from the corpus, and the passages behind the questions' "why".

A side question ("why shouldn't I delete angry comments?") is searched in the knowledge base;
each passage found is quoted by its sentence(s) closest to the question (a verbatim slice of
the stored text, so the citation verifies), shown with the English of the sentences quoted.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot import datafiles
from bot.citations import Citation, cite, number, problem, sentences
from bot.interview.claims import check
from bot.interview.messages import render
from bot.interview.policy import Anchor
from bot.interview.state import Context
from bot.retrieval.lexical import Lexicon, capped, document_terms, query_terms
from bot.types import Chunk, Hit

MIN_QUOTE = 80  # a shorter best sentence takes the next one along
MAX_PASSAGES = 2


@datafiles.cached
def _lexicon() -> Lexicon:
    return Lexicon.load()


def anchor_citation(anchor: Anchor, ctx: Context) -> Citation | None:
    """The citation of a question's passage, when a knowledge base that holds it is loaded."""
    if ctx.retriever is None:
        return None
    key = ("anchor", anchor.source, anchor.quote)
    if key not in ctx.cache:
        chunk = next((c for c in ctx.retriever.chunks()
                      if c.source == anchor.source and anchor.quote in c.text), None)
        ctx.cache[key] = cite(chunk, anchor.quote) if chunk else None
    found: Citation | None = ctx.cache[key]
    return found


def best_quote(hit: Hit, question: str) -> tuple[str, int]:
    """The sentence(s) of the passage sharing most terms with the question (earliest on a tie),
    as a verbatim slice of its text, and the index of the first sentence."""
    lexicon = _lexicon()
    wanted = set(query_terms(lexicon, question))
    parts = sentences(hit.text)
    if not parts:
        return hit.text.strip(), 0
    scores = [len(wanted & set(document_terms(lexicon, s, hit.lang))) for s in parts]
    best = max(range(len(parts)), key=lambda i: (scores[i], -i))
    start = hit.text.index(parts[best])
    end = start + len(parts[best])
    if len(parts[best]) < MIN_QUOTE and best + 1 < len(parts):
        following = hit.text.index(parts[best + 1], end)
        end = following + len(parts[best + 1])
    return hit.text[start:end], best


def side_answer(message: str, lang: str, ctx: Context, intro: tuple[str, ...] = ("side_intro",),
                hits: list[Hit] | None = None) -> tuple[list[str], list[Citation]]:
    """Paragraphs answering a side question from the corpus, and their citations; ``intro``: the
    messages that open them ("claim_intro", "claim_closest" for a claim about the articles);
    ``hits``: the passages already found for the message (else it is searched)."""
    if ctx.retriever is None:
        return [render("side_no_kb", lang)], []
    message = capped(message)  # a 20 000-character question is read by its start, quickly
    if hits is None:
        hits = ctx.retriever.search(message, k=MAX_PASSAGES)
    if not hits:
        return [render("side_none", lang)], []
    parts = [" ".join(render(key, lang) for key in intro)]
    citations: list[Citation] = []
    for hit in hits[:MAX_PASSAGES]:
        quote, _ = best_quote(hit, message)
        citation = cite(hit, quote)  # its gloss is the English of the quoted sentences
        if citation in citations:
            continue
        citations.append(citation)
        parts.append(quoted(hit, citation, citations, lang))
    return parts, citations


def quoted(hit: Hit, citation: Citation, citations: list[Citation], lang: str) -> str:
    """The quote with its [n] and title, and under it its English when the passage is not."""
    title = hit.title or hit.heading or hit.source
    text = render("side_quote", lang, quote=citation.quote, n=number(citations)[citation], title=title)
    gloss = citation.gloss if hit.lang != "en" else ""
    said = "side_gloss_llm" if citation.gloss_source == "llm" else "side_gloss"
    return text + ("\n" + render(said, lang, gloss=gloss) if gloss else "")


def article(hit: Hit) -> str:
    """How a reply names the article a passage is from: its number ("003", from the file name
    of the bundled corpus), else its title, else its file."""
    number = re.match(r"(\d{3})_", Path(hit.source).name)
    return number.group(1) if number else hit.title or hit.source


def claim_answer(message: str, lang: str, ctx: Context) -> tuple[list[str], list[Citation]]:
    """The reply to a claim about the articles (``bot.interview.claims``): "Yes — article 003
    says:" or "No article says that; article 003 says the opposite:" with the sentence, verified
    against its stored passage; else "I can't confirm that", with the passages closest to it, or
    saying that none of them covers it when the retriever finds none on its topic."""
    stance, hits = check(message, lang, ctx)
    found = stance.candidate
    if stance.verdict != "none" and found is not None and ctx.retriever is not None:
        citation = cite(found.hit, found.text)  # the one sentence: its gloss is that sentence's
        if problem(citation, ctx.retriever) is None:
            intro = render(f"claim_{stance.verdict}", lang, article=article(found.hit))
            return [intro, quoted(found.hit, citation, [citation], lang)], [citation]
    if ctx.retriever is not None and not hits:
        return [f"{render('claim_intro', lang)} {render('claim_uncovered', lang)}"], []
    return side_answer(message, lang, ctx, intro=("claim_intro", "claim_closest"), hits=hits[:MAX_PASSAGES])


def about(lang: str, ctx: Context) -> str:
    """What the bot is and which articles it quotes (a question about the bot itself): each by its
    title, or, untitled, by its first heading (as its citations show it), never by a file name."""
    first: dict[str, Chunk] = {}
    for chunk in ctx.retriever.chunks() if ctx.retriever is not None else ():
        if chunk.source not in first or chunk.position < first[chunk.source].position:
            first[chunk.source] = chunk
    titles = dict.fromkeys(c.title or c.heading or c.source for _, c in sorted(first.items()))
    return render("bot_about", lang, titles="; ".join(titles) or "-")
