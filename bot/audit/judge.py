"""Apply the rules to a profile: which fire, for which channels, on which answers, and which
cannot be judged because an answer is missing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.audit.facts import DERIVED, Facts
from bot.audit.model import Fact
from bot.audit.rules import Rule
from bot.audit.texts import UI
from bot.conditions import evaluate, said_dont_know, substitute
from bot.profile import PATHS

_ORDER = {p: i for i, p in enumerate((*PATHS, *DERIVED))}


@dataclass(frozen=True)
class Judgement:
    rule: Rule
    value: bool | None  # fires / does not / cannot judge
    channels: tuple[str, ...] = ()  # the channels a per-channel rule matched
    paths: tuple[str, ...] = ()  # the answers it fired on, in profile order
    unknown: tuple[str, ...] = ()  # the missing answers, when it cannot judge


def _ordered(paths: set[str] | frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(paths, key=lambda p: (_ORDER.get(p, len(_ORDER)), p)))


def judge(rule: Rule, facts: Facts) -> Judgement:
    if rule.for_each is None:
        outcome = evaluate(rule.when, facts.get)
        return Judgement(rule, outcome.value, (), _ordered(outcome.paths), _ordered(outcome.unknown))
    channels = facts.channels_for(rule.for_each)
    if channels is None:
        return Judgement(rule, None, unknown=("channels.used",))
    matched: list[str] = []
    paths: set[str] = {"channels.used"}
    unknown: set[str] = set()
    for channel in channels:
        outcome = evaluate(substitute(rule.when, channel), facts.get)
        if outcome.value:
            matched.append(channel)
            paths |= outcome.paths
        elif outcome.value is None:
            unknown |= outcome.unknown
    if matched:
        return Judgement(rule, True, tuple(matched), _ordered(paths))
    if unknown:
        return Judgement(rule, None, unknown=_ordered(unknown))
    return Judgement(rule, False, paths=_ordered(paths))


def judge_all(rules: tuple[Rule, ...], facts: Facts) -> tuple[Judgement, ...]:
    return tuple(judge(rule, facts) for rule in rules)


def fact(path: str, facts: Facts, ui: UI) -> Fact:
    leaf = facts.get(path)
    dont_know = ui.strings["status_labels"]["dont_know"]
    shown = dont_know if said_dont_know(leaf) else ui.value(path, leaf.value)
    return Fact(path, ui.field(path), shown, leaf.status, leaf.source_message)


def facts_of(judgement: Judgement, facts: Facts, ui: UI) -> tuple[Fact, ...]:
    return tuple(fact(p, facts, ui) for p in judgement.paths)
