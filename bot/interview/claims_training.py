"""Training and calibrating the stance head of the claim check (``bot.interview.claims``).

Claims live in ``bot/data/reading/claims/<writer>.jsonl``, one JSON object a line: ``claim``,
``lang``, ``verdict`` (supported, contradicted or none) and, unless none, ``about``: a stretch of
the English gloss of the one corpus sentence that supports or contradicts it (the sentence is
found by it, so the data stays readable and survives re-chunking). Three sets, ``C1``, ``C2``
(other claims, half of them on sentences C1 never names) and ``C3`` (on sentences neither names):
each claim is scored by a head trained on the other sets, the two thresholds are calibrated on
those held-out scores for claim-level precision ``PRECISION`` (1.0 for "supported": a wrong
"yes, article 003 says so" costs more than a missed one), and the head shipped is trained on
all. No set is eval data: the claims of the adversarial suite are written blind, elsewhere.

Each claim's candidates are the sentences of the passages the retriever finds for it; the one
its ``about`` names is the positive example of its verdict, every other one a negative.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import ConfigError
from bot.interview import training
from bot.interview.claims import (
    FEATURES,
    PASSAGES,
    POLARITY,
    VERDICTS,
    Candidate,
    EmbedPair,
    StanceHead,
    decide,
    pair_features,
    sentence_candidates,
)

FOLDER = training.FOLDER / "claims"
PRECISION = {"supported": 1.0, "contradicted": 0.9}  # per verdict, on held-out claims
MIN_SAID = 3  # a threshold must let at least this many dev claims through
C = 0.1


@dataclass(frozen=True)
class Claim:
    text: str
    lang: str
    verdict: str
    about: str  # a stretch of the English gloss of the sentence it rests on; "" for none
    writer: str


def load_claims(folder: Path = FOLDER) -> list[Claim]:
    """Every claim, validated; a bad line names its file and line."""
    out: list[Claim] = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as err:
                raise ConfigError(f"{where}: not JSON ({err.msg})") from err
            verdict, about = raw.get("verdict"), str(raw.get("about") or "")
            if not isinstance(raw.get("claim"), str) or verdict not in VERDICTS or not raw.get("lang"):
                raise ConfigError(f"{where}: a claim needs claim, lang and verdict ({', '.join(VERDICTS)})")
            if (verdict == "none") != (not about):
                raise ConfigError(f"{where}: 'about' names the sentence of a supported or contradicted "
                                  "claim, and only of those")
            out.append(Claim(raw["claim"], raw["lang"], verdict, about, path.stem))
    return out


@dataclass(frozen=True)
class Target:
    source: str
    text: str  # the sentence, verbatim in its passage


def targets(claims: Sequence[Claim], chunks: Sequence[Any]) -> list[Target | None]:
    """The sentence each claim's ``about`` names (None for "none"); a stretch that names no
    sentence, or several, is an error naming the claim."""
    from bot.citations import sentences

    glossed = [(c.source, s, g) for c in chunks
               for s, g in zip(sentences(c.text), c.sentence_glosses, strict=False)
               if len(c.sentence_glosses) == len(sentences(c.text))]
    out: list[Target | None] = []
    for claim in claims:
        if not claim.about:
            out.append(None)
            continue
        found = {(src, s) for src, s, g in glossed if claim.about in g}
        if len(found) != 1:
            raise ConfigError(f"claim {claim.text!r}: 'about' {claim.about!r} names {len(found)} sentences")
        out.append(Target(*found.pop()))
    return out


def is_target(candidate: Candidate, target: Target | None) -> bool:
    return target is not None and candidate.hit.source == target.source and candidate.text == target.text


@dataclass(frozen=True)
class Rows:
    """Every claim's candidate rows: features, labels (supports, contradicts) and the claim's index."""

    x: np.ndarray
    y: np.ndarray
    owner: np.ndarray
    candidates: list[Candidate]


def rows(claims: Sequence[Claim], found: Sequence[Target | None], search: Any, embed: EmbedPair) -> Rows:
    xs, ys, owners, cands = [], [], [], []
    for i, (claim, target) in enumerate(zip(claims, found, strict=True)):
        candidates = sentence_candidates(search(claim.text, PASSAGES))
        if not candidates:
            continue
        xs.append(pair_features(claim.text, claim.lang, candidates, embed))
        for c in candidates:
            hit = is_target(c, target)
            ys.append([hit and claim.verdict == "supported", hit and claim.verdict == "contradicted"])
            owners.append(i)
            cands.append(c)
    x = np.vstack(xs) if xs else np.zeros((0, len(FEATURES)))
    return Rows(x, np.asarray(ys, dtype=np.int8).reshape(-1, 2), np.asarray(owners), cands)


def fit(data: Rows) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The support head on every feature but the flip (its positives: the sentences of supported
    claims) and the topic head on all but polarity and flip (its positives: the sentences of
    supported and of contradicted claims); the flip only gates (``StanceHead.stances``)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = data.x.mean(axis=0), data.x.std(axis=0) + 1e-6
    z = (data.x - mean) / scale
    polar = [FEATURES.index(f) for f in POLARITY]
    flip = FEATURES.index("flip")
    support, topic = z.copy(), z.copy()
    support[:, flip] = 0.0
    topic[:, polar] = 0.0
    weights, bias = np.zeros((2, data.x.shape[1])), np.full(2, -30.0)
    for j, (x, y) in enumerate(((support, data.y[:, 0]), (topic, data.y.max(axis=1)))):
        if 0 < y.sum() < len(y):
            model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced").fit(x, y)
            weights[j], bias[j] = model.coef_[0], model.intercept_[0]
    weights[0, flip] = 0.0
    weights[1, polar] = 0.0
    return weights, bias, mean, scale


@dataclass(frozen=True)
class Outcome:
    """One claim's verdict as the head gives it, and whether it is right."""

    claim: Claim
    verdict: str
    candidate: Candidate | None
    score: float
    right_sentence: bool  # the sentence shown is the one its ``about`` names
    right_doc: bool  # … or at least of that one's document


