"""The audit's scoring parameters (``bot/data/audit_scoring.yaml``), validated on load."""

from __future__ import annotations

from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot import datafiles
from bot.profile import CHANNELS, PATHS, RESPONDERS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Verdicts(_Strict):
    cut_fit: int
    keep_from: int
    add_fit: int


class Capacity(_Strict):
    portfolio_share: float
    max_adds_unknown_hours: int
    never_cut_for_time: list[str] = []
    # The posts a week ``needs`` assume: a channel in use posted on less often needs its share.
    posts_a_week: dict[str, float] = {}
    # The owner's stated hours run the channels in use: their needs shrink to fit them, to no less
    # than this share of ``needs``. 1.0: the needs as they are, whatever the owner runs.
    min_share: float = Field(default=1.0, gt=0.0, le=1.0)


class Service(_Strict):
    responder: dict[str, int]
    response_hours: list[tuple[float, int]]
    slower: int
    no_plan: int
    deletes: int


class Owned(_Strict):
    email_with_list: int
    email_per_100_addresses: float
    email_without_list: int
    website: int
    google_business: int
    social: int
    social_with_list: int


class Measurement(_Strict):
    measures: int
    does_not: int
    quick_roi: int


class PlanConfig(_Strict):
    phases: list[int]
    weeks_per_phase: float
    cut_hours: float
    add_hours: float
    unsized_max_per_phase: int


class Generic(_Strict):
    core: list[str]
    min_answered: int


class Situations(_Strict):
    """Findings from the owner's own words (bot/audit/situations.py): off unless ``enabled``."""

    enabled: bool = False
    signal: Literal["fused", "text", "question", "gloss"] = "question"  # what "strongly" reads
    min_strength: float = 1.0  # a passage matching a message less than this is not shown
    per_message: int = Field(default=1, ge=1, le=5)  # the retriever's first passages looked at
    max_findings: int = Field(default=3, ge=0, le=10)
    respect_rules: bool = True  # no passage of a rule judged not to apply
    severity: Literal["high", "medium", "low"] = "low"
    impact: Literal["high", "medium", "low"] = "medium"
    effort: Literal["high", "medium", "low"] = "low"
class Inference(_Strict):
    path: str
    implied_by: dict[str, Any]  # a condition (bot/conditions.py) over stated answers


class Consistency(_Strict):
    inferences: list[Inference] = []


class ScoringConfig(_Strict):
    version: int
    social: list[str]
    service_channels: list[str]
    needs: dict[str, float]
    base_fit: dict[str, int]
    weights: dict[str, float]
    verdicts: Verdicts
    capacity: Capacity
    service: Service
    owned: Owned
    measurement: Measurement
    plan: PlanConfig
    generic: Generic
    situations: Situations = Situations()
    consistency: Consistency = Consistency()

    @model_validator(mode="after")
    def _complete(self) -> ScoringConfig:
        for name, table in (("needs", self.needs), ("base_fit", self.base_fit)):
            if set(table) != set(CHANNELS):
                raise ValueError(f"{name} must list every channel: {', '.join(CHANNELS)}")
        named = set(self.social) | set(self.service_channels) | set(self.capacity.never_cut_for_time)
        if not named | set(self.capacity.posts_a_week) <= set(CHANNELS):
            raise ValueError("social, service_channels, never_cut_for_time and posts_a_week must name known "
                             "channels")
        if any(rate <= 0 for rate in self.capacity.posts_a_week.values()):
            raise ValueError("capacity.posts_a_week must be above 0 posts a week")
        if set(self.service.responder) != set(RESPONDERS):
            raise ValueError(f"service.responder must list: {', '.join(RESPONDERS)}")
        core = self.generic.core
        if not set(core) <= set(PATHS) or not 0 < self.generic.min_answered <= len(core):
            raise ValueError("generic.core must name profile paths, and min_answered be 1 to their number")
        if not {i.path for i in self.consistency.inferences} <= set(PATHS):
            raise ValueError("consistency.inferences must name profile paths")
        return self


def load_yaml(text: str) -> Any:
    """YAML with the C parser where PyYAML has it (the rules file parses 7x faster), safe either way."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def scoring_config() -> ScoringConfig:
    """``bot/data/audit_scoring.yaml`` (or its override: ``bot.datafiles``), validated."""
    return datafiles.load("audit_scoring.yaml", ScoringConfig)
