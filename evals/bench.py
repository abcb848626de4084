"""``social-audit bench``: speed figures, each beside a floor measured in the same run.

Not a timed test: this machine is noisy, so the benchmark writes its figures (JSON and Markdown)
and reports ratios against floors measured moments apart in the same process.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from bot.config import Settings


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
    return {"p50": round(pick(0.50), 2), "p95": round(pick(0.95), 2),
            "mean": round(statistics.fmean(ordered), 2), "n": len(ordered)}


def _time(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def bench_search(settings: Settings, queries: Sequence[str], rounds: int = 2) -> dict[str, Any]:
    """Warm ``search`` against its floor: embedding the query plus one raw Chroma query."""
    from bot.cli import retriever_for

    retriever = retriever_for(settings)
    retriever.search(queries[0])  # warm: load the index snapshot and the model
    floor, full = [], []
    for _ in range(rounds):
        for query in queries:  # interleaved, so that load on the machine hits both alike
            def raw(q: str = query) -> None:
                vector = retriever.embedder.encode([q], query=True)[0]
                retriever.store.query(vector, k=10)
            floor.append(_time(raw))
            full.append(_time(lambda q=query: retriever.search(q, k=5)))  # type: ignore[misc]
    f, s = percentiles(floor), percentiles(full)
    return {"floor_ms": f, "search_ms": s, "p95_ratio": round(s["p95"] / f["p95"], 2),
            "p50_ratio": round(s["p50"] / f["p50"], 2)}


def bench_ingest(embedder_spec: str) -> dict[str, Any]:
    """A full ingest of the bundled corpus into a fresh index, against raw embedding throughput."""
    from bot.embed import get_embedder
    from bot.store import open_store
    from ingest.pipeline import default_roots, ingest, plan

    embedder = get_embedder(embedder_spec)
    embedder.encode(["warm up"], query=False)
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), embedder=embedder_spec)
        records = plan(default_roots(settings)).records
        texts = [r.embed_text for r in records]
        raw_ms = _time(lambda: [embedder.encode(texts[i:i + 32], query=False)
                                for i in range(0, len(texts), 32)])
        report = ingest(settings, embedder, open_store(settings))
        again = _time(lambda: ingest(settings, embedder, open_store(settings)))
    return {
        "vectors": len(texts),
        "ingest_s": report.seconds,
        "raw_embedding_s": round(raw_ms / 1000, 3),
        "ingest_vectors_per_s": round(len(texts) / report.seconds, 1),
        "raw_vectors_per_s": round(len(texts) / (raw_ms / 1000), 1),
        "throughput_ratio": round((raw_ms / 1000) / report.seconds, 3),
        "second_run_s": round(again / 1000, 3),
    }


def to_markdown(results: dict[str, Any]) -> str:
    lines = ["# social-audit bench", ""]
    if "search" in results:
        s = results["search"]
        lines += ["## Search (warm)", "",
                  "| | p50 ms | p95 ms | n |", "|---|---|---|---|",
                  f"| floor: query embedding + raw Chroma query | {s['floor_ms']['p50']} | "
                  f"{s['floor_ms']['p95']} | {s['floor_ms']['n']} |",
                  f"| search (hybrid, guard) | {s['search_ms']['p50']} | {s['search_ms']['p95']} | "
                  f"{s['search_ms']['n']} |", "",
                  f"p95 ratio to floor: **{s['p95_ratio']}x** (p50 {s['p50_ratio']}x)", ""]
    if "ingest" in results:
        i = results["ingest"]
        lines += ["## Ingest of the bundled corpus", "",
                  f"- {i['vectors']} vectors in {i['ingest_s']} s "
                  f"({i['ingest_vectors_per_s']} vectors/s)",
                  f"- floor, raw embedding of the same texts: {i['raw_embedding_s']} s "
                  f"({i['raw_vectors_per_s']} vectors/s); ingest runs at "
                  f"{i['throughput_ratio']:.0%} of it",
                  f"- second run (nothing to do): {i['second_run_s']} s", ""]
    return "\n".join(lines)


@click.command("bench")
@click.option("--only", type=click.Choice(["search", "ingest"]), multiple=True,
              help="Run only these benchmarks (default: all).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("reports/bench"),
              show_default=True)
@click.pass_obj
def bench_command(settings: Settings, only: tuple[str, ...], out: Path) -> None:
    """Measure speed; write bench.json and bench.md to --out."""
    from evals.cases import load_retrieval_cases

    chosen = set(only or ("search", "ingest"))
    results: dict[str, Any] = {"machine": {"cpus": __import__("os").cpu_count()}}
    if "search" in chosen:
        queries = [c.question for c in load_retrieval_cases()]
        results["search"] = bench_search(settings, queries)
    if "ingest" in chosen:
        results["ingest"] = bench_ingest(settings.embedder)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    markdown = to_markdown(results)
    (out / "bench.md").write_text(markdown, encoding="utf-8")
    click.echo(markdown)
    click.echo(f"written: {out / 'bench.json'}, {out / 'bench.md'}")


