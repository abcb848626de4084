"""``social-audit bench``: speed figures, each beside a floor measured in the same run.

Not a timed test: this machine is noisy, so the benchmark writes its figures (JSON and Markdown)
and reports ratios against floors measured moments apart in the same process.
"""

from __future__ import annotations

import json
import os
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
    from bot.retrieval import open_retriever

    retriever = open_retriever(settings)
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
    """A full ingest of the bundled corpus into a fresh index embedding every text, against raw
    embedding throughput; then the first run as users get it, loading the shipped vectors."""
    from bot.retrieval.embed import get_embedder
    from bot.retrieval.store import open_store
    from ingest.pipeline import default_roots, ingest, plan

    embedder = get_embedder(embedder_spec)
    embedder.encode(["warm up"], query=False)
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), embedder=embedder_spec)
        records = plan(default_roots(settings)).records
        texts = [r.embed_text for r in records]
        raw_ms = _time(lambda: [embedder.encode(texts[i:i + 32], query=False)
                                for i in range(0, len(texts), 32)])
        report = ingest(settings, embedder, open_store(settings), shipped_vectors=None)
        again = _time(lambda: ingest(settings, embedder, open_store(settings)))
    with tempfile.TemporaryDirectory() as home:  # what a first run does: the shipped vectors
        settings = Settings(home=Path(home), embedder=embedder_spec)
        first = ingest(settings, embedder, open_store(settings))
    return {
        "vectors": len(texts),
        "ingest_s": report.seconds,
        "raw_embedding_s": round(raw_ms / 1000, 3),
        "ingest_vectors_per_s": round(len(texts) / report.seconds, 1),
        "raw_vectors_per_s": round(len(texts) / (raw_ms / 1000), 1),
        "throughput_ratio": round((raw_ms / 1000) / report.seconds, 3),
        "second_run_s": round(again / 1000, 3),
        "first_run_s": first.seconds,  # a fresh home, vectors shipped with the package loaded
        "first_run_loaded": first.vectors_loaded,
        "first_run_embedded": first.vectors_embedded,
    }


TURN_TARGET_P95_MS = 150.0  # with the reader's clause embeddings (issue 14)


def _parse_all(message: str) -> None:
    """The floor of a turn: every deterministic answer parser run once over the message."""
    from bot.interview import fields

    for fn in (fields.parse_yes_no, fields.parse_skip, fields.parse_channels, fields.parse_sales_model,
               fields.parse_close_channels, fields.parse_hours, fields.parse_response_time,
               fields.parse_sales_cycle, fields.parse_amount, fields.parse_frequency, fields.parse_count):
        fn(message)
    fields.parse_choices(message, "goals")


def _noop_graph(path: Path) -> Any:
    """The other floor: a one-node LangGraph graph that does nothing, on the same SQLite checkpointer
    (same connection settings) as the sessions."""
    from langgraph.checkpoint.sqlite import SqliteSaver
    from langgraph.graph import END, START, StateGraph

    from bot.interview.graph import GraphState
    from bot.interview.sessions import connect

    graph = StateGraph(GraphState)
    graph.add_node("turn", lambda values: {"message": None})
    graph.add_edge(START, "turn")
    graph.add_edge("turn", END)
    return graph.compile(checkpointer=SqliteSaver(connect(path)))


def _turn_context(settings: Settings) -> Any:
    from bot.errors import SocialAuditError
    from bot.interview.state import Context
    from bot.retrieval import open_retriever

    try:
        retriever = open_retriever(settings)
        retriever.chunks()
    except SocialAuditError:
        retriever = None
    return Context(retriever=retriever)


def _forget(ctx: Any) -> None:
    """Drop the vectors the embedder kept (the owner's words a turn embeds for the audit, with
    findings from the owner's situation on): each timed turn pays for its own, as a new owner's."""
    cache = getattr(getattr(getattr(ctx, "retriever", None), "embedder", None), "cache", None)
    if cache is not None:
        cache.clear()


