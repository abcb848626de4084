"""Write an eval run to a folder, and say it in words.

The folder holds ``summary.md`` (tables per suite, pass/fail against the thresholds, what got
worse against the baseline), ``results.json`` (every metric per suite and the run's metadata),
``cases/<suite>/<id>.json`` (one file per case) and ``plots/<suite>-<name>.png``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evals.baseline import Comparison, as_json
from evals.runner import EvalRun, SuiteOutcome
from evals.thresholds import Check

LISTED_CASES = 40  # failing case ids named in summary.md; all are in results.json


def write_report(folder: Path, run: EvalRun) -> Path:
    """Write the report folder (files of an earlier run of the same suites are replaced)."""
    folder.mkdir(parents=True, exist_ok=True)
    plots: dict[str, list[dict[str, str]]] = {}
    for outcome in run.outcomes:
        name = outcome.suite.name
        _write_cases(folder / "cases" / name, outcome)
        plots[name] = _draw_plots(folder, outcome)
    (folder / "results.json").write_text(
        json.dumps(_json_safe(to_json(run, plots)), ensure_ascii=False, indent=2, allow_nan=False),
        encoding="utf-8")
    (folder / "summary.md").write_text(to_markdown(run, plots), encoding="utf-8")
    return folder


def _write_cases(case_dir: Path, outcome: SuiteOutcome) -> None:
    case_dir.mkdir(parents=True, exist_ok=True)
    for stale in case_dir.glob("*.json"):
        stale.unlink()
    for case in outcome.result.cases:
        body = {"id": case.id, "passed": case.passed, **case.data}
        (case_dir / f"{_file_name(case.id)}.json").write_text(
            json.dumps(_json_safe(body), ensure_ascii=False, indent=2, allow_nan=False),
            encoding="utf-8")


def _draw_plots(folder: Path, outcome: SuiteOutcome) -> list[dict[str, str]]:
    """Each declared plot as a PNG: its file (relative to the folder) and title."""
    from evals.plots import draw

    name = outcome.suite.name
    for stale in (folder / "plots").glob(f"{name}-*.png"):
        stale.unlink()
    drawn = []
    for plot in outcome.result.plots:
        path = draw(plot, folder / "plots" / f"{name}-{_file_name(plot.name)}.png")
        drawn.append({"file": path.relative_to(folder).as_posix(), "title": plot.title})
    return drawn


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text) or "_"


def _json_safe(value: Any) -> Any:
    """NaN and infinities become None: a score that cannot be computed is null, never NaN."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def to_json(run: EvalRun, plots: dict[str, list[dict[str, str]]] | None = None) -> dict[str, Any]:
    failures = run.failures()
    suites = {}
    for o in run.outcomes:
        r = o.result
        suites[o.suite.name] = {
            "description": o.suite.description,
            "subset": o.suite.fast_subset if run.meta.get("fast") else "all cases",
            "pass_rule": r.pass_rule,
            "seconds": o.seconds,
            "cases_total": len(r.cases),
            "cases_passed": sum(c.passed for c in r.cases),
            "metrics": r.clean_metrics(),
            "cases": {c.id: c.passed for c in r.cases},
            "thresholds": [{**asdict(c), "target_met": c.target_met} for c in o.checks],
            "baseline": as_json(o.comparison) if o.comparison is not None else None,
            "failures": o.failures(),
            "plots": (plots or {}).get(o.suite.name, []),
            "details": r.details,
        }
    return {"meta": run.meta, "passed": not failures, "failures": failures, "suites": suites}


# -- words -----------------------------------------------------------------------------------

def to_markdown(run: EvalRun, plots: dict[str, list[dict[str, str]]] | None = None) -> str:
    m = run.meta
    commit = (m.get("commit") or "unknown")[:12] + (" (with uncommitted changes)"
                                                   if m.get("uncommitted_changes") else "")
    lines = ["# Eval report", "", "| | |", "|---|---|",
             f"| time (UTC) | {m.get('time')} |", f"| commit | {commit} |",
             f"| embedder | {m.get('embedder')} |",
             f"| mode | {m.get('mode')} |", f"| thresholds | {m.get('thresholds')} |"]
    if m.get("baseline"):
        lines.append(f"| baseline | {m['baseline']} (commit {(m.get('baseline_commit') or '?')[:12]}) |")
    lines += [f"| wall time | {m.get('seconds')} s |", "", verdict(run, markdown=True), ""]
    for outcome in run.outcomes:
        lines += _suite_markdown(outcome, bool(m.get("fast")), (plots or {}).get(outcome.suite.name, []))
    return "\n".join(lines) + "\n"


def verdict(run: EvalRun, markdown: bool = False) -> str:
    failures = run.failures()
    if not failures:
        gated = "every threshold met" + (", nothing beyond tolerance against the baseline"
                                          if run.meta.get("baseline") else "")
        return f"**Result: PASS** ({gated})" if markdown else f"PASS: {gated}"
    head = f"{len(failures)} problem{'s' if len(failures) > 1 else ''}"
    bullet = "- " if markdown else "  "
    body = "\n".join(bullet + f for f in failures)
    return (f"**Result: FAIL** ({head})\n\n{body}" if markdown else f"FAIL: {head}\n{body}")


