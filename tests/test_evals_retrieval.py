"""The retrieval suite on the shared bundled index: flat metric names, per-case verdicts, plots."""

from __future__ import annotations

from typing import Any

from evals.cases import RetrievalCase, load_retrieval_cases
from evals.retrieval import SUITE, evaluate, flatten, run_cases, summary


def some(split: str, answerable: int, unanswerable: int) -> list[RetrievalCase]:
    cases = [c for c in load_retrieval_cases() if c.split == split]
    return ([c for c in cases if c.answerable][:answerable]
            + [c for c in cases if not c.answerable][:unanswerable])


def test_fast_runs_the_held_back_half_only(bundled_retriever: Any) -> None:
    cases = some("tune", 2, 0) + some("test", 3, 2)
    result = evaluate(bundled_retriever.search, cases, fast=True)
    assert [c.id for c in result.cases] == [c.id for c in cases[2:]]
    metrics = result.metrics
    assert {"test.recall@3", "test.mrr@10", "test.negatives_rejected", "latency.p50_ms",
            "latency.p95_ms"} <= set(metrics)
    assert not [m for m in metrics if m.startswith(("all.", "tune."))]
    langs = {c.lang for c in cases[2:5]}
    assert {f"test.lang.{lang}.recall@3" for lang in langs} <= set(metrics)
    for record in result.cases:
        data = record.data
        expected = (data["rank"] is not None and data["rank"] <= 3) if data["answerable"] \
            else data["rejected"]
        assert record.passed == expected == data["passed"]
    assert [p.name for p in result.plots] == ["recall_by_language_test", "latency"]
    assert len(result.plots[-1].values) == 5  # type: ignore[union-attr]
    assert "test  n=  3" in result.table


def test_a_full_run_adds_the_other_splits_and_all(bundled_retriever: Any) -> None:
    cases = some("tune", 2, 1) + some("test", 2, 0)
    result = evaluate(bundled_retriever.search, cases, fast=False)
    assert {"tune.recall@3", "test.recall@3", "all.recall@3"} <= set(result.metrics)
    assert result.metrics["test.negatives_rejected"] is None  # no unanswerable question: not 0
    assert result.metrics["tune.negatives_rejected"] is not None
    assert [p.name for p in result.plots] == [
        "recall_by_language_test", "recall_by_language_all", "latency"]


def test_scores_over_no_questions_cannot_be_computed() -> None:
    figures = summary(run_cases(lambda q, k: [], []))
    flat = flatten(figures)
    assert flat["all.recall@3"] is None and flat["all.negatives_rejected"] is None


def test_latency_is_the_only_lower_is_better_metric() -> None:
    assert SUITE.lower_is_better == ("latency.*",)