def _conversation_turns(conversation: dict[str, Any], tag: str, ctx: Any, sessions: Any,
                        noop: Any) -> dict[str, list[float]]:
    """Each message of one scripted interview timed four ways, interleaved so that load on the
    machine hits all alike."""
    from bot.interview import engine, meaning
    from bot.interview.sessions import DURABILITY

    heads = meaning.load_heads()
    embed = meaning.embedder_for(ctx, heads.embedder) if heads is not None else None
    timings: dict[str, list[float]] = {"parse": [], "noop": [], "embed": [], "send": [], "step": []}
    state, _ = engine.start(conversation["lang"], ctx)
    session_id, _ = sessions.start(f"bench-{tag}", conversation["lang"])
    config = {"configurable": {"thread_id": f"noop-{tag}"}}
    for message in conversation["messages"]:
        timings["parse"].append(_time(lambda m=message: _parse_all(m)))  # type: ignore[misc]
        if embed is not None:  # the floor the reader adds: one embedding of the message
            timings["embed"].append(_time(lambda m=message: embed([m])))  # type: ignore[misc]
        timings["noop"].append(_time(lambda m=message: noop.invoke(  # type: ignore[misc]
            {"message": m}, config, durability=DURABILITY)))
        _forget(ctx)
        timings["send"].append(_time(lambda m=message: sessions.send(session_id, m)))  # type: ignore[misc]
        _forget(ctx)
        started = time.perf_counter()
        state, _ = engine.step(state, message, ctx)
        timings["step"].append((time.perf_counter() - started) * 1000)
    return timings


def _side_turns(questions: list[dict[str, str]], ctx: Any) -> dict[str, list[float]]:
    """Side-question turns (a retrieval each), beside the retrieval alone."""
    from bot.interview import engine

    timings: dict[str, list[float]] = {"search": [], "side": []}
    for side in questions:
        state, _ = engine.start(side["lang"], ctx)
        timings["search"].append(_time(lambda q=side["text"]: ctx.retriever.search(q, k=2)))  # type: ignore[misc]
        timings["side"].append(_time(lambda s=state, q=side["text"]: engine.step(s, q, ctx)))  # type: ignore[misc]
    return timings


def bench_turn(settings: Settings, rounds: int = 3) -> dict[str, Any]:
    """One interview turn in the default mode (no LLM) over scripted interviews in seven languages:
    ``engine.step`` alone and ``Sessions.send`` (the LangGraph step persisted to SQLite), against
    floors measured alongside (the parsers run once over the message; a no-op graph step on the
    same checkpointer). Side-question turns include a retrieval and are reported apart, beside
    the retrieval alone."""
    import yaml

    from bot.interview.sessions import Sessions

    scripts = yaml.safe_load((Path(__file__).parent / "turn_scripts.yaml").read_text(encoding="utf-8"))
    ctx = _turn_context(settings)
    samples: dict[str, list[float]] = {k: [] for k in ("parse", "noop", "embed", "step", "send", "side",
                                                       "search")}
    with tempfile.TemporaryDirectory() as home:
        sessions = Sessions(Settings(home=Path(home)), ctx)
        noop = _noop_graph(Path(home) / "noop.sqlite")
        for round_ in range(rounds + 1):  # round 0 warms up and is not counted
            measured = [_conversation_turns(c, f"{round_}-{i}", ctx, sessions, noop)
                        for i, c in enumerate(scripts["conversations"])]
            if ctx.retriever is not None:
                measured.append(_side_turns(scripts["side_questions"], ctx))
            for timings in measured if round_ else []:
                for key, values in timings.items():
                    samples[key] += values
        sessions.close()
    out: dict[str, Any] = {"conversations": len(scripts["conversations"]), "rounds": rounds,
                           "target_p95_ms": TURN_TARGET_P95_MS}
    out.update({f"{key}_ms": percentiles(values) for key, values in samples.items() if values})
    for key in ("step", "send"):
        out[f"{key}_p95_within_target"] = out[f"{key}_ms"]["p95"] < TURN_TARGET_P95_MS
    if samples["embed"]:
        out["step_p95_over_embed_p95"] = round(out["step_ms"]["p95"] / out["embed_ms"]["p95"], 2)
    if not samples["side"]:
        out["side_note"] = "no index: side questions not measured (run `social-audit ingest`)"
    return out


