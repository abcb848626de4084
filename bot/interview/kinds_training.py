"""Training the kind heads (``bot.interview.kinds``) from labelled messages.

Messages live in ``bot/data/reading/kinds/<lang>.<writer>.jsonl``, one JSON object a line:
``text``, ``kind`` (one of ``KINDS``), ``writer`` and optionally ``question`` (the question id
just asked). The writers wrote blind to the code, from ``docs/message-kinds.md``; the test set in
``evals/datasets/message_kinds`` is by another writer (a test checks no message is shared).
Thresholds as for the reader's heads (``training.calibrate``): the lowest score whose precision
on writers held out reaches ``PRECISION``. Deterministic (``train-reader --check`` proves it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import ConfigError
from bot.interview import training
from bot.interview.kinds import KINDS, KindHeads, features, model_input
from bot.interview.meaning import Embed

FOLDER = training.FOLDER / "kinds"
PRECISION = 0.95


@dataclass(frozen=True)
class Message:
    text: str
    lang: str
    kind: str
    writer: str
    question: str | None = None


def load_messages(folder: Path = FOLDER) -> list[Message]:
    """Every labelled message, validated; a bad line names its file and line."""
    out: list[Message] = []
    for lang, where, raw in training.jsonl_lines(folder):
        if not isinstance(raw.get("text"), str) or raw.get("kind") not in KINDS:
            raise ConfigError(f"{where}: a message needs a text and a kind, one of: {', '.join(KINDS)}")
        writer = str(raw.get("writer", "?"))
        out.append(Message(raw["text"], lang, raw["kind"], writer, raw.get("question")))
    return out


def inputs(messages: Sequence[Message]) -> list[str]:
    from bot.interview.policy import load as load_policy

    topics = {q.id: q.topic["en"] for q in load_policy().questions}
    return [model_input(m.text, topics.get(m.question or "")) for m in messages]


def matrix(messages: Sequence[Message]) -> np.ndarray:
    y = np.zeros((len(messages), len(KINDS)), dtype=np.int8)
    for row, m in enumerate(messages):
        y[row, KINDS.index(m.kind)] = 1
    return y


def digest(messages: Sequence[Message]) -> str:
    return training.fingerprint([m.text, m.lang, m.kind, m.writer, m.question] for m in messages)


def train(messages: Sequence[Message], embed: Embed, embedder_id: str) -> tuple[KindHeads, dict[str, Any]]:
    """Kind heads trained on every message, thresholds from the writer-held-out scores."""
    x = features([m.text for m in messages], embed(inputs(messages)))
    y = matrix(messages)
    scores = training.out_of_fold(x, y, [m.writer for m in messages])
    thresholds, report = training.calibrate(scores, y, [PRECISION] * len(KINDS))
    w, b, mean, scale = training.fit(x, y)
    heads = KindHeads(KINDS, w, b, mean, scale, thresholds, embedder_id)
    meta = {"messages": len(messages), "sha256": digest(messages), "precision_target": PRECISION,
            "writers": sorted({m.writer for m in messages}), "languages": sorted({m.lang for m in messages}),
            "heads": dict(zip(KINDS, report, strict=True))}
    return heads, meta


def compare_shipped(heads: KindHeads) -> str:
    """One line saying the shipped kind heads equal ``heads``; ConfigError when they differ."""
    from bot.datafiles import DataSource, use_source
    from bot.interview.kinds import load_kind_heads

    with use_source(DataSource()):  # as on disk now, not as this process first read it
        shipped = load_kind_heads()
    if shipped is None:
        raise ConfigError("no trained kind heads are shipped; run `social-audit train-reader`")
    same = training.same_arrays((shipped.thresholds, shipped.weights, shipped.bias),
                                (heads.thresholds, heads.weights, heads.bias))
    if not same:
        raise ConfigError("the shipped kind heads differ from a retrain of the shipped messages; "
                          "run `social-audit train-reader` and commit the result")
    return f"the shipped kind heads are reproduced ({len(heads.kinds)} kinds)"
