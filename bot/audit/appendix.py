"""The evidence appendix: every claim of the report with what it rests on — the user's answers
(user-stated), the cited passages (cited), or the audit's own judgement (inferred)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.audit.facts import Facts
from bot.audit.judge import fact
from bot.audit.model import ActionPlan, ChannelVerdict, Claim, Finding, Misconception
from bot.audit.narrative import MARKER
from bot.audit.texts import UI
from bot.citations import Citation, sentences
from bot.conditions import said_dont_know
from bot.profile import PATHS, SETTLED


def _fact_claims(facts: Facts, ui: UI) -> list[Claim]:
    out = []
    for path in PATHS:
        leaf = facts.get(path)
        if leaf.status in SETTLED or said_dont_know(leaf):
            f = fact(path, facts, ui)
            out.append(Claim("facts", path, ui.t("claim_fact", field=f.field, value=f.value), f.basis,
                             source_message=f.source_message))
    return out


def _cited_in(sentence: str, citations: Sequence[Citation]) -> tuple[Citation, ...]:
    refs = [int(n) for group in MARKER.findall(sentence) for n in re.split(r"\s*[,;]\s*", group)]
    return tuple(dict.fromkeys(citations[n - 1] for n in refs if 1 <= n <= len(citations)))


def claims(channels: Sequence[ChannelVerdict], findings: Sequence[Finding],
           misconceptions: Sequence[Misconception], plan: ActionPlan, narrative: str | None,
           citations: Sequence[Citation], facts: Facts, ui: UI) -> tuple[Claim, ...]:
    out: list[Claim] = []
    cites: dict[str, tuple[Citation, ...]] = {}
    for v in channels:
        verdict = ui.strings["verdict_labels"][v.verdict]
        out.append(Claim("channels", v.channel, ui.t("claim_verdict", channel=v.label, verdict=verdict,
                                                     score=v.score), "inferred", v.citations))
    for f in findings:
        cites[f.rule_id] = f.citations
        out.append(Claim("findings", f.rule_id, f"{f.title}: {f.text}", "cited", f.citations))
    for m in misconceptions:
        cites[m.rule_id] = m.citations
        out.append(Claim("misconceptions", m.rule_id, m.belief, m.basis))
        out.append(Claim("misconceptions", m.rule_id, m.text, "cited", m.citations))
    for phase in plan.phases:
        for action in phase.actions:
            out.append(Claim("plan", action.key, ui.t("claim_action", days=phase.days, action=action.text),
                             "inferred", cites.get(action.rule_id or "", ())))
    for sentence in sentences(narrative or ""):
        out.append(Claim("narrative", "narrative", sentence, "cited", _cited_in(sentence, citations)))
    return tuple(out + _fact_claims(facts, ui))
