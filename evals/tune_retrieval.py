"""Tune retrieval weights and the "nothing relevant" guard on the tune half only.

Each question is scored once (every view, every candidate); each weight setting then re-fuses the
cached evidence with the product's own fusion code. The test half is scored only for the chosen
setting, for reporting.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.index import hit_from_chunk
from bot.retrieve import RetrievalConfig, Retriever, Scored
from evals.cases import RetrievalCase
from evals.metrics import first_relevant_rank, mrr_at, recall_at

LINEAR_GRID = {
    "text": (0.0, 0.25, 0.5),
    "gloss": (0.5, 1.0),
    "question": (0.5, 1.0, 1.5),
    "bm25": (0.0, 0.05, 0.1, 0.2, 0.3, 0.5),
}
RRF_GRID = {"text": (0.0, 0.5, 1.0), "gloss": (0.5, 1.0), "question": (1.0, 2.0), "bm25": (0.0, 1.0, 2.0)}


@dataclass
class Evidence:
    case: RetrievalCase
    entries: list[Scored]


def collect(retriever: Retriever, cases: Sequence[RetrievalCase]) -> list[Evidence]:
    """Every chunk's evidence for every question (candidates wide enough to see all chunks)."""
    wide = retriever.config.model_copy(update={"candidates": 10_000})
    probe = Retriever(retriever.store, retriever.embedder, wide, retriever.lexicon)
    return [Evidence(case, probe.score(case.question)) for case in cases]


def ranked(evidence: Evidence, config: RetrievalConfig) -> list[Scored]:
    entries = copy.deepcopy(evidence.entries)
    for entry in entries:
        entry.fused = 0.0
    fuser = Retriever.__new__(Retriever)
    fuser.config = config
    fuser._fuse(entries)
    return sorted(entries, key=lambda s: (-s.fused, s.chunk.chunk_id))


def ranks(evidence: Sequence[Evidence], config: RetrievalConfig) -> list[int | None]:
    out = []
    for item in evidence:
        hits = [hit_from_chunk(s.chunk, s.fused) for s in ranked(item, config)[:10]]
        out.append(first_relevant_rank(hits, item.case.gold))
    return out


def grid(base: RetrievalConfig) -> list[RetrievalConfig]:
    configs = []
    for fusion, table in (("linear", LINEAR_GRID), ("rrf", RRF_GRID)):
        for values in itertools.product(*table.values()):
            weights = dict(zip(table, values, strict=True))
            if any(weights[v] for v in ("text", "gloss", "question")):
                configs.append(base.model_copy(update={"fusion": fusion, "weights": weights}))
    return configs


def best_config(evidence: Sequence[Evidence], base: RetrievalConfig) -> tuple[RetrievalConfig, float, float]:
    """The setting with the best recall@3 on ``evidence`` (MRR@10 breaks ties)."""
    scored = []
    for config in grid(base):
        r = ranks(evidence, config)
        scored.append((recall_at(r, 3), mrr_at(r, 10), config))
    scored.sort(key=lambda t: (-t[0], -t[1], t[2].fusion))
    return scored[0][2], scored[0][0], scored[0][1]


def guard_signal(entries: Sequence[Scored]) -> float:
    return max((s.best_dense for s in entries[:3]), default=0.0)


def calibrate_guard(positives: Sequence[Evidence], negatives: Sequence[Evidence],
                    config: RetrievalConfig, keep: float = 0.97) -> dict[str, Any]:
    """The highest threshold that still keeps ``keep`` of the answerable questions answered."""
    pos = sorted(guard_signal(ranked(e, config)) for e in positives)
    neg = [guard_signal(ranked(e, config)) for e in negatives]
    cut = pos[int((1 - keep) * len(pos))] if pos else 0.0
    threshold = round(cut - 1e-4, 4)
    return {
        "threshold": threshold,
        "positives_kept": sum(p >= threshold for p in pos) / max(1, len(pos)),
        "negatives_rejected": sum(n < threshold for n in neg) / max(1, len(neg)),
    }
