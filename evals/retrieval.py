"""The retrieval suite: recall@k and MRR@10 per split and language, negative rejection, latency.

``--fast`` runs the held-back test half only; a full run adds the tune and dev questions.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.types import Hit
from evals.cases import RetrievalCase, load_retrieval_cases
from evals.metrics import first_relevant_rank, percentile, summarise
from evals.suite import BarPlot, CaseRecord, HistogramPlot, Metrics, Plot, Suite, SuiteResult

Search = Callable[[str, int], Sequence[Hit]]


@dataclass
class CaseResult:
    case: RetrievalCase
    rank: int | None
    rejected: bool  # no passage returned
    hits: list[dict[str, Any]] = field(default_factory=list)
    ms: float = 0.0


def run_cases(search: Search, cases: Sequence[RetrievalCase], k: int = 10) -> list[CaseResult]:
    results = []
    for case in cases:
        started = time.perf_counter()
        hits = list(search(case.question, k))
        elapsed = (time.perf_counter() - started) * 1000
        rank = first_relevant_rank(hits, case.gold) if case.answerable else None
        results.append(CaseResult(case, rank, not hits, [h.to_json() for h in hits[:3]], elapsed))
    return results


def summary(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Metrics per split (and per language within it); negatives as the share rejected."""
    out: dict[str, Any] = {}
    splits = [s for s in ("tune", "dev", "test") if any(r.case.split == s for r in results)]
    for split in [*splits, "all"]:
        chosen = [r for r in results if split == "all" or r.case.split == split]
        positives = [r for r in chosen if r.case.answerable]
        negatives = [r for r in chosen if not r.case.answerable]
        by_lang: dict[str, list[int | None]] = defaultdict(list)
        for r in positives:
            by_lang[r.case.lang].append(r.rank)
        cross = [r.rank for r in positives if not _same_language(r.case)]
        out[split] = {
            **summarise([r.rank for r in positives]),
            "cross_lingual": summarise(cross),
            "negatives": len(negatives),
            "negatives_rejected": (sum(r.rejected for r in negatives) / len(negatives)
                                   if negatives else 0.0),
            "positives_rejected": sum(r.rejected for r in positives),
            "languages": {lang: summarise(ranks) for lang, ranks in sorted(by_lang.items())},
        }
    return out


_DOC_LANG = {"000": "sv", "001": "da", "002": "fi", "003": "nb", "004": "af"}


def _same_language(case: RetrievalCase) -> bool:
    return any(_DOC_LANG.get(g.source[:3]) == case.lang for g in case.gold)


def format_table(result: dict[str, Any]) -> str:
    lines = []
    for split in [s for s in ("tune", "dev", "test") if s in result]:
        s = result[split]
        lines.append(
            f"{split:5} n={int(s['n']):3}  R@1 {s['recall@1']:.3f}  R@3 {s['recall@3']:.3f}  "
            f"R@10 {s['recall@10']:.3f}  MRR@10 {s['mrr@10']:.3f}  "
            f"cross-lingual R@3 {s['cross_lingual']['recall@3']:.3f}  "
            f"negatives rejected {s['negatives_rejected']:.3f} of {s['negatives']}  "
            f"positives rejected {s['positives_rejected']}"
        )
        for lang, stats in s["languages"].items():
            lines.append(
                f"   {lang}  n={int(stats['n']):2}  R@1 {stats['recall@1']:.3f}  "
                f"R@3 {stats['recall@3']:.3f}  R@10 {stats['recall@10']:.3f}  "
                f"MRR@10 {stats['mrr@10']:.3f}"
            )
    return "\n".join(lines)


# -- the registered suite ---------------------------------------------------------------------

SCORES = ("recall@1", "recall@3", "recall@10", "mrr@10")
PASS_RULE = ("an answerable question passes when a gold passage is in the top 3; "
             "an unanswerable one when nothing is returned")


def evaluate(search: Search, cases: Sequence[RetrievalCase], fast: bool) -> SuiteResult:
    """Run the cases (only the held-back test half when ``fast``) through ``search``."""
    chosen = [c for c in cases if c.split == "test"] if fast else list(cases)
    if chosen:  # warm: loading the index and the model is not a query's latency
        search(chosen[0].question, 10)
    results = run_cases(search, chosen, k=10)
    figures = summary(results)
    if fast:
        figures.pop("all", None)  # the same questions as "test": one name per figure
    latencies = [r.ms for r in results]
    return SuiteResult(
        metrics={**flatten(figures), **_latency(latencies)},
        cases=tuple(_record(r) for r in results),
        table=format_table(figures),
        plots=_plots(figures, latencies),
        details=figures,
        pass_rule=PASS_RULE,
    )


def flatten(figures: dict[str, Any]) -> Metrics:
    """``summary`` as flat metric names (``test.recall@3``, ``test.lang.nb.mrr@10`` ...); a score
    over no questions is None (cannot be computed), never 0."""
    out: Metrics = {}
    for split, s in figures.items():
        out.update(_scores(split, s))
        out.update(_scores(f"{split}.cross_lingual", s["cross_lingual"]))
        out[f"{split}.negatives_rejected"] = s["negatives_rejected"] if s["negatives"] else None
        for lang, stats in s["languages"].items():
            out.update(_scores(f"{split}.lang.{lang}", stats))
    return out


def _scores(prefix: str, stats: dict[str, float]) -> Metrics:
    return {f"{prefix}.{key}": (stats[key] if stats["n"] else None) for key in SCORES}


def _latency(samples_ms: Sequence[float]) -> Metrics:
    return {f"latency.p{int(q * 100)}_ms": (None if (v := percentile(samples_ms, q)) is None
                                            else round(v, 2)) for q in (0.5, 0.95)}


def _record(result: CaseResult) -> CaseRecord:
    case = result.case
    passed = (result.rank is not None and result.rank <= 3) if case.answerable else result.rejected
    return CaseRecord(case.id, passed, {
        **case.model_dump(), "passed": passed, "rank": result.rank, "rejected": result.rejected,
        "top3": result.hits, "ms": round(result.ms, 2)})


def _plots(figures: dict[str, Any], latencies: Sequence[float]) -> tuple[Plot, ...]:
    plots: list[Plot] = []
    for split, label in (("test", "held-back test half"), ("all", "all questions")):
        if split not in figures:
            continue
        langs = figures[split]["languages"]
        plots.append(BarPlot(
            name=f"recall_by_language_{split}",
            title=f"Recall@k per question language ({label})",
            categories=tuple(langs),
            series=tuple((key, tuple(langs[lang][key] for lang in langs))
                         for key in ("recall@1", "recall@3", "recall@10")),
            ylabel="recall"))
    markers = tuple((f"p{int(q * 100)}", v) for q in (0.5, 0.95)
                    if (v := percentile(latencies, q)) is not None)
    plots.append(HistogramPlot(
        name="latency", title=f"Search latency per query (warm, {len(latencies)} queries)",
        values=tuple(round(ms, 3) for ms in latencies), xlabel="ms", markers=markers))
    return tuple(plots)


def run(settings: Settings, fast: bool) -> SuiteResult:
    from bot.retrieval import open_retriever

    return evaluate(open_retriever(settings).search, load_retrieval_cases(), fast)


SUITE = Suite(
    name="retrieval",
    description="recall@1/3/10 and MRR@10 per split and question language, rejection of "
                "unanswerable questions, warm search latency",
    fast_subset="the held-back test half",
    run=run,
    lower_is_better=("latency.*",),
)
