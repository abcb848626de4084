"""Evidence for the rules that fired: their curated anchors, found in the index, plus passages the
retriever returns for each rule's query from the other documents of the index (so that documents a
consultant adds can speak too; the documents the rules were written from speak through their
curated anchors, which a person chose and a test checks).

Every citation quotes stored text verbatim; ``verify_all`` checks them all (and that a gloss
shown beside a quote is the corpus's own gloss of that passage) before a report exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from bot import datafiles
from bot.audit.rules import Anchor, Rule
from bot.citations import Citation, CitationError, cite, quote_gloss, sentences, verify
from bot.retrieval.lexical import Lexicon, document_terms, query_terms
from bot.types import Chunk


class Source(Protocol):
    """Stored passages: by id (to verify) and all of them (to find the curated anchors). A
    ``Retriever`` is one; with ``score_many`` it also contributes retrieved evidence."""

    def chunk(self, chunk_id: str) -> Chunk | None: ...

    def chunks(self) -> list[Chunk]: ...


def by_source(source: Source) -> dict[str, list[Chunk]]:
    if not callable(getattr(source, "chunks", None)):
        raise TypeError("build_audit needs the stored passages (chunk and chunks): pass a Retriever")
    out: dict[str, list[Chunk]] = {}
    for chunk in source.chunks():
        out.setdefault(chunk.source, []).append(chunk)
    for chunks in out.values():
        chunks.sort(key=lambda c: (c.position, c.chunk_id))
    return out


def anchor_citation(rule_id: str, anchor: Anchor, index: dict[str, list[Chunk]]) -> Citation:
    for chunk in index.get(anchor.source, ()):
        if anchor.quote in chunk.text:  # a rule's own gloss of its quote is curated data
            citation = cite(chunk, anchor.quote)
            return replace(citation, gloss=anchor.gloss, gloss_source="curated") if anchor.gloss else citation
    raise CitationError(f"audit rule {rule_id!r}: its quote from {anchor.source} is in no stored "
                        "passage — run `social-audit ingest` (the bundled corpus must be in the index) "
                        "or fix the rule")


def anchor_citations(rule: Rule, index: dict[str, list[Chunk]]) -> tuple[Citation, ...]:
    return tuple(anchor_citation(rule.id, a, index) for a in rule.evidence.anchors)


@datafiles.cached
def _lexicon() -> Lexicon:
    return Lexicon.load()


def best_sentence(chunk: Chunk, query: str, lexicon: Lexicon) -> str | None:
    """The sentence of ``chunk`` that shares most with ``query`` (concepts first, then terms), or
    None when no sentence shares a concept of the domain lexicon with it."""
    wanted = set(query_terms(lexicon, query))
    best: tuple[int, int] = (0, 0)
    chosen = None
    for sentence in sentences(chunk.text):
        terms = set(document_terms(lexicon, sentence, chunk.lang)) & wanted
        score = (sum(1 for t in terms if t.startswith("§")), len(terms))
        if score > best:
            best, chosen = score, sentence
    return chosen if best[0] > 0 else None


def _scored(source: Any, queries: Sequence[str]) -> list[list[Any]]:
    if hasattr(source, "score_many"):
        results: list[list[Any]] = source.score_many(queries)
        return results
    if hasattr(source, "score"):
        return [source.score(q) for q in queries]
    return [[] for _ in queries]


def _text_floor(source: Any) -> float | None:
    """The retriever's own bar for a passage without expansion questions (its guard's text
    floor), where its embedder is the one the bar was calibrated for."""
    active = getattr(source, "guard_active", None)
    config = getattr(source, "config", None)
    return float(config.guard_text_floor) if callable(active) and active() and config is not None else None


def _candidates(scored: list[Any], skip: frozenset[str], floor: float | None, k: int) -> list[Chunk]:
    """The passages of non-curated documents closest to the query in meaning, above the floor."""
    others = [s for s in scored if s.chunk.source not in skip
              and (floor is None or s.dense.get("text", -1.0) >= floor)]
    others.sort(key=lambda s: (-s.dense.get("text", -1.0), s.chunk.chunk_id))
    return [s.chunk for s in others[:k]]


def curated(rules: Iterable[Rule]) -> frozenset[str]:
    """The documents the rules were written from: they speak through their curated anchors."""
    return frozenset(a.source for r in rules for a in r.evidence.anchors)


def retrieved(rules: Sequence[Rule], anchors: dict[str, tuple[Citation, ...]], source: Source,
              index: dict[str, list[Chunk]], skip: frozenset[str]) -> dict[str, tuple[Citation, ...]]:
    """Passages from documents other than ``skip`` (the curated ones) that the retriever finds
    relevant to each rule's query: as similar in meaning as its guard requires of such passages,
    with a sentence that shares a concept with the query. An index of only curated documents
    asks nothing. (Ranking these among themselves by text similarity: the fused ranking favours
    the curated documents, which carry English glosses and expansion questions.)"""
    wanted = [r for r in rules if r.evidence.extra > 0]
    if not wanted or not set(index) - skip:
        return {}
    lexicon = getattr(source, "lexicon", None) or _lexicon()
    floor = _text_floor(source)
    out: dict[str, tuple[Citation, ...]] = {}
    for rule, scored in zip(wanted, _scored(source, [r.evidence.query for r in wanted]), strict=True):
        cited = {c.chunk_id for c in anchors.get(rule.id, ())}
        extra: list[Citation] = []
        for chunk in _candidates(scored, skip, floor, rule.evidence.k):
            quote = None if chunk.chunk_id in cited else best_sentence(chunk, rule.evidence.query, lexicon)
            if quote and len(extra) < rule.evidence.extra:
                extra.append(cite(chunk, quote))
        out[rule.id] = tuple(extra)
    return out


def verify_all(citations: Iterable[Citation], source: Source) -> None:
    """``bot.citations.verify``, and each gloss must be the stored passage's gloss or part of it,
    or the curated glosses of the sentences quoted."""
    citations = list(citations)
    verify(citations, source)
    wrong = [c for c in citations if c.gloss and (chunk := source.chunk(c.chunk_id)) is not None
             and chunk.gloss and c.gloss not in chunk.gloss and c.gloss != quote_gloss(chunk, c.quote)]
    if wrong:
        raise CitationError("; ".join(f"citation of {c.chunk_id} ({c.source}): gloss is not the passage's"
                                      for c in wrong) + " — fix the rule's anchor gloss")
