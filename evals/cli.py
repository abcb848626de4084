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
@click.pass_obj
def eval_command(settings: Settings, suite: str, out: Path | None, check: bool) -> None:
    """Run an eval suite on the current index; print the figures and write a report folder."""
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
