"""Audit rules as data (``bot/data/audit_rules.yaml``): loaded, checked against the profile's paths
and the report's languages, and turned into frozen ``Rule`` objects. Any mistake in the file is a
``RulesError`` that names the rule and what is wrong, at load time, never mid-report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot import datafiles
from bot import lang as langs
from bot.audit.config import load_yaml
from bot.audit.facts import DERIVED_FROM, derived_kind
from bot.audit.texts import placeholders
from bot.conditions import Cond, ConditionError, check, leaves, parse, substitute
from bot.errors import ConfigError
from bot.profile import CHANNELS, Kind, kind_of

# Placeholder -> the path whose value fills it; a rule may use it only when its condition reads it.
PLACEHOLDER_PATHS = {"hours": "resources.hours_per_week", "hours_needed": "derived.hours_needed",
                     "response_time": "resources.response_time", "budget": "resources.ad_budget"}
TARGETS = (*CHANNELS, "each", "used_social")


class RulesError(ConfigError):
    """The audit rules file is wrong; the message names the rule and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Anchor(_Strict):
    source: str
    quote: str
    gloss: str = ""


class Evidence(_Strict):
    anchors: tuple[Anchor, ...] = Field(min_length=1)
    query: str = Field(min_length=3)
    k: int = Field(default=2, ge=1, le=10)  # hits from non-curated documents to look at
    extra: int = Field(default=1, ge=0, le=5)  # retrieved passages to add at most


class Effect(_Strict):
    fit: int = 0
    verdict: Literal["cut", "fix"] | None = None
    unless_fit: int | None = None  # a cut becomes a fix when the channel's fit reaches this


class Step(_Strict):
    phase: Literal[30, 60, 90]
    hours: float = Field(ge=0)
    weekly: float = Field(default=0.0, ge=0)
    paid: bool = False


class RuleText(_Strict):
    title: str
    finding: str
    recommendation: str
    belief: str | None = None


Level = Literal["high", "medium", "low"]


class _RawRule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: Literal["finding", "misconception"] = "finding"
    belief_basis: Literal["stated", "inferred"] = "inferred"
    for_each: Literal["social", "used"] | None = None
    when: dict[str, Any]
    asserts: dict[str, Any] | None = None
    severity: Level
    impact: Level
    effort: Level
    evidence: Evidence
    effects: dict[str, Effect] = {}
    action: Step
    text: dict[str, RuleText]


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    belief_basis: str
    for_each: str | None
    when: Cond
    severity: Level
    impact: Level
    effort: Level
    evidence: Evidence
    effects: tuple[tuple[str, Effect], ...]
    action: Step
    texts: Mapping[str, RuleText]
    order: int
    asserts: Cond | None = None  # what its texts say about the owner (checked before it is shown)

    def text(self, lang: str) -> RuleText:
        return self.texts[lang]


def audit_kind(path: str) -> Kind:
    """The kind of a profile path or a derived fact (``derived.*``)."""
    return derived_kind(path) if path.startswith("derived.") else kind_of(path)


def _check_condition(raw: _RawRule, cond: Cond, where: str) -> None:
    templated = any("{channel}" in leaf.path for leaf in leaves(cond))
    if templated and raw.for_each is None:
        raise RulesError(f"{where}: a path uses {{channel}} but the rule has no for_each")
    variants = [substitute(cond, c) for c in CHANNELS] if templated else [cond]
    try:
        for variant in variants:
            check(variant, audit_kind, where)
    except ConditionError as err:
        raise RulesError(str(err)) from err


def _check_texts(raw: _RawRule, cond: Cond, where: str) -> None:
    missing = [lang for lang in langs.codes("audit") if lang not in raw.text]
    unknown = [lang for lang in raw.text if lang not in langs.codes()]
    if missing or unknown:
        raise RulesError(f"{where}: texts missing for {missing or '-'}; unknown languages {unknown or '-'} "
                         "(languages.yaml says which languages cover the audit)")
    read = {leaf.path for leaf in leaves(cond)}
    read |= {src for path in read for src in DERIVED_FROM.get(path, ())}
    read |= {path for path, sources in DERIVED_FROM.items() if set(sources) <= read}
    for lang, text in raw.text.items():
        if (raw.kind == "misconception") != (text.belief is not None):
            raise RulesError(f"{where}.{lang}: a belief is required for misconceptions and only there")
        for part in (text.title, text.finding, text.recommendation, text.belief or ""):
            for name in placeholders(part):
                if name == "channels" and raw.for_each is None:
                    raise RulesError(f"{where}.{lang}: {{channels}} needs for_each")
                if name != "channels" and PLACEHOLDER_PATHS.get(name) not in read:
                    raise RulesError(f"{where}.{lang}: placeholder {{{name}}} needs a condition on "
                                     f"{PLACEHOLDER_PATHS.get(name, 'a known path')}")


def _build(raw: _RawRule, order: int) -> Rule:
    where = f"audit rule {raw.id!r}"
    try:
        cond = parse(raw.when, where)
    except ConditionError as err:
        raise RulesError(str(err)) from err
    _check_condition(raw, cond, where)
    _check_texts(raw, cond, where)
    asserts = None
    if raw.asserts is not None:
        try:
            asserts = parse(raw.asserts, f"{where}.asserts")
        except ConditionError as err:
            raise RulesError(str(err)) from err
        _check_condition(raw, asserts, f"{where}.asserts")
    for target in raw.effects:
        if target not in TARGETS or (target == "each" and raw.for_each is None):
            raise RulesError(f"{where}: unknown effect target {target!r}; choose a channel, "
                             "'used_social', or 'each' (with for_each)")
    return Rule(raw.id, raw.kind, raw.belief_basis, raw.for_each, cond, raw.severity, raw.impact,
                raw.effort, raw.evidence, tuple(raw.effects.items()), raw.action, dict(raw.text), order,
                asserts)


def load_rules(text: str) -> tuple[Rule, ...]:
    try:
        data = load_yaml(text) or {}
    except yaml.YAMLError as err:
        raise RulesError(f"audit rules: not valid YAML ({' '.join(str(err).split())})") from err
    return rules_from_data(data)


def rules_from_data(data: Any) -> tuple[Rule, ...]:
    """The rules of a parsed rules file, checked."""
    raws = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(raws, list) or not raws:
        raise RulesError("audit rules: expected a top-level 'rules:' list")
    rules: list[Rule] = []
    for order, item in enumerate(raws):
        name = item.get("id", f"#{order + 1}") if isinstance(item, dict) else f"#{order + 1}"
        try:
            raw = _RawRule.model_validate(item)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise RulesError(f"audit rule {name!r}: {where}: {first['msg']}") from err
        rules.append(_build(raw, order))
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise RulesError(f"audit rules: duplicate id {next(i for i in ids if ids.count(i) > 1)!r}")
    return tuple(rules)


def _rules_file(data: Any) -> tuple[Rule, ...]:
    try:
        return rules_from_data(data or {})
    except RulesError as err:
        raise RulesError(f"{datafiles.FOLDER}/audit_rules.yaml: {err}") from err


def default_rules() -> tuple[Rule, ...]:
    """The rules of ``bot/data/audit_rules.yaml`` (or of its override: ``bot.datafiles``)."""
    return datafiles.load("audit_rules.yaml", _rules_file)


def rule_languages(rules: tuple[Rule, ...]) -> tuple[str, ...]:
    """Languages every rule has texts for, in a stable order."""
    return tuple(lang for lang in langs.codes() if all(lang in r.texts for r in rules))
