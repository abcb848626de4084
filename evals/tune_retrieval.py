"""Tune retrieval weights and the "nothing relevant" guard on the tune and dev questions only.

Each question is scored once (every view, every candidate); each weight setting then re-ranks the
cached evidence with the product's own code (``Retriever.rank``: fusion, then pseudo-relevance
feedback under that setting's own first pass), so a setting is judged exactly as it would search.
The test half is scored only for the chosen setting, for reporting.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.retrieval.index import hit_from_chunk
from bot.retrieval.retrieve import (
    RetrievalConfig,
    Retriever,
    ScopeEvidence,
    Scored,
    Snapshot,
    clears,
    relevant,
)
from evals.cases import RetrievalCase
from evals.metrics import first_relevant_rank, mrr_at, recall_at

LINEAR_GRID = {
    "text": (0.0, 0.25, 0.5),
    "gloss": (0.5, 1.0),
    "question": (0.5, 1.0, 1.5),
    "bm25": (0.0, 0.05, 0.1, 0.2, 0.3, 0.5),
}
RRF_GRID = {"text": (0.0, 0.5, 1.0), "gloss": (0.5, 1.0), "question": (1.0, 2.0), "bm25": (0.0, 1.0, 2.0)}


@dataclass(frozen=True)
class GuardSignals:
    """What calibrating the guard weighs for one question: the guard's own evidence, and the best
    similarity to any passage's text and to any passage's gloss. The text and gloss pairs judge
    passages without expansion questions; every curated passage judged as if it had none stands in
    for them here (the product's guard reads only ``ScopeEvidence``)."""

    question: float
    question_outside: float
    outside: float
    text_all: float
    gloss_all: float

    @classmethod
    def of(cls, scope: ScopeEvidence, entries: Sequence[Scored]) -> GuardSignals:
        def best(view: str) -> float:
            return max((s.dense.get(view, -1.0) for s in entries), default=-1.0)

        return cls(scope.question, scope.question_outside, scope.outside, best("text"), best("gloss"))


@dataclass
class Evidence:
    case: RetrievalCase
    entries: list[Scored]  # every passage of ``snapshot``, in index order
    scope: ScopeEvidence
    signals: GuardSignals
    vector: np.ndarray  # the question's embedding
    retriever: Retriever
    snapshot: Snapshot  # the index the evidence was read from (every case reads the same one)


def collect(retriever: Retriever, cases: Sequence[RetrievalCase]) -> list[Evidence]:
    """Every passage's evidence for every question, all from one snapshot of the index."""
    out = []
    snap = retriever.snapshot()
    for case in cases:
        vector = retriever.embedder.encode([case.question], query=True)[0]
        entries = retriever.evidence(snap, case.question, vector)
        scope = retriever.scope_evidence(snap, entries, vector)
        out.append(Evidence(case, entries, scope, GuardSignals.of(scope, entries), vector, retriever, snap))
    return out


def ranked(evidence: Evidence, config: RetrievalConfig) -> list[Scored]:
    """The cached evidence ranked under ``config``, feedback included."""
    return evidence.retriever.rank(evidence.snapshot, copy.deepcopy(evidence.entries),
                                   evidence.vector, config)


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


TUNING_SPLITS = {"tune", "dev"}  # settings are chosen on these; "test" is only ever reported
GUARD_FLOORS = (0.0, 0.80, 0.82, 0.84, 0.85, 0.86, 0.87, 0.88)
GUARD_MARGINS = (-0.06, -0.05, -0.04, -0.03, -0.02, -0.01, -0.005, 0.0, 0.005, 0.01, 0.02)
# The question pair compares means of the best few similarities, which spread less than single
# best ones: its margin is searched in finer steps. The text and gloss pairs are calibrated on a
# stand-in (the curated passages judged as if they had no questions): the coarse steps keep them
# from fitting that stand-in too closely.
QUESTION_MARGINS = tuple(round(-0.06 + 0.0025 * i, 4) for i in range(37))  # -0.06 to 0.03
GLOSS_MIN_FLOOR = 0.80


def _best_pair(evidence: Sequence[Evidence], signal: str, reject: float, min_floor: float = 0.0,
               outside: str = "outside", margins: Sequence[float] = GUARD_MARGINS) -> dict[str, Any]:
    """Floor (at least ``min_floor``) and margin that keep the most answerable questions while
    rejecting at least ``reject`` of the unanswerable ones. Ties, by a rule fixed before looking at
    the test half: more rejected, then the smaller margin (the main knob), then the lower floor."""
    choices = []
    floors = [f for f in GUARD_FLOORS if f >= min_floor]
    for floor, margin in itertools.product(floors, margins):
        verdicts = [(e.case.answerable,
                     clears(getattr(e.signals, signal), getattr(e.signals, outside), floor, margin))
                    for e in evidence]
        kept = [ok for answerable, ok in verdicts if answerable]
        rejected = [not ok for answerable, ok in verdicts if not answerable]
        k, r = sum(kept) / max(1, len(kept)), sum(rejected) / max(1, len(rejected))
        choices.append((r >= reject, k, r, -margin, -floor))
    choices.sort(reverse=True)
    meets, kept_share, rejected_share, neg_margin, neg_floor = choices[0]
    return {"floor": -neg_floor, "margin": -neg_margin, "positives_kept": kept_share,
            "negatives_rejected": rejected_share, "meets": meets}


def calibrate_guard(evidence: Sequence[Evidence], base: RetrievalConfig,
                    reject: float = 0.90) -> dict[str, Any]:
    """The three guards: on expansion questions; on passage text and on the English gloss (each as
    for a corpus without questions, e.g. a consultant's documents with machine glosses)."""
    questions = _best_pair(evidence, "question", reject, outside="question_outside",
                           margins=QUESTION_MARGINS)
    text = _best_pair(evidence, "text_all", reject)
    # An English gloss is close to any English question about business (0.78 for "a good pizza
    # place near the harbour" against a shop's guide): without a floor, the one margin that keeps
    # the most also lets such questions through when no out-of-scope example is near them.
    gloss = _best_pair(evidence, "gloss_all", reject, min_floor=GLOSS_MIN_FLOOR)
    config = base.model_copy(update={
        "guard_floor": questions["floor"], "guard_margin": questions["margin"],
        "guard_text_floor": text["floor"], "guard_text_margin": text["margin"],
        "guard_gloss_floor": gloss["floor"], "guard_gloss_margin": gloss["margin"]})
    return {"config": config, "questions": questions, "text": text, "gloss": gloss,
            "positives_kept": questions["positives_kept"],
            "negatives_rejected": questions["negatives_rejected"]}


def tune(retriever: Retriever, cases: Sequence[RetrievalCase]) -> dict[str, Any]:
    """Choose fusion weights and guard on the tune half; report both halves with that choice."""
    evidence = collect(retriever, cases)
    tune_half = [e for e in evidence if e.case.split in TUNING_SPLITS]
    config, r3, mrr = best_config([e for e in tune_half if e.case.answerable], retriever.config)
    guard = calibrate_guard(tune_half, config)
    chosen: RetrievalConfig = guard["config"]
    report: dict[str, Any] = {"config": chosen.model_dump(), "tune_guard": guard}
    for split in sorted({e.case.split for e in evidence}):
        half = [e for e in evidence if e.case.split == split]
        out = []
        for item, rank in zip([e for e in half if e.case.answerable],
                              ranks([e for e in half if e.case.answerable], chosen), strict=True):
            out.append(rank if relevant(item.scope, chosen) else None)
        negatives = [e for e in half if not e.case.answerable]
        report[split] = {"recall@3": recall_at(out, 3), "mrr@10": mrr_at(out, 10),
                         "negatives_rejected": sum(not relevant(e.scope, chosen) for e in negatives)
                         / max(1, len(negatives))}
    return report
