"""Owner personas for the conversations suite (``evals/conversations/personas/<lang>/*.yaml``).

Each persona is a business in a few sentences, the owner's answers to interview questions as
typed in a chat (one per question id, with the profile fields each states: its gold), how this
owner says "not sure" and confirms a summary, the findings an audit must make and the advice
that would be wrong. The writers saw the profile schema (``docs/profile-schema.md``), the
articles and the issue, never the parsers; a second writer reviewed each file.

Personas are split per language into tune / dev / test by a hash of their id (4 / 4 / 4 of 12):
choices are made on tune and dev; test is read once, after them. ``conversations/holdout/`` holds a
later test set written blind the same way (3 a language), the ``holdout`` split: read once, for a
reader whose choices were all made after the test split had been read; ``conversations/holdout2/``
a third (3 a language, 6 December, second session), read once after the holdout split had been;
``conversations/holdout3/`` a fourth (read once, third session), ``conversations/holdout4/`` a
fifth (read once, fifth session), ``conversations/holdout5/`` a sixth, written and reviewed blind
after holdout4 was read, and ``conversations/holdout6/`` a seventh (written and reviewed blind in the
sixth session, ids ``<lang>_n<k>_…``), kept for the measurement after holdout5's, and
``conversations/holdout7/`` an eighth (written and reviewed blind in the seventh session, ids
``<lang>_p<k>_…``), ``conversations/holdout8/`` a ninth (written and reviewed blind in the eighth
session, ids ``<lang>_q<k>_…``; the writers' notes and the reviews beside them) and
``conversations/holdout9/`` a tenth (written by seven writers, one a language, and reviewed by four,
blind, in the ninth session: 4 a language, ids ``<lang>_r<k>_…``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError
from bot.interview.policy import load as load_policy
from bot.profile import Profile, kind_of
from evals.personas import value_from_yaml

FOLDER = Path(__file__).resolve().parent / "conversations" / "personas"
HASHED = ("tune", "dev", "test")  # the splits of FOLDER, dealt by hash
# later test sets, each in its own folder beside FOLDER
HELD_OUT = ("holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7",
            "holdout8", "holdout9")
SPLITS = (*HASHED, *HELD_OUT)
# Held-out sets read once each (figures in docs/reading.md), since then clause-level training statements
# (bot/data/reading/statements/*.HO*.jsonl): no longer a measure of the reader on unseen wording.
RETIRED = ("holdout", "holdout2", "holdout3", "holdout4", "holdout5")
# Free text the suite does not score: who buys and what results a channel gives.
UNSCORED = frozenset({"sales.buyers", "resources.skills"})


@dataclass(frozen=True)
class Answer:
    topic: str  # the question id this message answers
    text: str
    says: tuple[tuple[str, Any], ...]  # (path, gold value), values typed as the profile stores them


@dataclass(frozen=True)
class Conversation:
    id: str
    lang: str
    kind: str
    situation: str
    answers: tuple[Answer, ...]
    not_sure: str
    confirm: str
    expect_findings: dict[str, str]
    forbid_rules: tuple[str, ...]
    split: str = ""

    def gold(self, answers: Iterable[Answer] | None = None) -> dict[str, Any]:
        """The profile the given answers (all by default) state: sets joined, later values win."""
        out: dict[str, Any] = {}
        for answer in self.answers if answers is None else answers:
            for path, value in answer.says:
                if isinstance(value, frozenset) and isinstance(out.get(path), frozenset):
                    value = out[path] | value
                out[path] = value
        return out

    def gold_profile(self) -> Profile:
        """The profile all the answers state, each value with the owner's message that stated it
        (the last one, for a value several state), as the interview would record it."""
        words: dict[str, str] = {}
        for answer in self.answers:
            words |= {path: answer.text for path, _ in answer.says}
        profile = Profile()
        for path, value in self.gold().items():
            profile = profile.with_answer(path, value, "answered", words[path])
        return profile


def _value(path: str, raw: Any, where: str) -> Any:
    try:
        kind_of(path)
        value = value_from_yaml(raw)
        if kind_of(path).name in ("set", "tags") and isinstance(value, list):
            value = frozenset(value)
        Profile().with_answer(path, value)
        if kind_of(path).name == "count" and isinstance(value, float) and value.is_integer():
            value = int(value)
        return value
    except (ValueError, TypeError, KeyError) as err:
        raise ConfigError(f"{where}: {path}: {err}") from err


def load_conversation(path: Path) -> Conversation:
    where = str(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = {q.id for q in load_policy().questions}
    answers = []
    for i, raw in enumerate(data.get("answers") or ()):
        topic = raw.get("topic")
        if topic not in questions:
            raise ConfigError(f"{where}: answer {i + 1}: unknown topic {topic!r}; choose one of: "
                              f"{', '.join(sorted(questions))}")
        gold = (raw.get("says") or {}).items()
        says = tuple((p, _value(p, v, f"{where}: answer {i + 1}")) for p, v in gold)
        answers.append(Answer(topic, str(raw["text"]), says))
    if not answers:
        raise ConfigError(f"{where}: a persona needs answers")
    expect, forbid = data.get("expect") or {}, data.get("forbid") or {}
    return Conversation(
        id=path.stem, lang=str(data["lang"]), kind=str(data.get("kind", "")),
        situation=str(data.get("situation", "")).strip(), answers=tuple(answers),
        not_sure=str(data.get("not_sure") or "not sure"), confirm=str(data.get("confirm") or "yes"),
        expect_findings=dict(expect.get("findings") or {}),
        forbid_rules=tuple(forbid.get("rules") or ()))


def balanced_splits(conversations: list[Conversation]) -> list[Conversation]:
    """Per language, rank by the id's hash and deal tune/dev/test in thirds, so each language has
    as many of each as it can."""
    out = []
    for lang in sorted({c.lang for c in conversations}):
        group = sorted((c for c in conversations if c.lang == lang),
                       key=lambda c: hashlib.sha256(c.id.encode()).hexdigest())
        third = len(group) / 3
        out += [replace(c, split=HASHED[min(2, int(i // third))]) for i, c in enumerate(group)]
    return sorted(out, key=lambda c: c.id)


def load_conversations(folder: Path = FOLDER, splits: Iterable[str] = SPLITS) -> list[Conversation]:
    chosen = set(splits)
    unknown = chosen - set(SPLITS)
    if unknown:
        raise ConfigError(f"unknown split {', '.join(sorted(unknown))}; choose among: {', '.join(SPLITS)}")
    every = balanced_splits([load_conversation(p) for p in sorted(folder.glob("*/*.yaml"))])
    for split in (s for s in HELD_OUT if s in chosen):
        files = sorted((folder.parent / split).glob("*/*.yaml"))
        every += [replace(load_conversation(p), split=split) for p in files]
    return [c for c in every if c.split in chosen]
