"""Training the reader's heads (``bot.interview.meaning``) from labelled owner statements.

Statements live in ``bot/data/reading/statements/<lang>.<writer>.jsonl``, one JSON object a line:
``text``, ``labels`` (profile path -> value, ``{}`` for a statement that states no field),
``writer``, and optionally ``question`` (the question id a short reply answers). Each writer
wrote blind to the code, from ``docs/profile-schema.md``; no sentence is shared with the
conversations eval (a test checks).

One logistic regression per head on standardised e5 vectors. Thresholds are calibrated on
out-of-fold scores with each writer held out in turn, so a head's precision is measured on
wording its training never saw: the lowest score at which the held-out precision is at least
``PRECISION`` (and at least ``MIN_HITS`` right). A head that cannot reach it never fires.
Deterministic: the same statements and embedder give the same heads (``--check`` proves it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import ConfigError
from bot.interview.meaning import UNUSED, UNUSED_PRECISION, Embed, Heads, label_names, model_input, targets
from bot.interview.phrases import normalise
from bot.profile import PATHS, Amount, SalesCycle, check_value

FOLDER = Path(__file__).resolve().parent.parent / "data" / "reading"
PRECISION = 0.95
ASKED_PRECISION = 0.75  # for the fields of the question just asked: the context vouches for the topic
CHECK_PRECISION = 0.5  # asked back ("Do you mean …?"): right at least as often as wrong
MIN_HITS = 3
FLOOR = 0.5  # no head fires below this score, whatever the calibration says
CHECK_FLOOR = 0.25  # nor is asked back below this one
C = 0.2  # inverse regularisation strength (0.05-1 measured alike; held-out recall peaks near here)
UNUSED_C = 0.02  # the unused-channel head, trained on channel-naming statements only (held-out
# recall at precision 0.8 on them: 0.77 here, 0.73 at C = 0.2, 0.55 for a head trained on all)


@dataclass(frozen=True)
class Statement:
    text: str
    lang: str
    labels: dict[str, Any]
    writer: str
    question: str | None = None


def _check_label(path: str, raw: Any, where: str) -> None:
    """ValueError-free or a ConfigError naming the line: amounts and cycles as the schema writes them."""
    if path not in PATHS:
        raise ConfigError(f"{where}: unknown profile path {path!r}")
    value = raw
    try:
        if isinstance(raw, dict) and "amount" in raw:
            value = Amount(raw["amount"], raw.get("currency"), raw.get("high"), bool(raw.get("monthly")))
        elif isinstance(raw, dict) and "cycle" in raw:
            value = SalesCycle(raw["cycle"], raw.get("days"))
        elif isinstance(raw, list):
            value = frozenset(raw)
        elif isinstance(raw, float) and raw.is_integer() and path == "email_list.size":
            value = int(raw)
        check_value(path, value)
    except (ValueError, TypeError) as err:
        raise ConfigError(f"{where}: {path}: {err}") from err


def jsonl_lines(folder: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(language, "file:line", object) of every non-blank line of ``folder/<lang>.<writer>.jsonl``,
    in file order; a line that is not JSON is a ConfigError naming its file and line."""
    for path in sorted(folder.glob("*.jsonl")):
        lang = path.name.split(".")[0]
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            try:
                yield lang, where, json.loads(line)
            except json.JSONDecodeError as err:
                raise ConfigError(f"{where}: not JSON ({err.msg})") from err


def load_statements(folder: Path = FOLDER / "statements") -> list[Statement]:
    """Every statement, validated; a bad line names its file and line."""
    out: list[Statement] = []
    for lang, where, raw in jsonl_lines(folder):
        labels = raw.get("labels")
        if not isinstance(raw.get("text"), str) or not isinstance(labels, dict):
            raise ConfigError(f"{where}: a statement needs a text and a labels object")
        for key, value in labels.items():
            _check_label(key, value, where)
        out.append(Statement(raw["text"], lang, labels, str(raw.get("writer", "?")), raw.get("question")))
    return out


def matrix(statements: Sequence[Statement], labels: Sequence[str]) -> np.ndarray:
    index = {name: i for i, name in enumerate(labels)}
    y = np.zeros((len(statements), len(labels)), dtype=np.int8)
    for row, s in enumerate(statements):
        for name in targets(s.labels, s.text):
            y[row, index[name]] = 1
    return y


def inputs(statements: Sequence[Statement]) -> list[str]:
    from bot.interview.policy import load as load_policy

    topics = {q.id: q.topic["en"] for q in load_policy().questions}  # as read: normalised, like clauses
    return [model_input(normalise(s.text), topics.get(s.question or "")) for s in statements]