def _suite_markdown(o: SuiteOutcome, fast: bool, plots: list[dict[str, str]]) -> list[str]:
    r = o.result
    passed = sum(c.passed for c in r.cases)
    subset = f"fast subset: {o.suite.fast_subset}" if fast else "all cases"
    lines = [f"## {o.suite.name}", "", f"{o.suite.description}. Ran {subset}: {passed} of "
             f"{len(r.cases)} cases pass ({r.pass_rule}). {o.seconds} s.", ""]
    if o.checks:
        lines += ["### Thresholds", "", "| metric | value | gate | target | result |",
                  "|---|---|---|---|---|"]
        lines += [_check_row(c) for c in o.checks] + [""]
    if o.comparison is not None:
        lines += ["### Against the baseline", ""] + _comparison_markdown(o.comparison) + [""]
    lines += ["### Figures", "", "```", r.table, "```", ""]
    failing = [c.id for c in r.cases if not c.passed]
    if failing:
        shown = ", ".join(failing[:LISTED_CASES]) + (" …" if len(failing) > LISTED_CASES else "")
        lines += ["### Failing cases", "", f"{shown} (each in `cases/{o.suite.name}/<id>.json`)", ""]
    if plots:
        lines += ["### Plots", ""] + [f"![{p['title']}]({p['file']})" for p in plots] + [""]
    return lines


def _check_row(c: Check) -> str:
    value = "n/a" if c.value is None else f"{c.value:.3f}"
    gate = ("≥ " if c.bound == "min" else "≤ ") + f"{c.limit:g}"
    target = "" if c.target is None else f"{c.target:g}" + {True: " (met)", False: " (missed)",
                                                            None: ""}[c.target_met]
    result = {"pass": "pass", "fail": "**FAIL**", "skip": "skipped"}[c.status]
    return f"| {c.metric} | {value} | {gate} | {target} | {result}{': ' + c.note if c.note else ''} |"


def _comparison_markdown(c: Comparison) -> list[str]:
    lines = [f"- {note}" for note in c.notes]
    if c.worse:
        lines += ["| metric | baseline | now | worse by | tolerated | result |",
                  "|---|---|---|---|---|---|"]
        for ch in c.worse:
            now = "n/a" if ch.after is None else f"{ch.after:.3f}"
            by = "" if ch.worse_by is None else f"{ch.worse_by:.3f}"
            tol = "" if ch.tolerance is None else f"{ch.tolerance:g}"
            result = f"**{ch.status.upper()}**" if ch.failed else ch.status
            lines.append(f"| {ch.metric} | {ch.before:.3f} | {now} | {by} | {tol} | {result} |")
    else:
        lines.append("Nothing got worse.")
    gate = "" if c.max_new_failures is None else f" (tolerated: {c.max_new_failures})"
    lines += ["", f"- cases that passed in the baseline and fail now{gate}: "
              f"{', '.join(c.newly_failing) or 'none'}",
              f"- cases that failed in the baseline and pass now: {', '.join(c.newly_passing) or 'none'}",
              f"- metrics that improved: {c.improved}"]
    return lines


def console_lines(o: SuiteOutcome, fast: bool) -> list[str]:
    """What ``social-audit eval`` prints for one suite."""
    r = o.result
    subset = f"fast: {o.suite.fast_subset}" if fast else "all cases"
    lines = [f"== {o.suite.name} ({subset}): {sum(c.passed for c in r.cases)} of {len(r.cases)} "
             f"cases pass, {o.seconds} s", r.table]
    met = [c for c in o.checks if c.status == "pass"]
    gated = [c for c in o.checks if c.status != "skip"]
    skipped = len(o.checks) - len(gated)
    lines.append(f"thresholds: {len(met)} of {len(gated)} met"
                 + (f" ({skipped} not measured in this run)" if skipped else "")
                 + "".join(f"; FAIL {c.describe()}" for c in o.checks if c.status == "fail"))
    missed = [c for c in o.checks if c.target_met is False]
    if missed:
        lines.append("targets not yet met (not gated): " + "; ".join(
            f"{c.metric} {c.value:.3f} (target {c.target:g})" for c in missed
            if c.value is not None and c.target is not None))
    if o.comparison is not None:
        lines += _comparison_console(o.comparison)
    return lines


def _comparison_console(c: Comparison) -> list[str]:
    lines = [f"baseline: {len(c.worse)} metrics worse, {c.improved} improved; "
             f"{len(c.newly_failing)} cases newly failing, {len(c.newly_passing)} newly passing"]
    lines += [f"  note: {n}" for n in c.notes]
    for ch in c.worse:
        now = "n/a" if ch.after is None else f"{ch.after:.3f}"
        tol = "" if ch.tolerance is None else f", tolerated {ch.tolerance:g}"
        lines.append(f"  {ch.status.upper() if ch.failed else ch.status}: {ch.metric} "
                     f"{ch.before:.3f} -> {now}{tol}")
    if c.newly_failing:
        lines.append("  newly failing: " + ", ".join(c.newly_failing))
    return lines
