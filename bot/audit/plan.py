"""The 30/60/90-day plan: the recommendations as steps, placed in the earliest phase that the
stated hours a week can carry, never more. Paid steps need an ad budget; without one they wait.
A step that costs no hours (a way of doing what is already done) never waits for hours, and
claims a place only after every step that costs some (an unsized plan has few places a phase)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from bot.audit.config import ScoringConfig
from bot.audit.facts import Facts
from bot.audit.model import Action, ActionPlan, ChannelVerdict, Finding, Misconception, Phase
from bot.audit.rules import Rule
from bot.audit.texts import UI
from bot.profile import Amount

EPSILON = 1e-9


def candidates(channels: Sequence[ChannelVerdict], findings: Sequence[Finding],
               misconceptions: Sequence[Misconception], rules: Mapping[str, Rule],
               config: ScoringConfig, ui: UI, has_list: bool = False) -> list[tuple[int, Action]]:
    """(preferred phase, step), in the order they claim hours: cuts free time first, the channels
    the hours were reserved for next, then the findings by rank and the misconceptions. Email
    added for an owner who ``has_list`` is sending to that list, not setting one up."""
    out: list[tuple[int, Action]] = []
    first, second = config.plan.phases[0], config.plan.phases[min(1, len(config.plan.phases) - 1)]
    for v in channels:
        if v.verdict == "cut":
            out.append((first, Action(f"cut:{v.channel}", ui.t("action_cut", channel=v.label),
                                      channel=v.channel, hours=config.plan.cut_hours)))
    for v in channels:
        if v.verdict == "add":
            key = "action_add_list" if v.channel == "email" and has_list else "action_add"
            out.append((second, Action(f"add:{v.channel}", ui.t(key, channel=v.label,
                                                                 hours=ui.hours(v.hours)),
                                       channel=v.channel, hours=config.plan.add_hours, weekly=v.hours)))
    items: list[Finding | Misconception] = [*findings, *misconceptions]
    for item in (i for i in items if i.rule_id in rules):  # a situation finding has no step
        step = rules[item.rule_id].action
        out.append((step.phase, Action(f"rule:{item.rule_id}", item.recommendation, rule_id=item.rule_id,
                                       hours=step.hours, weekly=step.weekly, paid=step.paid)))
    return out


def _has_budget(budget: Amount | None) -> bool:
    return budget is not None and budget.mid > 0


def build_plan(channels: Sequence[ChannelVerdict], findings: Sequence[Finding],
               misconceptions: Sequence[Misconception], rules: Mapping[str, Rule], facts: Facts,
               config: ScoringConfig, ui: UI) -> ActionPlan:
    hours = facts.hours()
    budget = facts.value("resources.ad_budget")
    phases = list(config.plan.phases)
    running = sum(v.hours for v in channels if v.verdict in ("keep", "fix")) if hours is not None else 0.0
    load = {p: running for p in phases}
    placed: dict[int, list[Action]] = {p: [] for p in phases}
    deferred: list[Action] = []
    has_list = facts.value("email_list.has_list") is True
    steps = candidates(channels, findings, misconceptions, rules, config, ui, has_list)
    for preferred, action in sorted(steps, key=lambda step: _free(step[1])):  # stable: costed first
        if action.paid and not _has_budget(budget):
            deferred.append(replace(action, deferred="budget"))
            continue
        phase = _phase(action, preferred, phases, load, placed, hours, config)
        if phase is None:
            deferred.append(replace(action, deferred="hours"))
            continue
        placed[phase].append(replace(action, days=phase))
        if hours is not None:
            load[phase] += action.hours / config.plan.weeks_per_phase
            for p in phases:
                load[p] += action.weekly if p >= phase else 0.0
    return ActionPlan(
        hours_per_week=hours, ad_budget=budget, sized=hours is not None,
        phases=tuple(Phase(p, tuple(placed[p]), round(load[p], 2)) for p in phases),
        deferred=tuple(deferred),
        budget_text=ui.amount(budget) if budget is not None else ui.strings["none"])


def _free(action: Action) -> bool:
    return action.hours <= 0 and action.weekly <= 0


def _phase(action: Action, preferred: int, phases: list[int], load: dict[int, float],
           placed: dict[int, list[Action]], hours: float | None, config: ScoringConfig) -> int | None:
    """The earliest phase from ``preferred`` on whose hours (and those of every later phase, for a
    step that goes on) can take ``action``; without stated hours, the first with room."""
    for phase in (p for p in phases if p >= preferred):
        if hours is None:
            if len(placed[phase]) < config.plan.unsized_max_per_phase:
                return phase
            continue
        if _free(action):
            return phase
        once = action.hours / config.plan.weeks_per_phase
        fits_now = load[phase] + once + action.weekly <= hours + EPSILON
        fits_later = all(load[p] + action.weekly <= hours + EPSILON for p in phases if p > phase)
        if fits_now and fits_later:
            return phase
    return None
