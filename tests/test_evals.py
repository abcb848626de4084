"""The retrieval eval set, the full-run regression gate (evals/thresholds.yaml), and the bench."""

from __future__ import annotations

from typing import Any

from evals.bench import bench_search, percentiles
from evals.cases import load_retrieval_cases
from evals.retrieval import evaluate
from evals.thresholds import check, load_gates


def test_eval_set_shape() -> None:
    cases = load_retrieval_cases()
    answerable = [c for c in cases if c.answerable]
    assert len(answerable) >= 100 and len(cases) - len(answerable) >= 20
    assert {c.lang for c in cases} == {"en", "sv", "da", "nb", "fi", "de", "af"}
    assert {"tune", "test"} <= {c.split for c in cases} <= {"tune", "dev", "test"}


def test_retrieval_quality_does_not_regress(bundled_retriever: Any) -> None:
    """The full retrieval suite meets every threshold of evals/thresholds.yaml (the CI gate)."""
    result = evaluate(bundled_retriever.search, load_retrieval_cases(), fast=False)
    checks = check(result.clean_metrics(), load_gates()["retrieval"], fast=False)
    assert [c.describe() for c in checks if c.status != "pass"] == []


def test_bench_reports_search_against_its_floor(bundled_settings, bundled_store) -> None:
    figures = bench_search(bundled_settings, ["email list", "angry comments", "ROI"], rounds=1)
    assert figures["floor_ms"]["n"] == figures["search_ms"]["n"] == 3
    assert figures["floor_ms"]["p50"] > 0 and figures["p95_ratio"] > 0


def test_percentiles() -> None:
    assert percentiles([5.0, 1.0, 3.0, 2.0, 4.0])["p50"] == 3.0
    assert percentiles([float(i) for i in range(1, 101)])["p95"] == 95.0
