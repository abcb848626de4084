"""Where sessions are stored: one seam, a backend per kind of database, chosen by configuration.

``SOCIAL_AUDIT_SESSIONS`` (``Settings.sessions_url``) names the backend: empty or ``sqlite`` for
``<home>/sessions.sqlite``, ``sqlite:///path/file.sqlite`` for another file, and
``postgresql://user:password@host:5432/db`` for a PostgreSQL server shared by several app
processes. A backend gives the LangGraph checkpointer, a lock per session that holds across
processes (one turn of a session at a time, wherever it runs), the table of sessions, and
deletion of everything stored about a session. Nothing is imported or connected until
``open_backend`` is called.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from bot.config import Settings
from bot.errors import SocialAuditError, UnknownNameError

DEFAULT_FILE = "sessions.sqlite"


class SessionStoreError(SocialAuditError):
    """The sessions database cannot be reached or used."""


class UnknownBackendError(UnknownNameError):
    def __init__(self, name: str) -> None:
        super().__init__("sessions backend", name, ["sqlite", "postgresql"])
        self.args = (f"{self.args[0]}; set SOCIAL_AUDIT_SESSIONS to e.g. "
                     "postgresql://user@127.0.0.1:5432/social_audit, or leave it empty for SQLite",)


class Table(Protocol):
    """The table of sessions, inside one session's lock."""

    def record(self, session_id: str, lang: str, done: bool) -> None:
        """Add the session, or mark it used now (its language and whether it is done)."""

    def forget(self, session_id: str) -> None:
        """Delete everything stored about the session: checkpoints, pending writes, its row."""


class Backend(Protocol):
    name: str  # the registry's name: "sqlite" or "postgresql"
    where: str  # the file or the server, for messages (never a password)
    path: Path | None  # the SQLite file; None for a server
    saver: Any  # the LangGraph checkpointer

    def exclusive(self, session_id: str) -> AbstractContextManager[Table]:
        """Hold the session's lock (across threads and processes) and give the table."""

    def guard(self) -> AbstractContextManager[None]:
        """Turn the database driver's errors inside the block into one-line SessionStoreErrors."""

    def ids(self) -> list[str]:
        """Session ids, most recently used first."""

    def close(self) -> None: ...


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def strict_serde() -> Any:
    """The checkpoint serializer restricted to plain data: a session's state is JSON, so a
    tampered database can never make the app build arbitrary objects."""
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    return JsonPlusSerializer(allowed_msgpack_modules=None)


def _sqlite(spec: str, settings: Settings) -> Backend:
    from bot.interview.backend_sqlite import SqliteBackend

    rest = spec.partition("://")[2] if "://" in spec else ""
    return SqliteBackend(Path(rest).expanduser() if rest else settings.home / DEFAULT_FILE)


def _postgres(spec: str, settings: Settings) -> Backend:
    try:
        from bot.interview.backend_postgres import PostgresBackend
    except ImportError as err:
        raise SessionStoreError(
            f"sessions in PostgreSQL need the postgres extra ({err.name} is missing): "
            "pip install 'social-audit[postgres]'") from err
    return PostgresBackend(spec)


BACKENDS: dict[str, Callable[[str, Settings], Backend]] = {
    "sqlite": _sqlite, "postgresql": _postgres, "postgres": _postgres}


def backend_name(spec: str | None) -> str:
    """The registry name in a sessions URL: its scheme (``sqlite`` when empty)."""
    spec = (spec or "").strip()
    if not spec:
        return "sqlite"
    return (spec.split("://", 1)[0] if "://" in spec else spec).lower()


def open_backend(settings: Settings, path: Path | None = None) -> Backend:
    """The backend ``settings.sessions_url`` names; an explicit ``path`` means that SQLite file."""
    if path is not None:
        from bot.interview.backend_sqlite import SqliteBackend

        return SqliteBackend(path)
    spec = (settings.sessions_url or "").strip()
    name = backend_name(spec)
    factory = BACKENDS.get(name)
    if factory is None:
        raise UnknownBackendError(name)
    return factory(spec, settings)
