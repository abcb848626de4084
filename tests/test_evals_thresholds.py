"""Thresholds: the file's schema, and the pure check (a score that cannot be computed fails)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from bot.errors import ConfigError
from evals.suites import names
from evals.thresholds import DEFAULT_PATH, Bound, SuiteGates, check, load_gates


def gates(**thresholds: Any) -> SuiteGates:
    return SuiteGates.model_validate({"thresholds": thresholds})


def test_the_bundled_file_gates_registered_suites_only() -> None:
    loaded = load_gates()
    assert set(loaded) <= set(names()) and "retrieval" in loaded
    assert loaded["retrieval"].thresholds and loaded["retrieval"].max_regression


def test_min_and_max() -> None:
    result = check({"recall": 0.8, "repeats": 2.0},
                   gates(recall={"min": 0.85, "target": 0.9}, repeats={"max": 1}), fast=False)
    assert [(c.metric, c.status, c.bound) for c in result] == [
        ("recall", "fail", "min"), ("repeats", "fail", "max")]
    ok = check({"recall": 0.85, "repeats": 1.0},
               gates(recall={"min": 0.85, "target": 0.9}, repeats={"max": 1}), fast=False)
    assert [c.status for c in ok] == ["pass", "pass"]
    assert ok[0].target_met is False and "needs >= 0.85" in result[0].describe()


@pytest.mark.parametrize("value", [math.nan, None, math.inf])
def test_a_score_that_cannot_be_computed_fails(value: float | None) -> None:
    (result,) = check({"faithfulness": value}, gates(faithfulness={"min": 0.5}), fast=False)
    assert result.status == "fail" and result.value is None
    assert result.note == "could not be computed"


def test_a_missing_metric_fails_unless_only_a_full_run_measures_it() -> None:
    g = gates(**{"all.recall@3": {"min": 0.8, "full_only": True}, "test.mrr@10": {"min": 0.5}})
    fast = {c.metric: c for c in check({}, g, fast=True)}
    assert fast["all.recall@3"].status == "skip"
    assert fast["test.mrr@10"].status == "fail" and fast["test.mrr@10"].note == "missing from the run"
    assert {c.status for c in check({}, g, fast=False)} == {"fail"}


def test_a_pattern_checks_every_metric_it_matches_and_fails_when_it_matches_none() -> None:
    metrics = {"test.lang.nb.recall@3": 0.4, "test.lang.sv.recall@3": 1.0, "test.recall@3": 0.2}
    result = check(metrics, gates(**{"test.lang.*.recall@3": {"min": 0.5}}), fast=False)
    assert [(c.metric, c.status) for c in result] == [
        ("test.lang.nb.recall@3", "fail"), ("test.lang.sv.recall@3", "pass")]
    (none,) = check({}, gates(**{"dev.lang.*.recall@3": {"min": 0.5}}), fast=False)
    assert none.status == "fail" and none.metric == "dev.lang.*.recall@3"


def test_tolerance_is_the_first_matching_pattern() -> None:
    g = SuiteGates.model_validate({"max_regression": {"*.lang.*": 0.1, "*.recall@*": 0.02}})
    assert g.tolerance("test.lang.nb.recall@3") == 0.1
    assert g.tolerance("test.recall@3") == 0.02
    assert g.tolerance("latency.p95_ms") is None


def test_a_bound_needs_exactly_one_of_min_and_max() -> None:
    with pytest.raises(ValueError):
        Bound.model_validate({"min": 0.1, "max": 0.9})
    with pytest.raises(ValueError):
        Bound.model_validate({"target": 0.9})


def test_a_broken_file_is_one_line_that_names_it(tmp_path: Path) -> None:
    bad = tmp_path / "t.yaml"
    bad.write_text("retrieval:\n  thresholds:\n    test.recall@3: {minimum: 0.8}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid thresholds file") as err:
        load_gates(bad)
    assert "\n" not in str(err.value) and str(bad) in str(err.value)
    bad.write_text("retrieval: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid thresholds file"):
        load_gates(bad)
    with pytest.raises(ConfigError, match="cannot read thresholds file"):
        load_gates(tmp_path / "missing.yaml")


def test_default_path_is_package_data() -> None:
    assert DEFAULT_PATH.name == "thresholds.yaml" and DEFAULT_PATH.parent.name == "evals"
