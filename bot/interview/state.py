"""The interview's data: turns, the state of one session, the bot's reply, and what a step may use.

All frozen; ``InterviewState.to_dict``/``from_dict`` and ``Reply.to_dict``/``from_dict`` round-trip
through plain JSON, so a session survives a restart (the graph's checkpointer stores the dict).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from bot.citations import Citation
from bot.profile import SCHEMA_VERSION, Profile
from bot.types import Chunk, Hit

STATE_VERSION = 1


class Searcher(Protocol):
    """What the interview needs of a retriever (``bot.retrieval.retrieve.Retriever`` is one)."""

    def search(self, query: str, k: int = 5) -> list[Hit]: ...

    def chunks(self) -> list[Chunk]: ...

    def chunk(self, chunk_id: str) -> Chunk | None: ...


@dataclass(frozen=True)
class Context:
    """What a step may use besides the state: the knowledge base (None: side questions get a
    polite "no knowledge base loaded") and the optional chat model (None in the default mode)."""

    retriever: Searcher | None = None
    llm: Any | None = None
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "bot"]
    text: str
    lang: str
    question: str | None = None
    citations: tuple[Citation, ...] = ()
    quick_replies: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "text": self.text, "lang": self.lang, "question": self.question,
                "citations": [c.to_json() for c in self.citations],
                "quick_replies": list(self.quick_replies)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Turn:
        role = d["role"]
        if role not in ("user", "bot"):
            raise ValueError(f"a turn's role is user or bot, not {role!r}")
        return cls(role, d["text"], d["lang"], d.get("question"),
                   tuple(Citation.from_json(c) for c in d.get("citations") or ()),
                   tuple(d.get("quick_replies") or ()))


@dataclass(frozen=True)
class Reply:
    text: str
    lang: str
    quick_replies: tuple[str, ...]
    citations: tuple[Citation, ...]
    question: str | None
    done: bool

    def turn(self) -> Turn:
        return Turn("bot", self.text, self.lang, self.question, self.citations, self.quick_replies)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "lang": self.lang, "quick_replies": list(self.quick_replies),
                "citations": [c.to_json() for c in self.citations], "question": self.question,
                "done": self.done}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Reply:
        return cls(d["text"], d["lang"], tuple(d.get("quick_replies") or ()),
                   tuple(Citation.from_json(c) for c in d.get("citations") or ()), d.get("question"),
                   bool(d.get("done")))


def encode_value(path: str, value: Any) -> Any:
    """A leaf value as the profile's JSON stores it."""
    return Profile().with_answer(path, value).to_dict()["fields"][path]["value"]


def decode_value(path: str, raw: Any) -> Any:
    fields = {path: {"value": raw, "status": "answered"}}
    return Profile.from_dict({"version": SCHEMA_VERSION, "fields": fields}).get(path).value


@dataclass(frozen=True)
class Conflict:
    """A new answer that disagrees with a settled one: the profile keeps the old value (status
    contradicted) until the user says which is right."""

    path: str
    new: Any
    source: str
    tries: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "new": encode_value(self.path, self.new), "source": self.source,
                "tries": self.tries}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Conflict:
        return cls(d["path"], decode_value(d["path"], d["new"]), d["source"], int(d.get("tries", 0)))


@dataclass(frozen=True)
class Check:
    """A reading the bot is unsure of, asked back before it is noted: one value ("Do you mean
    that …?", answered yes or no) or several (which of these fits?). ``source`` is the owner's
    message it came from."""

    path: str
    options: tuple[Any, ...]
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "options": [encode_value(self.path, v) for v in self.options],
                "source": self.source}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Check:
        return cls(d["path"], tuple(decode_value(d["path"], v) for v in d["options"]), d["source"])


@dataclass(frozen=True)
class InterviewState:
    """Everything about one session."""

    profile: Profile
    transcript: tuple[Turn, ...]
    lang: str
    asked: tuple[str, ...]
    pending: str | None
    done: bool
    conflict: Conflict | None = None
    retries: int = 0  # times the pending question was asked again for want of a readable answer
    summary: int = 0  # times "here is what I understood" was shown (0: not yet; the audit follows it)
    check: Check | None = None  # a reading asked back, waiting for the owner's yes, no or choice
    confirm: str | None = None  # "restart" or "audit": asked "are you sure?", waiting for a yes

    def with_turn(self, turn: Turn) -> InterviewState:
        return replace(self, transcript=(*self.transcript, turn))

    def to_dict(self) -> dict[str, Any]:
        return {"version": STATE_VERSION, "profile": self.profile.to_dict(),
                "transcript": [t.to_dict() for t in self.transcript], "lang": self.lang,
                "asked": list(self.asked), "pending": self.pending, "done": self.done,
                "conflict": self.conflict.to_dict() if self.conflict else None,
                "retries": self.retries, "summary": self.summary,
                "check": self.check.to_dict() if self.check else None, "confirm": self.confirm}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> InterviewState:
        if d.get("version") != STATE_VERSION:
            raise ValueError(f"interview state version {d.get('version')!r} is not {STATE_VERSION}")
        conflict, check = d.get("conflict"), d.get("check")
        return cls(profile=Profile.from_dict(d["profile"]),
                   transcript=tuple(Turn.from_dict(t) for t in d.get("transcript") or ()),
                   lang=d["lang"], asked=tuple(d.get("asked") or ()), pending=d.get("pending"),
                   done=bool(d.get("done")), conflict=Conflict.from_dict(conflict) if conflict else None,
                   retries=int(d.get("retries", 0)), summary=int(d.get("summary", 0)),
                check=Check.from_dict(check) if check else None, confirm=d.get("confirm"))
