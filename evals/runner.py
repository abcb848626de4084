"""Run the chosen suites, then gate each result: thresholds, and the baseline when one is given.

Running a suite is the only effect here; :func:`assess` is pure (result + gates + baseline ->
outcome), so the gates are tested without running anything.
"""

from __future__ import annotations

import platform
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import Settings
from evals.baseline import Baseline, Comparison, compare
from evals.suite import Suite, SuiteResult
from evals.thresholds import Check, SuiteGates, check

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class SuiteOutcome:
    suite: Suite
    result: SuiteResult
    checks: tuple[Check, ...]
    comparison: Comparison | None
    seconds: float

    def failures(self) -> list[str]:
        out = [f"threshold {c.describe()}" for c in self.checks if c.status == "fail"]
        if self.comparison is not None:
            out += [f"regression {f}" for f in self.comparison.failures()]
        return out


@dataclass(frozen=True)
class EvalRun:
    meta: dict[str, Any]
    outcomes: tuple[SuiteOutcome, ...]

    def failures(self) -> list[str]:
        return [f"{o.suite.name}: {f}" for o in self.outcomes for f in o.failures()]


def assess(suite: Suite, result: SuiteResult, fast: bool, gates: SuiteGates,
           baseline: Baseline | None, seconds: float = 0.0) -> SuiteOutcome:
    """Check one suite's result against its thresholds and, when given, the baseline."""
    metrics = result.clean_metrics()
    comparison = None
    if baseline is not None:
        cases = {c.id: c.passed for c in result.cases}
        comparison = compare(suite.name, metrics, cases, fast, baseline, gates, suite.lower_is_better)
    return SuiteOutcome(suite, result, check(metrics, gates, fast), comparison, seconds)


def run_eval(settings: Settings, suites: Sequence[Suite], fast: bool,
             gates: dict[str, SuiteGates], baseline: Baseline | None = None,
             thresholds_file: Path | None = None) -> EvalRun:
    """Run every suite in turn and gate it; the metadata says what was run, where and how."""
    started, wall = time.time(), time.perf_counter()
    outcomes = []
    for suite in suites:
        t0 = time.perf_counter()
        result = suite.run(settings, fast)
        outcomes.append(assess(suite, result, fast, gates.get(suite.name, SuiteGates()), baseline,
                               round(time.perf_counter() - t0, 2)))
    commit, dirty = git_state()
    meta = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "commit": commit,
        "uncommitted_changes": dirty,
        "embedder": settings.embedder,
        "chroma": settings.chroma_url or str(settings.chroma_path),
        "mode": "fast" if fast else "full",
        "fast": fast,
        "suites": [s.name for s in suites],
        "thresholds": str(thresholds_file) if thresholds_file else "evals/thresholds.yaml (bundled)",
        "baseline": str(baseline.folder) if baseline else None,
        "baseline_commit": baseline.commit if baseline else None,
        "python": platform.python_version(),
        "seconds": round(time.perf_counter() - wall, 2),
    }
    return EvalRun(meta, tuple(outcomes))


def git_state(root: Path = REPO) -> tuple[str | None, bool | None]:
    """The checked-out commit and whether tracked files differ from it; (None, None) outside git."""
    if not (root / ".git").exists():
        return None, None
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        status = subprocess.run(  # no optional locks: never contend with a commit in progress
            ["git", "--no-optional-locks", "-C", str(root), "status", "--porcelain",
             "--untracked-files=no"], capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None, None
    return head or None, bool(status.stdout.strip())
