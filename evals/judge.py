"""The optional LLM judge: how faithful an audit's narrative is to the passages it cites.

Only when an LLM is configured (``SOCIAL_AUDIT_LLM``). The chat model gets the narrative's
sentences, numbered, and the passages they cite (quote and English gloss), and answers with
structured output (:class:`Judgement`): one verdict per sentence. The score is the share of
sentences supported, computed by the pure :func:`score`. A score that cannot be computed (no
narrative, the model failed, a verdict missing, repeated or out of range) is ``None`` and counts
as a failure, never as NaN. The brief is data: ``evals/judge.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from bot.audit import Audit
from bot.citations import Citation, sentences
from bot.interview.messages import fill

PROMPT = Path(__file__).resolve().parent / "judge.yaml"
_MARKER = re.compile(r"\[(\d+)\]")


class SentenceVerdict(BaseModel):
    sentence: int = Field(description="the sentence's number, from 1")
    supported: bool = Field(description="true only if its cited passages support every claim of it")
    reason: str = Field(default="", description="one short clause: what is or is not supported")


class Judgement(BaseModel):
    """One verdict per numbered sentence of the narrative."""

    verdicts: list[SentenceVerdict]


@dataclass(frozen=True)
class Judged:
    score: float | None  # share of sentences supported; None: could not be computed
    sentences: int = 0
    unsupported: tuple[int, ...] = ()
    why: str = ""  # why the score could not be computed

    @property
    def passed(self) -> bool:
        return self.score is not None

    def describe(self) -> str:
        return "n/a" if self.score is None else f"{self.score:.2f}"

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score, "sentences": self.sentences,
                "unsupported": list(self.unsupported), "why": self.why}


def score(verdicts: Sequence[SentenceVerdict], count: int) -> Judged:
    """The share of the ``count`` sentences judged supported; None unless every sentence 1..count
    has exactly one verdict."""
    if count <= 0:
        return Judged(None, 0, (), "no sentence to judge")
    numbers = [v.sentence for v in verdicts]
    if sorted(numbers) != list(range(1, count + 1)):
        return Judged(None, count, (), f"the judge gave verdicts for sentences {numbers}, "
                                       f"expected 1..{count} once each")
    unsupported = tuple(sorted(v.sentence for v in verdicts if not v.supported))
    return Judged((count - len(unsupported)) / count, count, unsupported)


@lru_cache(maxsize=1)
def _prompt() -> dict[str, str]:
    data: dict[str, str] = yaml.safe_load(PROMPT.read_text(encoding="utf-8"))
    return data


def messages(narrative: str, citations: Sequence[Citation]) -> list[tuple[str, str]]:
    """The judge's prompt: the numbered sentences, and every passage the narrative cites."""
    parts = sentences(narrative)
    cited = sorted({int(n) for n in _MARKER.findall(narrative)})
    passages = [f"[{n}] {citations[n - 1].quote} (English: {citations[n - 1].gloss or '-'})"
                for n in cited if 1 <= n <= len(citations)]
    prompt = _prompt()
    user = fill(prompt["user"], {"sentences": "\n".join(f"{i}. {s}" for i, s in enumerate(parts, 1)),
                                 "passages": "\n".join(passages) or "-"})
    return [("system", fill(prompt["system"], {})), ("human", user)]


def judge(llm: Any, audit: Audit) -> Judged:
    """The judge's score of ``audit``'s narrative (built with ``llm``)."""
    if not audit.narrative:
        return Judged(None, 0, (), "no narrative to judge: nothing the model wrote survived the "
                                   "post-check, or the model failed")
    count = len(sentences(audit.narrative))
    try:
        result = llm.with_structured_output(Judgement).invoke(messages(audit.narrative, audit.citations))
        judgement = result if isinstance(result, Judgement) else Judgement.model_validate(result)
    except Exception as err:  # noqa: BLE001 - any failure of the judge is an unscored narrative
        return Judged(None, count, (), f"the judge failed: {type(err).__name__}: "
                                       f"{' '.join(str(err).split())[:200]}")
    return score(judgement.verdicts, count)