def outcomes(claims: Sequence[Claim], found: Sequence[Target | None], data: Rows, probs: np.ndarray,
             thresholds: np.ndarray) -> list[Outcome]:
    out = []
    for i, (claim, target) in enumerate(zip(claims, found, strict=True)):
        mine = np.flatnonzero(data.owner == i)
        verdict, row, score = decide(probs[mine], thresholds) if len(mine) else ("none", -1, 0.0)
        cand = data.candidates[mine[row]] if len(mine) and verdict != "none" else None
        out.append(Outcome(claim, verdict, cand, score, cand is not None and is_target(cand, target),
                           cand is not None and target is not None and cand.hit.source == target.source))
    return out


def scores(result: Sequence[Outcome], by: str = "doc") -> dict[str, dict[str, float]]:
    """Precision and recall of "supported" and "contradicted": a verdict is right when the claim
    has it and the quote is from the named document (``by="doc"``, as the adversarial check) or is
    the named sentence (``by="sentence"``)."""
    out = {}
    for verdict in ("supported", "contradicted"):
        said = [o for o in result if o.verdict == verdict]
        right = [o for o in said if o.claim.verdict == verdict
                 and (o.right_doc if by == "doc" else o.right_sentence)]
        truth = sum(1 for o in result if o.claim.verdict == verdict)
        out[verdict] = {"said": len(said), "right": len(right),
                        "precision": round(len(right) / len(said), 3) if said else 1.0,
                        "recall": round(len(right) / truth, 3) if truth else 0.0, "claims": truth}
    return out


def calibrate(claims: Sequence[Claim], found: Sequence[Target | None], data: Rows,
              probs: np.ndarray) -> np.ndarray:
    """The lowest threshold whose claim-level precision (right verdict, quote from the named
    document) reaches ``PRECISION[verdict]`` on ``claims``: first for "supported", then for
    "contradicted" with that one in force (a claim found supported is not also contradicted);
    inf when none does."""
    thresholds = np.full(2, np.inf)
    for j, verdict in enumerate(("supported", "contradicted")):
        for t in sorted({float(p) for p in probs[:, j] if p > 0}, reverse=True):
            trial = thresholds.copy()
            trial[j] = t
            s = scores(outcomes(claims, found, data, probs, trial))[verdict]
            if s["said"] >= MIN_SAID and s["precision"] >= PRECISION[verdict]:
                thresholds[j] = t
    return thresholds


def digest(claims: Sequence[Claim]) -> str:
    return training.fingerprint([c.text, c.lang, c.verdict, c.about, c.writer] for c in claims)


def subset(data: Rows, keep: np.ndarray) -> Rows:
    return Rows(data.x[keep], data.y[keep], data.owner[keep], [c for c, k in zip(data.candidates, keep,
                                                                              strict=True) if k])


def out_of_fold(claims: Sequence[Claim], data: Rows, embedder_id: str) -> np.ndarray:
    """Every candidate's (supports, contradicts) scores from a head trained on the other writer."""
    writers = np.asarray([claims[i].writer for i in data.owner])
    scores = np.zeros((len(data.x), 2))
    for writer in sorted(set(writers)):
        held = writers == writer
        weights, bias, mean, scale = fit(subset(data, ~held))
        head = StanceHead(weights, bias, mean, scale, np.full(2, np.inf), embedder_id)
        scores[held] = head.stances(data.x[held])
    return scores


def train(claims: Sequence[Claim], chunks: Sequence[Any], search: Any, embed: EmbedPair,
          embedder_id: str) -> tuple[StanceHead, dict[str, Any]]:
    """The head trained on every claim, with thresholds calibrated on the scores each claim gets
    from a head trained on the other writer (``out_of_fold``), and what was measured there."""
    writers = sorted({c.writer for c in claims})
    if len(writers) < 2:
        raise ConfigError(f"claims of two writers at least are needed in {FOLDER} (each is scored by a "
                          "head trained on the others)")
    found = targets(claims, chunks)
    data = rows(claims, found, search, embed)
    held_out = out_of_fold(claims, data, embedder_id)
    thresholds = calibrate(claims, found, data, held_out)
    weights, bias, mean, scale = fit(data)
    head = StanceHead(weights, bias, mean, scale, thresholds, embedder_id)
    result = outcomes(claims, found, data, held_out, thresholds)
    by_writer = {w: scores([o for o in result if o.claim.writer == w]) for w in writers}
    meta = {"claims": {w: sum(c.writer == w for c in claims) for w in writers}, "sha256": digest(claims),
            "precision_target": dict(PRECISION),
            "thresholds": {"supported": _rounded(thresholds[0]), "contradicted": _rounded(thresholds[1])},
            "held_out": {"by_doc": scores(result), "by_sentence": scores(result, "sentence"),
                         "by_writer": by_writer}}
    return head, meta


def _rounded(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 4)
