"""Comparing a run with an earlier report: regressed metrics, newly failing cases, tolerances."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.errors import ConfigError
from evals.baseline import Baseline, compare, load_baseline
from evals.thresholds import SuiteGates

GATES = SuiteGates.model_validate({
    "max_regression": {"*.lang.*": 0.10, "*.recall@*": 0.02, "*.mrr@10": 0.02},
    "max_new_failures": 0,
})


def results_json(folder: Path, metrics: dict[str, Any], cases: dict[str, bool],
                 fast: bool = False) -> Path:
    folder.mkdir(parents=True)
    body = {"meta": {"fast": fast, "commit": "abc123"},
            "suites": {"retrieval": {"metrics": metrics, "cases": cases}}}
    (folder / "results.json").write_text(json.dumps(body), encoding="utf-8")
    return folder


@pytest.fixture
def earlier(tmp_path: Path) -> Baseline:
    return load_baseline(results_json(
        tmp_path / "before",
        {"test.recall@3": 0.90, "test.mrr@10": 0.80, "test.lang.nb.recall@3": 0.8,
         "latency.p95_ms": 100.0, "tune.recall@3": 0.9},
        {"r1": True, "r2": True, "r3": False}))


def test_a_regressed_metric_and_a_newly_failing_case_fail_the_comparison(earlier: Baseline) -> None:
    now = {"test.recall@3": 0.85, "test.mrr@10": 0.81, "test.lang.nb.recall@3": 0.7,
           "latency.p95_ms": 150.0, "tune.recall@3": 0.9}
    result = compare("retrieval", now, {"r1": True, "r2": False, "r3": True}, False, earlier, GATES,
                     ("latency.*",))
    by_metric = {c.metric: c for c in result.worse}
    assert by_metric["test.recall@3"].status == "regressed"
    assert by_metric["test.recall@3"].worse_by == pytest.approx(0.05)
    assert by_metric["test.lang.nb.recall@3"].status == "within tolerance"  # 0.1: float noise aside
    assert by_metric["latency.p95_ms"].status == "not gated"  # lower is better; no tolerance set
    assert "test.mrr@10" not in by_metric and result.improved == 1
    assert result.newly_failing == ("r2",) and result.newly_passing == ("r3",)
    failures = result.failures()
    assert len(failures) == 2
    assert failures[0].startswith("test.recall@3: 0.900 -> 0.850")
    assert "r2" in failures[1]


def test_the_same_figures_pass(earlier: Baseline) -> None:
    before = earlier.suites["retrieval"]
    result = compare("retrieval", dict(before.metrics), dict(before.cases), False, earlier, GATES)
    assert result.worse == () and result.failures() == [] and result.newly_failing == ()


def test_a_gated_metric_that_cannot_be_computed_now_fails(earlier: Baseline) -> None:
    now = {"test.recall@3": float("nan"), "test.mrr@10": 0.8, "test.lang.nb.recall@3": 0.8}
    result = compare("retrieval", now, {}, False, earlier, GATES, ("latency.*",))
    by_metric = {c.metric: c for c in result.worse}
    assert by_metric["test.recall@3"].status == "missing" and by_metric["test.recall@3"].failed
    assert by_metric["tune.recall@3"].status == "missing"  # gone from a full run: a failure
    assert by_metric["latency.p95_ms"].status == "not gated"
    assert any("cannot be computed now" in f for f in result.failures())


def test_a_fast_run_skips_what_only_the_full_baseline_measured(earlier: Baseline) -> None:
    now = {"test.recall@3": 0.9, "test.mrr@10": 0.8, "test.lang.nb.recall@3": 0.8,
           "latency.p95_ms": 90.0}
    result = compare("retrieval", now, {"r1": True}, True, earlier, GATES, ("latency.*",))
    assert result.failures() == []
    assert result.notes == ("1 metrics of the full baseline are not measured by this --fast run",)


def test_new_failures_within_the_tolerance_are_listed_not_gated(earlier: Baseline) -> None:
    lenient = GATES.model_copy(update={"max_new_failures": 1})
    before = earlier.suites["retrieval"]
    result = compare("retrieval", dict(before.metrics), {"r1": False, "r2": True}, False, earlier,
                     lenient)
    assert result.newly_failing == ("r1",) and result.failures() == []


def test_a_suite_the_baseline_did_not_run(earlier: Baseline) -> None:
    result = compare("interview", {"x": 1.0}, {}, False, earlier, GATES)
    assert result.failures() == [] and "did not run suite 'interview'" in result.notes[0]


def test_baseline_values_that_are_not_numbers_are_not_compared(tmp_path: Path) -> None:
    old = load_baseline(results_json(tmp_path / "b", {"test.recall@3": None, "x": "nan"}, {}))
    assert old.suites["retrieval"].metrics == {"test.recall@3": None, "x": None}
    assert compare("retrieval", {}, {}, False, old, GATES).worse == ()


def test_a_folder_that_is_not_a_report_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no baseline report at"):
        load_baseline(tmp_path)
    (tmp_path / "results.json").write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_baseline(tmp_path)
    (tmp_path / "results.json").write_text(json.dumps({"suite": "retrieval", "summary": {}}),
                                           encoding="utf-8")
    with pytest.raises(ConfigError, match="no per-suite results"):
        load_baseline(tmp_path)
