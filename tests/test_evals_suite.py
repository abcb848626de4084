"""The suite types: scores that cannot be computed become None, never NaN."""

from __future__ import annotations

import math

import numpy

from evals.suite import CaseRecord, SuiteResult, finite, matches


def test_finite_keeps_numbers_and_drops_what_is_not_a_score() -> None:
    assert finite(0.5) == 0.5 and finite(3) == 3.0
    assert finite(numpy.float32(0.25)) == 0.25 and finite(numpy.float32("nan")) is None
    for bad in (math.nan, math.inf, -math.inf, None, "0.9", True):
        assert finite(bad) is None, bad


def test_clean_metrics_turns_nan_into_none() -> None:
    result = SuiteResult(metrics={"b": math.nan, "a": 0.75, "c": None},
                         cases=(CaseRecord("x", True),))
    assert result.clean_metrics() == {"a": 0.75, "b": None, "c": None}
    assert list(result.clean_metrics()) == ["a", "b", "c"]


def test_metric_patterns_span_dots() -> None:
    assert matches("test.lang.nb.recall@3", ["test.lang.*.recall@3"])
    assert matches("latency.p95_ms", ("latency.*",))
    assert not matches("test.recall@3", ["*.lang.*"])
