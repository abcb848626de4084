"""``build_audit``: from a business profile to a cited audit, deterministically.

Stages, each a pure function of the one before: judge the rules against the answers; gather the
evidence of those that fired (curated anchors, plus what the retriever returns for their queries);
write findings and misconceptions; decide per channel; size the plan to the stated hours; list
what could not be judged; verify every citation against the stored text. Before anything is
shown, the consistency checks (``consistency.py``) drop or correct what contradicts the owner's
answers or the audit itself, and log it. The optional LLM only
adds a narrative, and only what survives its post-check.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from bot.audit import appendix, consistency, findings, narrative, situations
from bot.audit.config import ScoringConfig, scoring_config
from bot.audit.evidence import Source, anchor_citations, by_source, curated, retrieved, verify_all
from bot.audit.facts import Facts
from bot.audit.gaps import gaps
from bot.audit.judge import Judgement, judge_all
from bot.audit.model import Audit, Finding
from bot.audit.plan import build_plan
from bot.audit.rules import default_rules, rule_languages
from bot.audit.scoring import verdicts
from bot.audit.texts import UI, ui_data, ui_for
from bot.citations import Citation
from bot.profile import Profile
from bot.types import Chunk

log = logging.getLogger(__name__)


def languages() -> tuple[str, ...]:
    """The languages an audit can be written in: every rule and every UI string has them."""
    return tuple(lang for lang in rule_languages(default_rules()) if lang in ui_data())


def report_lang(lang: str) -> str:
    """The language an owner who talked in ``lang`` gets the report in: theirs when the audit is
    written in it, else English (an Afrikaans conversation gets an English report that quotes the
    articles in their own languages)."""
    return lang if lang in languages() else "en"


def _in_order(groups: Iterable[tuple[Citation, ...]]) -> tuple[Citation, ...]:
    return tuple(dict.fromkeys(c for group in groups for c in group))


def build_audit(profile: Profile, passages: Source, lang: str = "en", llm: Any = None) -> Audit:
    """The audit of ``profile`` in ``lang``, citing ``passages`` (a ``Retriever``, or anything with
    ``chunk``/``chunks``; with ``score_many`` retrieved evidence is added too).

    Raises ``UnsupportedLanguageError`` for a language the report is not written in, and
    ``CitationError`` when a citation does not resolve to stored text.
    """
    rules = default_rules()
    config = scoring_config()
    ui = ui_for(lang, languages())
    facts = Facts(profile, config)
    judgements = judge_all(rules, facts)
    fired = [j for j in judgements if j.value]
    index = by_source(passages)
    anchors = {j.rule.id: anchor_citations(j.rule, index) for j in fired}
    extra = retrieved([j.rule for j in fired], anchors, passages, index, curated(rules))
    cites = {rule_id: quoted + extra.get(rule_id, ()) for rule_id, quoted in anchors.items()}
    found, beliefs = findings.build(fired, cites, facts, ui)
    found += _situations(profile, passages, judgements, index, cites, facts, config, ui)
    titles = {f.rule_id: f.title for f in found} | {m.rule_id: m.title for m in beliefs}
    channels = verdicts(fired, facts, config, ui, titles, cites)
    by_id = {r.id: r for r in rules}
    kept = {i.rule_id for i in consistency.within_hours(channels, [*found, *beliefs], by_id)}
    found = tuple(f for f in found if f.rule_id in kept)
    beliefs = tuple(m for m in beliefs if m.rule_id in kept)
    channels, found, beliefs, caught = consistency.settle(channels, found, beliefs, by_id, facts, config, ui)
    plan, caught_plan = consistency.settle_plan(
        build_plan(channels, found, beliefs, by_id, facts, config, ui), channels)
    holes, caught_gaps = consistency.settle_gaps(gaps(judgements, facts, ui), facts, ui)
    corrected = (*caught, *caught_plan, *caught_gaps)
    for v in corrected:
        log.warning("audit consistency: %s %s: %s; corrected before it is shown", v.check, v.ref, v.detail)
    citations = _in_order([*(v.citations for v in channels), *(f.citations for f in found),
                           *(m.citations for m in beliefs)])
    verify_all(citations, passages)
    story = None
    if llm is not None:
        try:
            story = narrative.write(llm, channels, found, beliefs, citations, profile, ui)
        except Exception as err:  # the narrative is optional: the audit stands without it
            log.warning("audit narrative skipped, the LLM failed: %s", " ".join(str(err).split())[:200])
    evidence = appendix.claims(channels, found, beliefs, plan, story, citations, facts, ui)
    return Audit(profile, lang, channels, found, beliefs, plan, holes, citations,
                 story, evidence, _generic(facts, config, ui), corrected)


def _situations(profile: Profile, passages: Source, judgements: Sequence[Judgement],
                index: dict[str, list[Chunk]], cites: dict[str, tuple[Citation, ...]], facts: Facts,
                config: ScoringConfig, ui: UI) -> tuple[Finding, ...]:
    """Findings from the owner's own words (``bot.audit.situations``), after the rules' own; none
    when switched off or the passages cannot be searched."""
    chosen = config.situations
    score = getattr(passages, "score_guarded", None)
    if not chosen.enabled or not callable(score) or not (said := situations.said(profile)):
        return ()
    anchored = {r.id: [c.chunk_id for c in anchor_citations(r, index)] for r in default_rules()}
    allowed = situations.advice_chunks(judgements, anchored, chosen.respect_rules)
    cited = frozenset(c.chunk_id for group in cites.values() for c in group)
    lexicon = getattr(passages, "lexicon", None) or situations.lexicon()
    found = situations.matches(profile, score([words for words, _ in said]), allowed, cited, chosen,
                               lexicon)
    return tuple(situations.finding(m, facts, ui, chosen) for m in found)


def _generic(facts: Facts, config: ScoringConfig, ui: UI) -> tuple[str, ...]:
    """The key facts not known, named in the report's language, when too few are known for an
    audit of the business (``generic`` in audit_scoring.yaml); else nothing."""
    missing = [p for p in config.generic.core if facts.value(p) is None]
    if len(config.generic.core) - len(missing) >= config.generic.min_answered:
        return ()
    return tuple(ui.field(p) for p in missing)
