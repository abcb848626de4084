"""Findings from the owner's own situation: each answer the owner typed is also a retrieval query.

A passage that the retriever ranks first for one of the owner's messages, that its relevance guard
lets through, that matches the message strongly enough (``situations`` in audit_scoring.yaml) and
that no rule of this audit already cites, becomes a finding after the rule findings: it shows the
owner's words and quotes the sentence of the passage that shares most with them (a verbatim slice,
verified with every other citation; the passage's gloss goes with it). A passage is said to carry
advice when a rule's anchor lies in it (a person chose it as advice); the rule that owns it must
not have been judged not to apply (rules first: their conditions know better than a similarity).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot import datafiles
from bot.audit.config import Situations
from bot.audit.evidence import best_sentence
from bot.audit.facts import Facts
from bot.audit.judge import Judgement, fact
from bot.audit.model import Basis, Fact, Finding
from bot.audit.texts import UI
from bot.citations import Citation, cite
from bot.profile import PATHS, Profile
from bot.retrieval.lexical import Lexicon
from bot.types import Chunk

PREFIX = "situation:"  # a situation finding's id: the prefix and the chunk it cites


@dataclass(frozen=True)
class Match:
    """One of the owner's messages, the passage that answers it, and how strongly."""

    words: str
    paths: tuple[str, ...]  # the answers the message gave
    chunk: Chunk
    quote: str
    strength: float


@datafiles.cached
def lexicon() -> Lexicon:
    return Lexicon.load()


def said(profile: Profile) -> list[tuple[str, tuple[str, ...]]]:
    """The owner's distinct messages in the profile, in profile order, each with the answers it gave."""
    out: dict[str, list[str]] = {}
    for path in PATHS:
        message = profile.get(path).source_message
        if message and message.strip():
            out.setdefault(message, []).append(path)
    return [(message, tuple(paths)) for message, paths in out.items()]


def strength(scored: Any, config: Situations) -> float:
    """How strongly a passage matches a message: its similarity in the configured view."""
    value: float = scored.fused if config.signal == "fused" else scored.dense.get(config.signal, -1.0)
    return value


def advice_chunks(judgements: Iterable[Judgement], anchored: Mapping[str, Iterable[str]],
                  respect_rules: bool) -> frozenset[str]:
    """Passages that carry advice (a rule's anchor lies in them; ``anchored``: rule id -> the chunk
    ids of its anchors); with ``respect_rules``, only those none of whose rules was judged not to
    apply."""
    chunks = {c for ids in anchored.values() for c in ids}
    if not respect_rules:
        return frozenset(chunks)
    ruled_out = {c for j in judgements if j.value is False for c in anchored.get(j.rule.id, ())}
    return frozenset(chunks - ruled_out)


def matches(profile: Profile, ranked: Sequence[Sequence[Any]], allowed: frozenset[str],
            cited: frozenset[str], config: Situations, lexicon: Lexicon) -> list[Match]:
    """Per message (``ranked``: the retriever's passages for each of ``said(profile)``, best first,
    empty where the guard found nothing), its first passage, when it carries advice (``allowed``),
    is not ``cited`` already and matches strongly enough; one finding a passage (the strongest),
    at most ``config.max_findings``, strongest first."""
    best: dict[str, Match] = {}
    for (words, paths), results in zip(said(profile), ranked, strict=True):
        for scored in list(results)[:config.per_message]:
            chunk = scored.chunk
            power = strength(scored, config)
            if chunk.chunk_id not in allowed or chunk.chunk_id in cited or power < config.min_strength:
                continue
            quote = best_sentence(chunk, words, lexicon)
            known = best.get(chunk.chunk_id)
            if quote and (known is None or power > known.strength):
                best[chunk.chunk_id] = Match(words, paths, chunk, quote, power)
    ordered = sorted(best.values(), key=lambda m: (-m.strength, m.chunk.chunk_id))
    return ordered[:config.max_findings]


def finding(match: Match, facts: Facts, ui: UI, config: Situations) -> Finding:
    """A match as a finding: the owner's words, the passage's quote, the answers the words gave."""
    premise: tuple[Fact, ...] = tuple(fact(p, facts, ui) for p in match.paths)
    title = match.chunk.title or match.chunk.source
    citation: Citation = cite(match.chunk, match.quote)
    basis: Basis = "user-stated" if all(f.basis == "user-stated" for f in premise) else "inferred"
    return Finding(f"{PREFIX}{match.chunk.chunk_id}", config.severity, config.impact, config.effort,
                   ui.t("situation_title", title=title), ui.t("situation_text", words=match.words),
                   ui.t("situation_recommendation"), basis, (citation,), (), premise)