def _turn_markdown(t: dict[str, Any]) -> list[str]:
    rows = [("floor: the parsers run once over the message", "parse_ms"),
            ("floor: one embedding of the message (what the reader adds, at least)", "embed_ms"),
            ("floor: a no-op LangGraph step on the SQLite checkpointer", "noop_ms"),
            ("turn: `engine.step` (default mode)", "step_ms"),
            ("turn: `Sessions.send` (graph step persisted to SQLite)", "send_ms"),
            ("side-question turn (includes a retrieval)", "side_ms"),
            ("floor of a side question: the retrieval alone", "search_ms")]
    lines = ["## Interview turn (default mode, no LLM)", "",
             f"{t['conversations']} scripted interviews × {t['rounds']} rounds; target p95 < "
             f"{t['target_p95_ms']:.0f} ms.", "", "| | p50 ms | p95 ms | n |", "|---|---|---|---|"]
    lines += [f"| {label} | {t[key]['p50']} | {t[key]['p95']} | {t[key]['n']} |"
              for label, key in rows if key in t]
    lines += ["", f"p95 within target: step **{t['step_p95_within_target']}**, "
              f"persisted turn **{t['send_p95_within_target']}**", ""]
    if "step_p95_over_embed_p95" in t:
        lines += [f"step p95 / one-embedding p95: **{t['step_p95_over_embed_p95']}×**", ""]
    if "side_note" in t:
        lines += [t["side_note"], ""]
    return lines


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
                  f"- first run into a fresh home: {i['first_run_s']} s ({i['first_run_loaded']} "
                  f"vectors loaded from those shipped with the package, {i['first_run_embedded']} embedded)",
                  f"- embedding all of them instead: {i['vectors']} vectors in {i['ingest_s']} s "
                  f"({i['ingest_vectors_per_s']} vectors/s)",
                  f"- floor, raw embedding of the same texts: {i['raw_embedding_s']} s "
                  f"({i['raw_vectors_per_s']} vectors/s); ingest runs at "
                  f"{i['throughput_ratio']:.0%} of it",
                  f"- second run (nothing to do): {i['second_run_s']} s", ""]
    if "turn" in results:
        lines += _turn_markdown(results["turn"])
    if "audit" in results:
        from evals.bench_audit import audit_markdown

        lines += audit_markdown(results["audit"])
    if "app" in results:
        from evals.bench_app import app_markdown

        lines += app_markdown(results["app"])
    return "\n".join(lines)


def bench_meta(settings: Settings, chosen: list[str]) -> dict[str, Any]:
    """When, at which commit, with which embedder and under what load the run started: the
    machine is shared, so its figures mean little without the load beside them."""
    from evals.runner import git_state

    commit, dirty = git_state()
    started = time.time()
    return {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)), "started": started,
            "commit": commit, "uncommitted_changes": dirty, "embedder": settings.embedder,
            "benchmarks": chosen, "load_average": round(os.getloadavg()[0], 2)}


@click.command("bench")
@click.option("--only", type=click.Choice(["search", "ingest", "turn", "audit", "app"]), multiple=True,
              help="Run only these benchmarks (default: all).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("reports/bench"),
              show_default=True)
@click.option("--sessions", default=50, show_default=True, type=click.IntRange(1, 500),
              help="Concurrent interviews in the app benchmark.")
@click.pass_obj
def bench_command(settings: Settings, only: tuple[str, ...], out: Path, sessions: int) -> None:
    """Measure speed; write bench.json and bench.md to --out."""
    from evals.cases import load_retrieval_cases

    chosen = set(only or ("search", "ingest", "turn", "audit", "app"))
    results: dict[str, Any] = {"meta": bench_meta(settings, sorted(chosen)),
                               "machine": {"cpus": os.cpu_count()}}
    if "search" in chosen:
        queries = [c.question for c in load_retrieval_cases()]
        results["search"] = bench_search(settings, queries)
    if "ingest" in chosen:
        results["ingest"] = bench_ingest(settings.embedder)
    if "turn" in chosen:
        results["turn"] = bench_turn(settings)
    if "audit" in chosen:
        from evals.bench_audit import bench_audit

        results["audit"] = bench_audit(settings)
    if "app" in chosen:
        from evals.bench_app import bench_app

        results["app"] = bench_app(settings, sessions)
    results["meta"]["seconds"] = round(time.time() - results["meta"]["started"], 1)
    results["meta"]["load_average_end"] = round(os.getloadavg()[0], 2)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    markdown = to_markdown(results)
    (out / "bench.md").write_text(markdown, encoding="utf-8")
    click.echo(markdown)
    click.echo(f"written: {out / 'bench.json'}, {out / 'bench.md'}")


