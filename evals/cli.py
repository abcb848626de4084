"""``social-audit eval``: run the eval suites, gate them, and write a report folder."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import click

from bot.config import Settings
from evals.conversation_cases import SPLITS


@click.command("eval")
@click.option("--suite", "suite_names", multiple=True, metavar="NAME",
              help="Run this suite (repeatable; default: every registered suite).")
@click.option("--fast", is_flag=True, help="Each suite's fast subset (what CI runs); implies --check.")
@click.option("--out", type=click.Path(path_type=Path), help="Report folder [reports/eval-<time>].")
@click.option("--check", is_flag=True, help="Exit 1 when a threshold is missed or a metric regressed.")
@click.option("--baseline", type=click.Path(path_type=Path, file_okay=False),
              help="An earlier report folder: list what got worse; implies --check.")
@click.option("--thresholds", "thresholds_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Gates file [evals/thresholds.yaml].")
@click.option("--tune", "tune_only", is_flag=True,
              help="Retrieval: choose weights and guard on tune + dev, print them and every split.")
@click.option("--ablation", is_flag=True, help="Retrieval: recall of each signal alone and fused.")
@click.option("--split", "splits", multiple=True,
              type=click.Choice([*SPLITS, "test2", "test3", "test4"]),
              help="Conversations and adversarial: run these splits (repeatable; default tune + dev, --fast "
              "dev; test2, test3 and test4 are the adversarial suite's later blind sets). Read the test "
              "and holdout splits once each, after every choice is made.")
@click.pass_obj
def eval_command(settings: Settings, suite_names: tuple[str, ...], fast: bool, out: Path | None,
                 check: bool, baseline: Path | None, thresholds_file: Path | None, tune_only: bool,
                 ablation: bool, splits: tuple[str, ...]) -> None:
    """Run the eval suites on the current index, print the figures and write a report folder.

    Exit code 1 when gating (--check, --fast or --baseline) and a threshold of
    evals/thresholds.yaml is missed or a metric got worse than the baseline by more than its
    tolerance. A score that cannot be computed counts as a miss.
    """
    if splits:
        import os

        os.environ["SOCIAL_AUDIT_CONVERSATION_SPLITS"] = ",".join(splits)
    if tune_only:
        _print_tuning(settings)
        return
    if ablation:
        _print_ablation(settings)
        return
    from evals.baseline import load_baseline
    from evals.report import console_lines, verdict, write_report
    from evals.runner import run_eval
    from evals.suites import names, select
    from evals.thresholds import load_gates

    suites = select(suite_names)  # unknown names fail here, before anything runs
    gates = load_gates(thresholds_file)
    _check_gate_names(gates, names())
    earlier = load_baseline(baseline) if baseline is not None else None
    run = run_eval(settings, suites, fast, gates, earlier, thresholds_file)
    folder = out or Path("reports") / f"eval-{time.strftime('%Y%m%d-%H%M%S')}"
    write_report(folder, run)
    for outcome in run.outcomes:
        click.echo("\n".join(console_lines(outcome, fast)))
    click.echo(f"report: {folder}")
    click.echo(verdict(run))
    gating = check or fast or baseline is not None
    if run.failures():
        if gating:
            raise SystemExit(1)
        click.echo("(not gating: add --check to exit 1 on a failure)")


def _check_gate_names(gates: Iterable[str], registered: list[str]) -> None:
    from bot.errors import ConfigError

    for name in gates:
        if name not in registered:
            raise ConfigError(f"the thresholds file names suite {name!r}, which is not registered; "
                              f"choose one of: {', '.join(registered)}")


def _print_ablation(settings: Settings) -> None:
    from bot.retrieval import open_retriever
    from evals.ablation import format_variants, run_variants
    from evals.cases import load_retrieval_cases

    answerable = [c for c in load_retrieval_cases() if c.answerable]
    click.echo(format_variants(run_variants(open_retriever(settings), answerable)))


def _print_tuning(settings: Settings) -> None:
    import json

    from bot.retrieval import open_retriever
    from evals.cases import load_retrieval_cases
    from evals.tune_retrieval import tune

    report = tune(open_retriever(settings), load_retrieval_cases())
    guard = report["tune_guard"]
    keys = ("fusion", "weights", "guard_top", "guard_floor", "guard_margin", "guard_text_floor",
            "guard_text_margin", "guard_gloss_floor", "guard_gloss_margin")
    click.echo(json.dumps({k: report["config"][k] for k in keys}))
    for name in ("questions", "text", "gloss"):
        g = guard[name]
        click.echo(f"guard on {name}, tune + dev: keeps {g['positives_kept']:.3f} of answerable, "
                   f"rejects {g['negatives_rejected']:.3f} of unanswerable")
    for split in [s for s in ("tune", "dev", "test") if s in report]:
        s = report[split]
        click.echo(f"{split}: R@3 {s['recall@3']:.3f}  MRR@10 {s['mrr@10']:.3f}  "
                   f"negatives rejected {s['negatives_rejected']:.3f}")