def fit(x: np.ndarray, y: np.ndarray, rows: np.ndarray | None = None,
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(weights, bias, mean, scale): one logistic regression per column of ``y``; the
    unused-channel column (the last) on the ``rows`` whose text names a channel, if given."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    weights = np.zeros((y.shape[1], x.shape[1]))
    bias = np.full(y.shape[1], -30.0)  # a head with no example never fires
    for j in range(y.shape[1]):
        conditional = rows is not None and j == y.shape[1] - 1
        zj, yj = (z[rows], y[rows, j]) if conditional else (z, y[:, j])
        if 0 < yj.sum() < len(yj):
            model = LogisticRegression(C=UNUSED_C if conditional else C, max_iter=2000).fit(zj, yj)
            weights[j], bias[j] = model.coef_[0], model.intercept_[0]
    return weights, bias, mean, scale


def out_of_fold(x: np.ndarray, y: np.ndarray, writers: Sequence[str],
                rows: np.ndarray | None = None) -> np.ndarray:
    """Every statement's scores from heads trained without its writer."""
    scores = np.zeros(y.shape, dtype=np.float64)
    groups = np.asarray(writers)
    for writer in sorted(set(writers)):
        held = groups == writer
        w, b, mean, scale = fit(x[~held], y[~held], None if rows is None else rows[~held])
        heads = Heads((), w, b, mean, scale, np.zeros(len(b)), "")
        scores[held] = heads.probabilities(x[held])
    return scores


def naming_channels(statements: Sequence[Statement]) -> np.ndarray:
    """Which statements name a channel: the only ones the unused-channel head reads (it decides
    whether a channel named is in use, so it learns from those alone)."""
    from bot.interview import fields

    return np.array([bool(fields.parse_channels(s.text)) for s in statements])


def calibrate(scores: np.ndarray, y: np.ndarray, targets: Sequence[float] = (),
              floor: float = FLOOR) -> tuple[np.ndarray, list[dict[str, float]]]:
    """Per head: the lowest threshold (not under ``floor``) whose held-out precision reaches its
    target (``PRECISION`` unless ``targets`` gives one per head)."""
    thresholds = np.full(y.shape[1], np.inf)
    report = []
    for j in range(y.shape[1]):
        target = targets[j] if targets else PRECISION
        order = np.argsort(-scores[:, j], kind="stable")
        hits = np.cumsum(y[order, j])
        precision = hits / np.arange(1, len(order) + 1)
        ranked = scores[order, j]
        ok = [i for i in range(len(order)) if precision[i] >= target and hits[i] >= MIN_HITS
              and ranked[i] >= floor and (i + 1 == len(order) or ranked[i + 1] < ranked[i])]
        positives = int(y[:, j].sum())
        if ok:
            i = ok[-1]
            thresholds[j] = float(scores[order[i], j])
            report.append({"threshold": round(thresholds[j], 4), "precision": round(float(precision[i]), 3),
                           "recall": round(float(hits[i] / max(positives, 1)), 3), "positives": positives})
        else:
            report.append({"threshold": None, "precision": None, "recall": 0.0, "positives": positives})
    return thresholds, report


def fingerprint(rows: Iterable[Sequence[Any]]) -> str:
    """The sha256 of training rows, each as JSON (the shipped heads' meta records it, so a retrain
    on other data is seen): statements, kind messages and claims share it."""
    h = hashlib.sha256()
    for row in rows:
        h.update(json.dumps(list(row), sort_keys=True).encode())
    return h.hexdigest()


def digest(statements: Sequence[Statement]) -> str:
    return fingerprint([s.text, s.lang, s.labels, s.writer, s.question] for s in statements)


def train(statements: Sequence[Statement], embed: Embed, embedder_id: str) -> tuple[Heads, dict[str, Any]]:
    """Heads trained on every statement, thresholds from the writer-held-out scores."""
    labels = label_names()
    x = np.asarray(embed(inputs(statements)), dtype=np.float64)
    y = matrix(statements, labels)
    goals = [UNUSED_PRECISION if name == UNUSED else PRECISION for name in labels]
    assert labels[-1] == UNUSED, "fit() trains the last head on channel-naming statements"
    rows = naming_channels(statements)
    scores = out_of_fold(x, y, [s.writer for s in statements], rows)
    scores[~rows, -1] = 0.0  # calibrated where it is read: on statements that name a channel
    thresholds, report = calibrate(scores, y, goals)
    asked, asked_report = calibrate(scores, y, [min(g, ASKED_PRECISION) for g in goals])
    check, _ = calibrate(scores, y, [min(g, CHECK_PRECISION) for g in goals], CHECK_FLOOR)
    w, b, mean, scale = fit(x, y, rows)
    asked = np.minimum(asked, thresholds)
    heads = Heads(labels, w, b, mean, scale, thresholds, embedder_id, asked, np.minimum(check, asked))
    for entry, extra in zip(report, asked_report, strict=True):
        entry["asked_threshold"], entry["asked_recall"] = extra["threshold"], extra["recall"]
    meta = {"statements": len(statements), "sha256": digest(statements), "precision_target": PRECISION,
            "writers": sorted({s.writer for s in statements}),
            "languages": sorted({s.lang for s in statements}),
            "heads": dict(zip(labels, report, strict=True))}
    return heads, meta


def same_arrays(shipped: Sequence[np.ndarray | None], trained: Sequence[np.ndarray | None]) -> bool:
    """Whether shipped and retrained arrays agree: thresholds to four decimals, weights within
    1e-4 (the first arrays are thresholds, the last two weights and biases); None equals nothing."""
    if any(a is None or b is None for a, b in zip(shipped, trained, strict=True)):
        return False
    pairs = list(zip(shipped, trained, strict=True))
    return (all(np.array_equal(a.round(4), b.round(4)) for a, b in pairs[:-2])  # type: ignore[union-attr]
            and all(np.allclose(a, b, atol=1e-4) for a, b in pairs[-2:]))  # type: ignore[arg-type]


def compare_shipped(heads: Heads) -> str:
    """One line saying the shipped heads equal ``heads``; ConfigError when they differ."""
    from bot.datafiles import DataSource, use_source
    from bot.interview.meaning import load_heads

    with use_source(DataSource()):  # as on disk now, not as this process first read it
        shipped = load_heads()
    if shipped is None:
        raise ConfigError("no trained heads are shipped; run `social-audit train-reader`")
    same = shipped.labels == heads.labels and same_arrays(
        (shipped.thresholds, shipped.asked, shipped.check, shipped.weights, shipped.bias),
        (heads.thresholds, heads.asked, heads.check, heads.weights, heads.bias))
    if not same:
        raise ConfigError("the shipped heads differ from a retrain of the shipped statements; "
                          "run `social-audit train-reader` and commit the result")
    return f"the shipped heads are reproduced ({len(heads.labels)} heads)"
