"""Persisted interview sessions: the effectful edge around the pure engine.

Each session is a LangGraph thread, persisted by the checkpointer of the configured backend
(``bot.interview.backends``): SQLite in ``settings.home / "sessions.sqlite"`` by default, or
PostgreSQL shared by several app processes (``SOCIAL_AUDIT_SESSIONS=postgresql://…``), so a
session resumes after a restart and in any process. A small table of our own lists the sessions.
Safe from many threads and processes: a turn loads, steps and saves its session under a lock
that holds across both (a thread lock per session, then the backend's lock), so turns of one
session never interleave and none is lost.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.interview import engine, graph
from bot.interview.backend_sqlite import connect
from bot.interview.backends import Backend, Table, open_backend
from bot.interview.errors import SessionIdError, SessionNotFound
from bot.interview.state import Context, InterviewState, Reply

__all__ = ["DURABILITY", "Sessions", "connect", "run_script"]

DURABILITY = "exit"  # LangGraph writes the checkpoint once, when the turn's run ends
MAX_ID = 256
STRIPES = 256  # thread locks, each shared by the sessions whose ids hash to it: bounded memory


def valid_id(session_id: str) -> bool:
    """Whether every backend can store ``session_id`` (PostgreSQL text refuses NUL, for one)."""
    return isinstance(session_id, str) and 0 < len(session_id) <= MAX_ID and session_id.isprintable()


def _known(session_id: str) -> str:
    """``session_id``, or SessionNotFound for an id that no session can have."""
    if not valid_id(session_id):
        shown = str(session_id)
        raise SessionNotFound(shown if len(shown) <= 40 else shown[:40] + "…")
    return session_id


class Sessions:
    """Interview sessions by id: start, send a message, read, edit, switch language, delete.

    The backend is ``settings.sessions_url``'s (SQLite by default); ``path`` forces a SQLite file."""

    def __init__(self, settings: Settings, ctx: Context, path: Path | None = None) -> None:
        self.backend: Backend = open_backend(settings, path)
        self.path = self.backend.path
        self.ctx = ctx
        self._graph = graph.build(ctx, self.backend.saver)
        self._locks = [threading.Lock() for _ in range(STRIPES)]

    # -- plumbing ----------------------------------------------------------------------------

    @staticmethod
    def _config(session_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": session_id}}

    @contextmanager
    def _session(self, session_id: str) -> Iterator[Table]:
        """The session to oneself: other threads here wait on a thread lock, other processes
        on the backend's lock (which also excludes threads: the thread lock only spares the
        database the waiting)."""
        lock = self._locks[hash(_known(session_id)) % STRIPES]
        with lock, self.backend.exclusive(session_id) as table:
            yield table

    def _values(self, session_id: str) -> dict[str, Any]:
        with self.backend.guard():
            values: dict[str, Any] = self._graph.get_state(self._config(_known(session_id))).values or {}
        if not values.get("session"):
            raise SessionNotFound(session_id)
        return values

    def _run(self, session_id: str, values: dict[str, Any], table: Table) -> Reply:
        out = self._graph.invoke(values, self._config(session_id), durability=DURABILITY)
        state = InterviewState.from_dict(out["session"])
        table.record(session_id, state.lang, state.done)
        return Reply.from_dict(out["reply"])

    def _save(self, session_id: str, state: InterviewState, reply: Reply | None, table: Table) -> None:
        update: dict[str, Any] = {"session": state.to_dict()}
        if reply is not None:
            update["reply"] = reply.to_dict()
        self._graph.update_state(self._config(session_id), update, as_node=graph.NODE)
        table.record(session_id, state.lang, state.done)

    # -- the interface -----------------------------------------------------------------------

    def start(self, session_id: str | None = None, lang: str | None = None) -> tuple[str, Reply]:
        """A new session (a fresh id unless one is given) and its first reply. An id that exists
        is resumed instead: its last reply is returned."""
        session_id = session_id or uuid.uuid4().hex
        if not valid_id(session_id):
            raise SessionIdError(session_id)
        with self._session(session_id) as table:
            values = self._graph.get_state(self._config(session_id)).values or {}
            if values.get("session"):
                return session_id, Reply.from_dict(values["reply"])
            return session_id, self._run(session_id, {"lang": lang, "message": None}, table)

    def send(self, session_id: str, message: str, max_chars: int | None = None) -> Reply:
        """One user turn: the bot's reply. A message longer than ``max_chars`` (default
        ``engine.MAX_READ``) is read by its start, and the reply says so."""
        with self._session(session_id) as table:
            self._values(session_id)
            return self._run(session_id, {"message": message, "max_chars": max_chars}, table)

    def state(self, session_id: str) -> InterviewState:
        return InterviewState.from_dict(self._values(session_id)["session"])

    def last_reply(self, session_id: str) -> Reply:
        return Reply.from_dict(self._values(session_id)["reply"])

    def set_lang(self, session_id: str, lang: str) -> Reply | None:
        """Switch the session's language; the open question is asked again in it (None if done,
        or if ``lang`` is already the session's: then nothing is stored)."""
        with self._session(session_id) as table:
            before = self.state(session_id)
            state, reply = engine.set_lang(before, lang, self.ctx)
            if state != before:
                self._save(session_id, state, reply, table)
            return reply

    def edit(self, session_id: str, path: str, raw_answer: str) -> InterviewState:
        """The user edits one profile field, written as they would answer ("5 hours a week")."""
        with self._session(session_id) as table:
            state = engine.edit(self.state(session_id), path, raw_answer, self.ctx)
            self._save(session_id, state, _last_reply(state), table)
            return state

    def delete(self, session_id: str) -> None:
        """Delete everything stored about the session: every checkpoint of its conversation
        (transcript, profile), pending writes, and its row in the table of sessions."""
        with self._session(session_id) as table:
            self._values(session_id)
            table.forget(session_id)

    def list(self) -> list[str]:
        """Session ids, most recently used first."""
        return self.backend.ids()

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Sessions:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _last_reply(state: InterviewState) -> Reply | None:
    last = state.transcript[-1] if state.transcript else None
    if last is None or last.role != "bot":
        return None
    return Reply(last.text, last.lang, last.quick_replies, last.citations, last.question, state.done)


def run_script(messages: list[str], ctx: Context, lang: str | None = None) -> InterviewState:
    """A non-interactive interview: ``messages`` fed in order as the user's turns. A list shorter
    than the interview ends it early (the state says what is missing)."""
    state, _ = engine.start(lang, ctx)
    for message in messages:
        state, _ = engine.step(state, message, ctx)
    return state
