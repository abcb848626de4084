"""Compare a run with an earlier report (``--baseline DIR``): what got worse, and whether it matters.

Pure functions over the ``results.json`` of the two runs. A metric got worse when it fell (or, for
``lower_is_better`` metrics such as latency, rose); it regressed when it got worse by more than
its ``max_regression`` tolerance. Metrics without a tolerance are listed but not gated. A gated
metric that the baseline had and this run could not compute is a failure. Cases are compared by
id: those that passed in the baseline and fail now are listed, and gated by ``max_new_failures``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bot.errors import ConfigError
from evals.suite import Metrics, finite, matches
from evals.thresholds import SuiteGates

EPSILON = 1e-9  # float noise: 0.9 - 0.8 is not more than a tolerance of 0.1


@dataclass(frozen=True)
class BaselineSuite:
    metrics: Metrics
    cases: dict[str, bool]  # id -> passed


@dataclass(frozen=True)
class Baseline:
    folder: Path
    fast: bool
    commit: str | None
    suites: dict[str, BaselineSuite]


def load_baseline(folder: Path) -> Baseline:
    """The earlier report in ``folder``; a one-line error when it is missing or not a report."""
    path = folder / "results.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"no baseline report at {path} ({err.strerror}); give a folder written by "
                          f"`social-audit eval --out DIR`") from err
    except json.JSONDecodeError as err:
        raise ConfigError(f"baseline {path} is not valid JSON ({err.msg}, line {err.lineno})") from err
    if not isinstance(raw, dict) or not isinstance(raw.get("suites"), dict):
        raise ConfigError(f"baseline {path} has no per-suite results (an older report?); write a new "
                          f"one with `social-audit eval --out DIR`")
    meta = raw.get("meta") or {}
    suites = {}
    for name, body in raw["suites"].items():
        metrics = body.get("metrics") or {}
        cases = body.get("cases") or {}
        suites[str(name)] = BaselineSuite(
            {str(k): finite(v) for k, v in metrics.items()},
            {str(k): bool(v) for k, v in cases.items()})
    return Baseline(folder, bool(meta.get("fast", False)), meta.get("commit"), suites)


ChangeStatus = Literal["regressed", "within tolerance", "not gated", "missing"]


@dataclass(frozen=True)
class Change:
    metric: str
    before: float
    after: float | None  # None: this run could not compute it
    worse_by: float | None
    tolerance: float | None
    status: ChangeStatus

    @property
    def failed(self) -> bool:
        return self.status in ("regressed", "missing")


@dataclass(frozen=True)
class Comparison:
    suite: str
    worse: tuple[Change, ...] = ()
    improved: int = 0
    newly_failing: tuple[str, ...] = ()
    newly_passing: tuple[str, ...] = ()
    max_new_failures: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def failures(self) -> list[str]:
        """Why this comparison fails the run (empty when it does not)."""
        out = [_describe(c) for c in self.worse if c.failed]
        if self.max_new_failures is not None and len(self.newly_failing) > self.max_new_failures:
            out.append(f"{len(self.newly_failing)} cases passed in the baseline and fail now "
                       f"(tolerated: {self.max_new_failures}): {', '.join(self.newly_failing)}")
        return out


def _describe(change: Change) -> str:
    if change.after is None:
        return f"{change.metric}: {change.before:.3f} in the baseline, cannot be computed now"
    return (f"{change.metric}: {change.before:.3f} -> {change.after:.3f} "
            f"(worse by {change.worse_by:.3f}, tolerated {change.tolerance:g})")


def compare(suite: str, metrics: Mapping[str, float | None], cases: Mapping[str, bool], fast: bool,
            baseline: Baseline, gates: SuiteGates, lower_is_better: tuple[str, ...] = ()) -> Comparison:
    """This run of ``suite`` against the baseline's run of it."""
    before = baseline.suites.get(suite)
    if before is None:
        return Comparison(suite, notes=(f"the baseline did not run suite {suite!r}",))
    notes = []
    skipped = [m for m in before.metrics if m not in metrics] if fast and not baseline.fast else []
    if skipped:
        notes.append(f"{len(skipped)} metrics of the full baseline are not measured by this --fast run")
    worse, improved = [], 0
    for name, old in sorted(before.metrics.items()):
        if old is None or name in skipped:
            continue
        new = finite(metrics.get(name))
        change = _change(name, old, new, gates.tolerance(name), matches(name, lower_is_better))
        if change is None:
            improved += new is not None and new != old
        else:
            worse.append(change)
    common = [i for i in sorted(cases) if i in before.cases]
    return Comparison(
        suite, tuple(worse), improved,
        newly_failing=tuple(i for i in common if before.cases[i] and not cases[i]),
        newly_passing=tuple(i for i in common if cases[i] and not before.cases[i]),
        max_new_failures=gates.max_new_failures, notes=tuple(notes))


def _change(name: str, old: float, new: float | None, tolerance: float | None,
            lower_better: bool) -> Change | None:
    """The worsening of one metric, or None when it held or improved."""
    if new is None:
        return Change(name, old, None, None, tolerance, "missing" if tolerance is not None else "not gated")
    worse_by = (new - old) if lower_better else (old - new)
    if worse_by <= EPSILON:
        return None
    if tolerance is None:
        status: ChangeStatus = "not gated"
    else:
        status = "regressed" if worse_by > tolerance + EPSILON else "within tolerance"
    return Change(name, old, new, round(worse_by, 6), tolerance, status)


def as_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "worse": [c.__dict__ for c in comparison.worse],
        "improved": comparison.improved,
        "newly_failing": list(comparison.newly_failing),
        "newly_passing": list(comparison.newly_passing),
        "max_new_failures": comparison.max_new_failures,
        "notes": list(comparison.notes),
        "failures": comparison.failures(),
    }
