"""``social-audit eval``: run an eval suite and write a report folder."""

from __future__ import annotations

import time
from pathlib import Path

import click

from bot.config import Settings


@click.command("eval")
@click.option("--suite", type=click.Choice(["retrieval"]), default="retrieval", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Report folder [reports/eval-<time>].")
@click.option("--check", is_flag=True, help="Exit 1 when the held-back half misses a target.")
@click.option("--tune", "tune_only", is_flag=True,
              help="Retrieval: choose weights and guard on the tune half, print them and both halves.")
@click.option("--ablation", is_flag=True, help="Retrieval: recall of each signal alone and fused.")
@click.pass_obj
def eval_command(settings: Settings, suite: str, out: Path | None, check: bool, tune_only: bool,
                 ablation: bool) -> None:
    """Run an eval suite on the current index; print the figures and write a report folder."""
    if tune_only:
        _print_tuning(settings)
        return
    if ablation:
        from bot.cli import retriever_for
        from evals.ablation import format_variants, run_variants
        from evals.cases import load_retrieval_cases

        answerable = [c for c in load_retrieval_cases() if c.answerable]
        click.echo(format_variants(run_variants(retriever_for(settings), answerable)))
        return
    from bot.cli import retriever_for
    from evals.cases import load_retrieval_cases
    from evals.report import write_report
    from evals.retrieval import format_table, meets_targets, run_cases, summary

    retriever = retriever_for(settings)
    results = run_cases(retriever.search, load_retrieval_cases(), k=10)
    figures = summary(results)
    table = format_table(figures)
    misses = meets_targets(figures["test"])
    verdict = "held-back half meets every target" if not misses else "misses: " + "; ".join(misses)
    click.echo(table)
    click.echo(verdict)
    folder = out or Path("reports") / f"eval-{time.strftime('%Y%m%d-%H%M%S')}"
    cases = [{**r.case.model_dump(),
              "rank": r.rank, "rejected": r.rejected, "top3": r.hits, "ms": round(r.ms, 2)}
             for r in results]
    markdown = f"# Eval: {suite}\n\n```\n{table}\n```\n\n{verdict}\n"
    write_report(folder, suite, figures, markdown, cases)
    click.echo(f"report: {folder}")
    if check and misses:
        raise SystemExit(1)


def _print_tuning(settings: Settings) -> None:
    import json

    from bot.cli import retriever_for
    from evals.cases import load_retrieval_cases
    from evals.tune_retrieval import tune

    report = tune(retriever_for(settings), load_retrieval_cases())
    guard = report["tune_guard"]
    keys = ("fusion", "weights", "guard_floor", "guard_margin", "guard_text_floor",
            "guard_text_margin")
    click.echo(json.dumps({k: report["config"][k] for k in keys}))
    for name in ("questions", "text"):
        g = guard[name]
        click.echo(f"guard on {name}, tune half: keeps {g['positives_kept']:.3f} of answerable, "
                   f"rejects {g['negatives_rejected']:.3f} of unanswerable")
    for split in [s for s in ("tune", "dev", "test") if s in report]:
        s = report[split]
        click.echo(f"{split}: R@3 {s['recall@3']:.3f}  MRR@10 {s['mrr@10']:.3f}  "
                   f"negatives rejected {s['negatives_rejected']:.3f}")
