"""The runner: gating one suite's result (pure) and the run's metadata."""

from __future__ import annotations

import re
from pathlib import Path

from evals.baseline import Baseline, BaselineSuite
from evals.runner import EvalRun, assess, git_state
from evals.suite import CaseRecord, SuiteResult
from evals.suites import get_suite
from evals.thresholds import SuiteGates
from tests.conftest import REPO

GATES = SuiteGates.model_validate({
    "thresholds": {"test.recall@3": {"min": 0.8}, "all.recall@3": {"min": 0.8, "full_only": True}},
    "max_regression": {"*.recall@*": 0.02},
})


def result(recall: float, passed: bool) -> SuiteResult:
    return SuiteResult(metrics={"test.recall@3": recall},
                       cases=(CaseRecord("r1", passed), CaseRecord("r2", True)))


def test_a_passing_result_has_no_failures() -> None:
    outcome = assess(get_suite("retrieval"), result(0.9, True), True, GATES, None)
    assert [c.status for c in outcome.checks] == ["pass", "skip"]
    assert outcome.comparison is None and outcome.failures() == []


def test_threshold_misses_and_regressions_are_failures_of_the_run() -> None:
    baseline = Baseline(Path("b"), True, None,
                        {"retrieval": BaselineSuite({"test.recall@3": 0.95}, {"r1": True, "r2": True})})
    outcome = assess(get_suite("retrieval"), result(0.7, False), True, GATES, baseline)
    failures = EvalRun({}, (outcome,)).failures()
    assert failures[0].startswith("retrieval: threshold test.recall@3 0.700 (needs >= 0.8)")
    assert failures[1].startswith("retrieval: regression test.recall@3: 0.950 -> 0.700")
    assert outcome.comparison is not None and outcome.comparison.newly_failing == ("r1",)


def test_a_nan_score_fails_its_threshold() -> None:
    outcome = assess(get_suite("retrieval"), result(float("nan"), True), False, GATES, None)
    assert [c.status for c in outcome.checks] == ["fail", "fail"]
    assert "could not be computed" in outcome.failures()[0]


def test_git_state_in_and_outside_a_checkout(tmp_path: Path) -> None:
    commit, dirty = git_state(REPO)
    if (REPO / ".git").exists():
        assert commit is not None and re.fullmatch(r"[0-9a-f]{40}", commit)
        assert isinstance(dirty, bool)
    assert git_state(tmp_path) == (None, None)
