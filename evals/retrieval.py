"""The retrieval suite: recall@k and MRR@10 per split and language, and negative rejection."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.types import Hit
from evals.cases import RetrievalCase
from evals.metrics import first_relevant_rank, summarise

TARGETS = {"recall@3": 0.90, "mrr@10": 0.80, "lang_recall@3": 0.80, "negatives_rejected": 0.90}

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


def meets_targets(split_summary: dict[str, Any]) -> list[str]:
    """The targets the split misses (empty when all are met)."""
    misses = []
    for key in ("recall@3", "mrr@10", "negatives_rejected"):
        if split_summary[key] < TARGETS[key]:
            misses.append(f"{key} {split_summary[key]:.3f} < {TARGETS[key]}")
    for lang, stats in split_summary["languages"].items():
        if stats["recall@3"] < TARGETS["lang_recall@3"]:
            misses.append(f"{lang} recall@3 {stats['recall@3']:.3f} < {TARGETS['lang_recall@3']}")
    return misses


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
