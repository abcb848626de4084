"""Pure scoring functions over ranks: no I/O, no models."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.types import Hit
from evals.cases import GoldPassage


def is_relevant(hit: Hit, gold: Sequence[GoldPassage]) -> bool:
    """A hit answers when it is from the gold document and holds the gold quote verbatim."""
    return any(hit.source == g.source and g.quote in hit.text for g in gold)


def first_relevant_rank(hits: Sequence[Hit], gold: Sequence[GoldPassage]) -> int | None:
    """1-based rank of the first relevant hit, or None."""
    for rank, hit in enumerate(hits, 1):
        if is_relevant(hit, gold):
            return rank
    return None


def recall_at(ranks: Iterable[int | None], k: int) -> float:
    values = list(ranks)
    return sum(1 for r in values if r is not None and r <= k) / len(values) if values else 0.0


def mrr_at(ranks: Iterable[int | None], k: int = 10) -> float:
    values = list(ranks)
    return sum(1 / r for r in values if r is not None and r <= k) / len(values) if values else 0.0


def summarise(ranks: Sequence[int | None]) -> dict[str, float]:
    return {
        "n": float(len(ranks)),
        "recall@1": recall_at(ranks, 1),
        "recall@3": recall_at(ranks, 3),
        "recall@10": recall_at(ranks, 10),
        "mrr@10": mrr_at(ranks, 10),
    }


def share(hits: int, total: int) -> float | None:
    """``hits`` out of ``total``, or None when there is nothing to count."""
    return hits / total if total else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank ``q`` quantile (0..1) of ``values``, or None when there are none."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]
