"""Findings and misconceptions from the rules that fired, in the report's language, ranked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot import l10n
from bot.audit.facts import Facts
from bot.audit.judge import Judgement, facts_of
from bot.audit.model import Basis, Fact, Finding, Misconception
from bot.audit.rules import Rule
from bot.audit.texts import UI, fill
from bot.citations import Citation

LEVELS = {"high": 3, "medium": 2, "low": 1}


def values(judgement: Judgement, facts: Facts, ui: UI) -> dict[str, Any]:
    """What a rule's placeholders stand for (only those its texts may use)."""
    channels = ui.channel_list(judgement.channels) if judgement.channels else ui.strings["your_channels"]
    out: dict[str, Any] = {"channels": channels}
    if (hours := facts.value("resources.hours_per_week")) is not None:
        out["hours"] = ui.hours(hours)
    if (needed := facts.value("derived.hours_needed")) is not None:
        out["hours_needed"] = l10n.decimal(needed, ui.lang)
    if (response := facts.value("resources.response_time")) is not None:
        out["response_time"] = l10n.decimal(response, ui.lang)
    if (budget := facts.value("resources.ad_budget")) is not None:
        out["budget"] = ui.amount(budget)
    return out


def title(judgement: Judgement, facts: Facts, ui: UI) -> str:
    rule = judgement.rule
    return fill(rule.text(ui.lang).title, f"rule {rule.id}.{ui.lang}.title", **values(judgement, facts, ui))


def _basis(rule: Rule, premise: Sequence[Fact]) -> Basis:
    if not premise:
        return "cited"
    if any(f.basis != "user-stated" for f in premise):
        return "inferred"
    if rule.kind == "misconception" and rule.belief_basis == "inferred":
        return "inferred"
    return "user-stated"


def rank_key(finding: Finding, order: Mapping[str, int]) -> tuple[int, int, int, int]:
    """Highest impact first, then least effort, then highest severity, then the rules' order."""
    return (-LEVELS[finding.impact], LEVELS[finding.effort], -LEVELS[finding.severity],
            order[finding.rule_id])


def build(fired: Sequence[Judgement], cites: Mapping[str, tuple[Citation, ...]], facts: Facts,
          ui: UI) -> tuple[tuple[Finding, ...], tuple[Misconception, ...]]:
    findings: list[Finding] = []
    misconceptions: list[Misconception] = []
    for judgement in fired:
        rule = judgement.rule
        text, where = rule.text(ui.lang), f"rule {rule.id}.{ui.lang}"
        vals = values(judgement, facts, ui)
        premise = facts_of(judgement, facts, ui)
        basis = _basis(rule, premise)
        if rule.kind == "misconception":
            misconceptions.append(Misconception(
                rule.id, fill(text.title, where, **vals), fill(text.belief or "", where, **vals),
                fill(text.finding, where, **vals), fill(text.recommendation, where, **vals), basis,
                cites[rule.id], premise))
        else:
            findings.append(Finding(
                rule.id, rule.severity, rule.impact, rule.effort, fill(text.title, where, **vals),
                fill(text.finding, where, **vals), fill(text.recommendation, where, **vals), basis,
                cites[rule.id], judgement.channels, premise))
    order = {j.rule.id: j.rule.order for j in fired}
    findings.sort(key=lambda f: rank_key(f, order))
    return tuple(findings), tuple(misconceptions)
