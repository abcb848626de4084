"""The kinds-of-message suite: the kind the interview acts on (``bot.interview.kinds.decide``:
the instruction phrases and the shipped kind heads) on messages labelled blind by writers the
heads were not trained on (``evals/datasets/message_kinds``).

Writer K3's set is the dev split (read while the heads were built); writer K4's is the test
split, read by ``--split test`` only. Per kind: precision (of the messages given that kind,
right) and recall; a message no head is sure of has no kind (read as an answer, as before).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings
from bot.interview.kinds import KINDS, decide, load_kind_heads
from bot.interview.kinds_training import Message, load_messages
from evals.metrics import share
from evals.suite import CaseRecord, Metrics, Suite, SuiteResult

FOLDER = Path(__file__).resolve().parent / "datasets" / "message_kinds"
SPLITS = {"dev": "K3", "test": "K4"}
# Kinds that change what the bot does (anything but reading the message as an answer).
ACTING = tuple(k for k in KINDS if k != "answer")


def load_split(split: str, folder: Path = FOLDER) -> list[Message]:
    return [m for m in load_messages(folder) if m.writer == SPLITS[split]]


def figures(pairs: Sequence[tuple[Message, str | None]], prefix: str = "") -> Metrics:
    out: Metrics = {}
    for kind in KINDS:
        given = [m for m, k in pairs if k == kind]
        right = sum(m.kind == kind for m in given)
        out[f"{prefix}{kind}.precision"] = share(right, len(given)) if given else None
        out[f"{prefix}{kind}.recall"] = share(right, sum(m.kind == kind for m, _ in pairs))
    decided = [(m, k) for m, k in pairs if k is not None]
    out[f"{prefix}decided"] = share(len(decided), len(pairs))
    out[f"{prefix}precision"] = share(sum(m.kind == k for m, k in decided), len(decided))
    acting = [(m, k) for m, k in decided if k in ACTING]
    out[f"{prefix}acting.precision"] = share(sum(m.kind == k for m, k in acting), len(acting))
    out[f"{prefix}answers_taken_for_other_kinds"] = float(sum(m.kind == "answer" and k in ACTING
                                                             for m, k in pairs))
    return out


def _shown(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def evaluate(messages: Sequence[Message]) -> SuiteResult:
    from bot.interview.policy import load as load_policy
    from bot.retrieval.embed import get_embedder

    heads = load_kind_heads()
    if heads is None:
        raise RuntimeError("no kind heads are shipped; run `social-audit train-reader`")
    embedder = get_embedder(heads.embedder)
    topics = {q.id: q.topic["en"] for q in load_policy().questions}
    pairs = []
    for m in messages:
        read = decide(m.text, topics.get(m.question or ""), heads,
                      lambda texts: embedder.encode(list(texts), query=True))
        pairs.append((m, read))
    metrics = figures(pairs)
    for lang in sorted({m.lang for m in messages}):
        per_lang = figures([p for p in pairs if p[0].lang == lang], f"lang.{lang}.")
        metrics |= {k: per_lang[k] for k in (f"lang.{lang}.decided", f"lang.{lang}.acting.precision")}
    cases = tuple(CaseRecord(f"{m.lang}.{m.writer}.{i}", k == m.kind or (k is None and m.kind == "answer"),
                             {"text": m.text[:300], "kind": m.kind, "read_as": k, "question": m.question})
                  for i, (m, k) in enumerate(pairs))
    lines = [f"{'kind':20} {'precision':>9} {'recall':>7}"]
    for kind in KINDS:
        p, r = metrics[f"{kind}.precision"], metrics[f"{kind}.recall"]
        lines.append(f"{kind:20} {_shown(p):>9} {_shown(r):>7}")
    lines.append(f"decided {metrics['decided']:.3f}  precision {metrics['precision']:.3f}  "
                 f"acting precision {metrics['acting.precision']:.3f}")
    return SuiteResult(metrics=metrics, cases=cases, table="\n".join(lines),
                       details={"messages": len(messages)},
                       pass_rule="read as its kind, or (for an answer) given no kind")


def run(settings: Settings, fast: bool) -> SuiteResult:
    chosen = os.environ.get("SOCIAL_AUDIT_CONVERSATION_SPLITS", "")
    split = "test" if "test" in chosen.split(",") else "dev"
    return evaluate(load_split(split))


SUITE = Suite(
    name="kinds",
    description="kinds of message (answer, don't know, instruction, pasted …) by the shipped kind "
                "heads, on messages labelled blind by writers the heads were not trained on",
    fast_subset="the whole dev split (writer K3); --split test reads writer K4",
    run=run,
    lower_is_better=("answers_taken_for_other_kinds", "*.answers_taken_for_other_kinds"),
)
