"""The question policy: which question to ask next, as a pure function of the profile.

Questions, their order, conditions and texts are data (``bot/data/interview.yaml``). A question
is asked at most once, only while its condition holds and a path it fills is still missing
(``Profile.missing``: never answered, or contradicted), and never after ``max_questions``.
Answers that settle a path in passing (a user who says everything at once) remove its question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot import datafiles
from bot.conditions import Cond, ConditionError, check, evaluate, parse
from bot.interview.messages import fill, join, option, pick
from bot.profile import CHANNELS, SETTLED, Profile, kind_of

SOCIAL = ("facebook", "instagram", "linkedin", "twitter", "tiktok", "youtube", "snapchat", "pinterest")
CHANNEL_FILLS = {"channel_frequency": "frequency", "channel_purposes": "purposes"}


def _value(profile: Profile, path: str) -> Any:
    leaf = profile.get(path)
    return leaf.value if leaf.status in SETTLED else None


def social_in_use(profile: Profile) -> tuple[str, ...]:
    """The social platforms the profile says are in use, in ``CHANNELS`` order."""
    used = _value(profile, "channels.used") or frozenset()
    return tuple(c for c in CHANNELS if c in used and c in SOCIAL)


@dataclass(frozen=True)
class Anchor:
    source: str
    quote: str


@dataclass(frozen=True)
class Question:
    id: str
    fills_spec: tuple[str, ...]
    also_spec: tuple[str, ...]
    when: Cond | None  # None: always
    anchor: Anchor
    text: Mapping[str, str]
    why: Mapping[str, str]
    topic: Mapping[str, str]
    quick: Mapping[str, tuple[str, ...]]

    def applies(self, profile: Profile) -> bool:
        """Whether its condition holds; a condition that cannot be judged yet does not."""
        return self.when is None or evaluate(self.when, profile.get).value is True

    def fills(self, profile: Profile) -> tuple[str, ...]:
        """The profile paths this question asks for (per-channel ones for the channels in use)."""
        return _expand(self.fills_spec, profile)

    def also(self, profile: Profile) -> tuple[str, ...]:
        """Paths its answer is read for without cue words, beyond ``fills``."""
        return _expand(self.also_spec, profile)

    def quick_replies(self, lang: str) -> tuple[str, ...]:
        return self.quick.get(lang) or self.quick["en"]

    def ask(self, profile: Profile, lang: str) -> str:
        """The question in ``lang``; ``{channels}`` names the channels it still asks about."""
        names = self._open_channels(profile) or list(social_in_use(profile))
        channels = join([option("channels", c, lang) for c in names], lang)
        return fill(pick(self.text, lang), {"channels": channels} if names else {})

    def _open_channels(self, profile: Profile) -> list[str]:
        if not any(spec in CHANNEL_FILLS for spec in self.fills_spec):
            return []
        open_paths = set(profile.missing(self.fills(profile)))
        return [c for c in social_in_use(profile) if any(p.startswith(f"channels.{c}.") for p in open_paths)]


def _expand(specs: tuple[str, ...], profile: Profile) -> tuple[str, ...]:
    out: list[str] = []
    for spec in specs:
        if spec in CHANNEL_FILLS:
            out += [f"channels.{c}.{CHANNEL_FILLS[spec]}" for c in social_in_use(profile)]
        else:
            out.append(spec)
    return tuple(out)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnchorSpec(_Strict):
    source: str
    quote: str


class QuestionSpec(_Strict):
    id: str
    fills: tuple[str, ...] = Field(min_length=1)
    also: tuple[str, ...] = ()
    when: dict[str, Any] | None = None  # a condition (bot/conditions.py); none: always
    anchor: AnchorSpec
    topic: dict[str, str]
    text: dict[str, str]
    why: dict[str, str]
    quick: dict[str, tuple[str, ...]]

    @field_validator("when")
    @classmethod
    def _condition(cls, when: dict[str, Any] | None) -> dict[str, Any] | None:
        if when is not None:
            try:
                check(parse(when), kind_of)
            except ConditionError as err:
                raise ValueError(str(err)) from err
        return when


class InterviewFile(_Strict):
    """``bot/data/interview.yaml``: the questions in order, and the interview's limits."""

    max_questions: int = Field(ge=1)
    max_turns: int = Field(default=11, ge=1)
    questions: tuple[QuestionSpec, ...] = Field(min_length=1)


def _question(spec: QuestionSpec) -> Question:
    return Question(
        id=spec.id, fills_spec=spec.fills, also_spec=spec.also,
        when=None if spec.when is None else parse(spec.when),
        anchor=Anchor(spec.anchor.source, spec.anchor.quote), text=spec.text, why=spec.why,
        topic=spec.topic, quick=spec.quick)


@dataclass(frozen=True)
class Policy:
    questions: tuple[Question, ...]
    max_questions: int
    max_turns: int = 11  # no new question after this many user turns: the summary and audit follow

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"no interview question {question_id!r}")

    def next_question(self, profile: Profile, asked: tuple[str, ...], turns: int = 0) -> Question | None:
        """The first question still worth asking, or None when the interview is complete (or
        has used its ``max_turns`` user turns)."""
        if len(asked) >= self.max_questions or turns >= self.max_turns:
            return None
        for q in self.questions:
            if q.id not in asked and q.applies(profile) and profile.missing(q.fills(profile)):
                return q
        return None

    def relevant_paths(self, profile: Profile) -> tuple[str, ...]:
        """Every path some applicable question asks for: what a complete profile has settled."""
        out: list[str] = []
        for q in self.questions:
            if q.applies(profile):
                out += [p for p in q.fills(profile) if p not in out]
        return tuple(out)

    def unasked(self, profile: Profile, asked: tuple[str, ...]) -> tuple[Question, ...]:
        """Questions that still apply but were never asked (the cap stopped them)."""
        return tuple(q for q in self.questions
                     if q.id not in asked and q.applies(profile) and profile.missing(q.fills(profile)))


@datafiles.cached
def load() -> Policy:
    """The question policy of ``bot/data/interview.yaml`` (or of its override: ``bot.datafiles``)."""
    spec = datafiles.load("interview.yaml", InterviewFile)
    return Policy(tuple(_question(q) for q in spec.questions), spec.max_questions, spec.max_turns)
