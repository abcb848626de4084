"""Thresholds from ``evals/thresholds.yaml``, and the pure check of a suite's metrics against them.

Per suite: ``thresholds`` (metric name or fnmatch pattern -> ``min`` or ``max``, an optional
``target`` that is reported but not gated, ``full_only`` for metrics a ``--fast`` run does
not measure, and ``optional`` for metrics only some runs measure, such as the LLM judge's, which
needs a configured LLM: gated when present, skipped when absent), ``max_regression`` (pattern ->
the largest worsening tolerated against a baseline, first matching pattern wins) and
``max_new_failures`` (cases that passed in the baseline and fail now, tolerated). A metric that
is missing (unless optional), None or NaN fails its threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.errors import ConfigError
from evals.suite import finite

DEFAULT_PATH = Path(__file__).resolve().parent / "thresholds.yaml"


class Bound(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: float | None = None
    max: float | None = None
    target: float | None = None  # what we aim for: shown beside the value, never gated
    full_only: bool = False  # a --fast run does not measure this metric
    optional: bool = False  # only some runs measure it (the LLM judge: with an LLM); gated when present

    @model_validator(mode="after")
    def _one_bound(self) -> Bound:
        if (self.min is None) == (self.max is None):
            raise ValueError("give exactly one of min or max")
        return self


class SuiteGates(BaseModel):
    model_config = ConfigDict(extra="forbid")

    thresholds: dict[str, Bound] = Field(default_factory=dict)
    max_regression: dict[str, float] = Field(default_factory=dict)
    max_new_failures: int | None = None  # None: newly failing cases are listed, not gated

    def tolerance(self, metric: str) -> float | None:
        """The largest worsening tolerated for ``metric``, or None when it is not gated."""
        return next((v for p, v in self.max_regression.items() if fnmatchcase(metric, p)), None)


def load_gates(path: Path | None = None) -> dict[str, SuiteGates]:
    """Gates per suite from ``path`` (default: the bundled ``evals/thresholds.yaml``)."""
    path = path or DEFAULT_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as err:
        raise ConfigError(f"cannot read thresholds file {path}: {err.strerror}") from err
    except yaml.YAMLError as err:
        detail = str(err).strip().splitlines()[0]
        raise ConfigError(f"invalid thresholds file {path}: {detail}; fix it and run again") from err
    if not isinstance(raw, dict):
        raise ConfigError(f"invalid thresholds file {path}: the top level must map suite names to "
                          f"their gates")
    out = {}
    for name, body in raw.items():
        try:
            out[str(name)] = SuiteGates.model_validate(body or {})
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in (name, *first["loc"]))
            raise ConfigError(f"invalid thresholds file {path}: {where}: {first['msg']}; "
                              f"fix it and run again") from err
    return out


Status = Literal["pass", "fail", "skip"]


@dataclass(frozen=True)
class Check:
    metric: str
    value: float | None
    bound: Literal["min", "max"]
    limit: float
    target: float | None
    status: Status
    note: str = ""  # why it failed or was skipped

    @property
    def target_met(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target if self.bound == "min" else self.value <= self.target

    def describe(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.3f}"
        sign = ">=" if self.bound == "min" else "<="
        return f"{self.metric} {shown} (needs {sign} {self.limit:g})" + (
            f": {self.note}" if self.note else "")


def check(metrics: Mapping[str, float | None], gates: SuiteGates, fast: bool) -> tuple[Check, ...]:
    """Every threshold applied to every metric it names; a pattern that matches none fails."""
    out: list[Check] = []
    for pattern, bound in gates.thresholds.items():
        names = sorted(m for m in metrics if fnmatchcase(m, pattern))
        for name in names or [pattern]:
            out.append(_check_one(name, metrics.get(name), bound, fast, name in metrics))
    return tuple(out)


def _check_one(name: str, raw: float | None, bound: Bound, fast: bool, present: bool) -> Check:
    kind: Literal["min", "max"] = "min" if bound.min is not None else "max"
    limit = bound.min if bound.min is not None else bound.max
    assert limit is not None
    value = finite(raw)
    if not present and fast and bound.full_only:
        return Check(name, None, kind, limit, bound.target, "skip", "not measured in a --fast run")
    if not present and bound.optional:
        return Check(name, None, kind, limit, bound.target, "skip", "not measured in this run")
    if value is None:
        why = "missing from the run" if not present else "could not be computed"
        return Check(name, None, kind, limit, bound.target, "fail", why)
    ok = value >= limit if kind == "min" else value <= limit
    return Check(name, value, kind, limit, bound.target, "pass" if ok else "fail")
