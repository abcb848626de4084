"""Consistency checks on every audit before it is shown: the audit never contradicts the owner's
answers, nor itself.

- ``verdicts``: a channel the profile says is used is never "not in use" or "add", and one it does
  not list is never kept, fixed or cut; an email list the owner has (``has_list`` or a size > 0)
  is never "add email" nor a step to set one up.
- ``assertions``: what a finding or misconception says about the owner (its rule's ``asserts``)
  holds on the profile; one that rests on an answer the interview inferred by rule (a shop from
  "we run a café") only when stated answers imply it (``consistency.inferences`` in
  audit_scoring.yaml).
- ``recommendations``: no channel is cut that a finding of the same audit recommends (a rule that
  raises the channel's fit), and none is kept or added that a finding says to cut.
- ``plan``: a phase with no steps carries no load of its own (only the channels kept and the
  weekly hours of steps started before it).
- ``dont_know``: "did not know" only for answers the owner gave that way.

Each check is a pure function returning ``Violation``s; ``check`` runs them all on a finished
audit. The ``settle_*`` functions are what the product does on a violation: the offending verdict,
finding or gap status is dropped or corrected, never shown, and the engine logs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.audit.config import ScoringConfig, scoring_config
from bot.audit.facts import DERIVED_FROM, Facts
from bot.audit.model import ActionPlan, Audit, ChannelVerdict, Finding, Gap, Misconception, Phase, Violation
from bot.audit.rules import Rule, audit_kind, default_rules
from bot.audit.texts import UI, ui_for
from bot.conditions import Cond, ConditionError, evaluate, parse, said_dont_know, substitute
from bot.conditions import check as check_condition
from bot.errors import ConfigError
from bot.profile import CHANNELS

EPSILON = 1e-6
Item = Finding | Misconception


_PARSED: dict[int, tuple[ScoringConfig, dict[str, Cond]]] = {}


def inferences(config: ScoringConfig) -> dict[str, Cond]:
    """``consistency.inferences`` as parsed conditions, by the path they allow to be inferred
    (parsed once per configuration)."""
    hit = _PARSED.get(id(config))
    if hit is not None and hit[0] is config:
        return hit[1]
    out: dict[str, Cond] = {}
    for entry in config.consistency.inferences:
        where = f"audit_scoring.yaml consistency.inferences {entry.path}"
        try:
            cond = parse(entry.implied_by, where)
            check_condition(cond, audit_kind, where)
        except ConditionError as err:
            raise ConfigError(str(err)) from err
        out[entry.path] = cond
    _PARSED[id(config)] = (config, out)
    return out


def owns_list(facts: Facts) -> bool:
    """The owner said they have an email list (yes, or a number of addresses above 0)."""
    size = facts.value("email_list.size")
    return facts.value("email_list.has_list") is True or (size is not None and size > 0)


# -- the checks ----------------------------------------------------------------------------------

def verdicts(channels: Sequence[ChannelVerdict], facts: Facts,
             plan: ActionPlan | None = None) -> list[Violation]:
    used = facts.used()
    out: list[Violation] = []
    for v in channels:
        if used is None:
            out.append(Violation("verdicts", v.channel, "a verdict while the channels in use are unknown"))
        elif v.channel in used and (v.verdict == "add" or not v.in_use):
            out.append(Violation("verdicts", v.channel, f"used, but shown {v.verdict} / in use {v.in_use}"))
        elif v.channel not in used and v.in_use:
            out.append(Violation("verdicts", v.channel, "shown in use, but not among the channels used"))
        elif v.channel not in used and v.verdict != "add" and not (v.channel == "email" and owns_list(facts)):
            out.append(Violation("verdicts", v.channel, f"not used, but shown {v.verdict}"))
        if v.channel == "email" and v.verdict == "add" and owns_list(facts):
            out.append(Violation("verdicts", v.channel, "the owner has an email list, shown 'add email'"))
    if plan is not None and owns_list(facts):
        steps = [*(a for p in plan.phases for a in p.actions), *plan.deferred]
        out += [Violation("verdicts", "email", f"the owner has an email list, plan step {a.key}")
                for a in steps if a.key == "add:email"]
    return out


def _paths(cond: Cond, facts: Facts) -> set[str]:
    """The answers an outcome rests on, a derived fact standing for the answers it comes from."""
    paths = evaluate(cond, facts.get).paths
    return {src for p in paths for src in DERIVED_FROM.get(p, (p,))}


def _asserted(item: Item, rule: Rule) -> list[Cond]:
    assert rule.asserts is not None
    channels = item.channels if isinstance(item, Finding) else ()
    return [substitute(rule.asserts, c) for c in channels] if rule.for_each else [rule.asserts]


def assertions(items: Sequence[Item], rules: Mapping[str, Rule], facts: Facts,
               implied: Mapping[str, Cond]) -> list[Violation]:
    out: list[Violation] = []
    for item in items:
        rule = rules.get(item.rule_id)  # a finding from the owner's own words has no rule
        if rule is None or rule.asserts is None:
            continue
        for cond in _asserted(item, rule):
            if evaluate(cond, facts.get).value is not True:
                out.append(Violation("assertions", item.rule_id, "says about the owner what the profile "
                                     "does not hold"))
                break
            inferred = sorted(p for p in _paths(cond, facts) if facts.get(p).status == "inferred")
            bad = [p for p in inferred if not _implied(p, facts, implied)]
            if bad:
                out.append(Violation("inferences", item.rule_id, f"rests on {', '.join(bad)}, inferred "
                                     "from no stated answer that implies it"))
                break
    return out


def _implied(path: str, facts: Facts, implied: Mapping[str, Cond]) -> bool:
    """An inference the product makes by rule (listed in ``consistency.inferences``) stands only
    on stated answers that imply it; other inferred answers (a model's reading) are shown as
    inferred, as before."""
    cond = implied.get(path)
    if cond is None:
        return True
    if evaluate(cond, facts.get).value is not True:
        return False
    return all(facts.get(p).status == "answered" for p in _paths(cond, facts))


def _channels_of(item: Item, target: str) -> tuple[str, ...]:
    if target == "each":
        return item.channels if isinstance(item, Finding) else ()
    return (target,) if target in CHANNELS else ()


def recommended(item: Item, rules: Mapping[str, Rule]) -> set[str]:
    """The channels ``item`` recommends: those its rule raises the fit of."""
    rule = rules.get(item.rule_id)
    return set() if rule is None else {c for target, effect in rule.effects if effect.fit > 0
                                       for c in _channels_of(item, target)}


def within_hours(channels: Sequence[ChannelVerdict], items: Sequence[Item],
                 rules: Mapping[str, Rule]) -> list[Item]:
    """``items`` without the advice that recommends a channel the audit cuts: the hours decide
    which channels stay, and advice for a channel that does not is not given."""
    cut = {v.channel for v in channels if v.verdict == "cut"}
    return [i for i in items if not recommended(i, rules) & cut]


def recommendations(channels: Sequence[ChannelVerdict], items: Sequence[Item],
                    rules: Mapping[str, Rule]) -> list[Violation]:
    given = {v.channel: v.verdict for v in channels}
    out: list[Violation] = []
    for item in items:
        rule = rules.get(item.rule_id)
        for target, effect in rule.effects if rule is not None else ():
            for channel in _channels_of(item, target):
                if effect.fit > 0 and given.get(channel) == "cut":
                    out.append(Violation("recommendations", channel,
                                         f"cut, but {item.rule_id} recommends it"))
                if effect.verdict == "cut" and given.get(channel) in ("keep", "add"):
                    out.append(Violation("recommendations", channel,
                                         f"{given[channel]}, but {item.rule_id} says to cut it"))
    return out


def _carried(plan: ActionPlan, channels: Sequence[ChannelVerdict], days: int) -> float:
    """A phase's load without steps of its own: the channels kept and the weekly hours of the
    steps started before it."""
    running = sum(v.hours for v in channels if v.verdict in ("keep", "fix"))
    return running + sum(a.weekly for p in plan.phases if p.days < days for a in p.actions)


def plan(audit_plan: ActionPlan, channels: Sequence[ChannelVerdict]) -> list[Violation]:
    if not audit_plan.sized:
        return [Violation("plan", str(p.days), "a load in a plan without stated hours")
                for p in audit_plan.phases if p.load > EPSILON]
    return [Violation("plan", str(p.days), f"no steps, but a load of {p.load} h a week (the channels "
                      f"kept and earlier steps take {_carried(audit_plan, channels, p.days):g})")
            for p in audit_plan.phases
            if not p.actions and p.load > _carried(audit_plan, channels, p.days) + EPSILON]


def dont_know(gaps: Sequence[Gap], items: Sequence[Item], facts: Facts, label: str) -> list[Violation]:
    out = [Violation("dont_know", g.path, "'did not know' for a question not answered that way")
           for g in gaps if g.status == "dont_know" and not said_dont_know(facts.get(g.path))]
    out += [Violation("dont_know", f.path, f"'did not know' in {item.rule_id} for a question not "
                      "answered that way")
            for item in items for f in item.facts
            if f.value == label and not said_dont_know(facts.get(f.path))]
    return out


def check(audit: Audit, rules: Sequence[Rule] | None = None,
          config: ScoringConfig | None = None) -> tuple[Violation, ...]:
    """Every violation in ``audit`` as it would be shown (nothing when the checks all pass)."""
    config = config or scoring_config()
    by_id = {r.id: r for r in (rules if rules is not None else default_rules())}
    facts = Facts(audit.profile, config)
    items: list[Item] = [*audit.findings, *audit.misconceptions]
    label = str(ui_for(audit.lang, (audit.lang,)).strings["status_labels"]["dont_know"])
    return (*verdicts(audit.channels, facts, audit.plan),
            *assertions(items, by_id, facts, inferences(config)),
            *recommendations(audit.channels, items, by_id), *plan(audit.plan, audit.channels),
            *dont_know(audit.gaps, items, facts, label))


# -- what the product does on a violation ---------------------------------------------------------

def settle(channels: Sequence[ChannelVerdict], findings: Sequence[Finding],
           misconceptions: Sequence[Misconception], rules: Mapping[str, Rule], facts: Facts,
           config: ScoringConfig, ui: UI) -> tuple[tuple[ChannelVerdict, ...], tuple[Finding, ...],
                                                   tuple[Misconception, ...], tuple[Violation, ...]]:
    """The verdicts and findings with every violation removed, and the violations: a verdict that
    contradicts a stated fact is dropped; a finding or misconception saying what the profile does
    not hold is dropped (and its title from the verdicts' reasons); a channel cut that a finding
    recommends stays, to be fixed; one kept or added that a finding says to cut is cut or dropped."""
    caught = verdicts(channels, facts)
    wrong = {v.ref for v in caught}
    kept = [v for v in channels if v.channel not in wrong]
    items: list[Item] = [*findings, *misconceptions]
    said = assertions(items, rules, facts, inferences(config))
    dropped = {v.ref for v in said}
    titles = {i.title for i in items if i.rule_id in dropped}
    found = tuple(f for f in findings if f.rule_id not in dropped)
    beliefs = tuple(m for m in misconceptions if m.rule_id not in dropped)
    kept = [replace(v, reasons=tuple(r for r in v.reasons if r not in titles)) for v in kept]
    advice = recommendations(kept, [*found, *beliefs], rules)
    kept = [c for v in kept if (c := _reconciled(v, advice, ui)) is not None]
    return tuple(kept), found, beliefs, (*caught, *said, *advice)


def _reconciled(v: ChannelVerdict, advice: Sequence[Violation], ui: UI) -> ChannelVerdict | None:
    said = [a.detail for a in advice if a.ref == v.channel]
    if not said:
        return v
    if v.verdict == "cut" and any("recommends" in d for d in said):
        own = {ui.t("reason_fit_low"), ui.t("reason_capacity", hours=ui.hours(v.hours))}
        reasons = (*(r for r in v.reasons if r not in own), ui.t("reason_fix"))
        return replace(v, verdict="fix", reasons=reasons)
    if v.verdict == "add":
        return None
    return replace(v, verdict="cut") if v.verdict == "keep" else v


def settle_plan(audit_plan: ActionPlan,
                channels: Sequence[ChannelVerdict]) -> tuple[ActionPlan, tuple[Violation, ...]]:
    """The plan with each empty phase's load set to what the phases before it carry over."""
    caught = tuple(plan(audit_plan, channels))
    if not caught:
        return audit_plan, ()
    carried = {p.days: (_carried(audit_plan, channels, p.days) if audit_plan.sized else 0.0)
               for p in audit_plan.phases}
    phases = tuple(p if p.actions and audit_plan.sized
                   else Phase(p.days, p.actions, round(carried[p.days], 2)) for p in audit_plan.phases)
    return replace(audit_plan, phases=phases), caught


def settle_gaps(gaps: Sequence[Gap], facts: Facts, ui: UI) -> tuple[tuple[Gap, ...], tuple[Violation, ...]]:
    """The gaps with "did not know" only where the owner said so (else the answer's own status)."""
    caught = tuple(dont_know(gaps, (), facts, ""))
    wrong = {v.ref for v in caught}
    out = []
    for g in gaps:
        if g.path in wrong:
            status = facts.get(g.path).status
            label = ui.strings["status_labels"].get(status, status)
            g = replace(g, status=status, text=ui.t("gap_line", field=g.field, status=label,
                                                   topics="; ".join(g.topics)))
        out.append(g)
    return tuple(out), caught


def as_json(violations: Sequence[Violation]) -> list[dict[str, Any]]:
    return [v.to_json() for v in violations]
