"""Sessions in PostgreSQL, shared by several app processes: LangGraph's Postgres checkpointer plus
a table of ours in the same database.

A turn holds its session's lock: a transaction-scoped advisory lock on the session id
(``pg_advisory_xact_lock``), taken on a connection of its own and kept until the turn's state is
saved and its row updated in that transaction. Every process that uses the database waits for
it, and the server releases it if the holder dies. The checkpointer has a pool of its own, so a
turn holding a lock never waits for a connection that another lock holder keeps.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import Connection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.interview.backends import SessionStoreError, Table, redact, strict_serde

LOCKS = 0x5A_0D17  # first key of our advisory locks: the second is hashtext(session id)
_SETUP = (LOCKS + 1, 0)  # one process at a time creates the tables
POOL_SIZE = 16  # turns of different sessions at once, per process
SETUP_WAIT = 120.0  # seconds a starting process waits for another one to create the tables
_TABLE = """CREATE TABLE IF NOT EXISTS social_audit_sessions (
    id TEXT PRIMARY KEY, created DOUBLE PRECISION NOT NULL, updated DOUBLE PRECISION NOT NULL,
    lang TEXT, done BOOLEAN)"""
_NOW = "extract(epoch from clock_timestamp())"
_UPSERT = ("INSERT INTO social_audit_sessions (id, created, updated, lang, done) "
           f"VALUES (%s, {_NOW}, {_NOW}, %s, %s) "
           "ON CONFLICT (id) DO UPDATE SET updated = excluded.updated, lang = excluded.lang, "
           "done = excluded.done")
_CONNECTION: dict[str, Any] = {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row}


def _pool(url: str, size: int, name: str, check: bool) -> ConnectionPool[Connection[DictRow]]:
    """Connections to ``url``; with ``check``, each is tested as it is handed out (one round trip),
    so a server restart costs no turn."""
    return ConnectionPool(url, min_size=1, max_size=size, kwargs=_CONNECTION, open=True, name=name,
                          connection_class=Connection[DictRow],
                          check=ConnectionPool.check_connection if check else None)


def _one(cursor: psycopg.Cursor[DictRow]) -> Any:
    row = cursor.fetchone()
    return next(iter(row.values())) if row else None


class _Rows:
    """The table inside a turn's transaction (the one holding the session's lock)."""

    def __init__(self, conn: Connection[DictRow], saver: Any) -> None:
        self._conn, self._saver = conn, saver

    def record(self, session_id: str, lang: str, done: bool) -> None:
        self._conn.execute(_UPSERT, (session_id, lang, done))

    def forget(self, session_id: str) -> None:
        self._saver.delete_thread(session_id)  # checkpoints, their blobs and pending writes
        self._conn.execute("DELETE FROM social_audit_sessions WHERE id = %s", (session_id,))


class PostgresBackend:
    name = "postgresql"
    path: Path | None = None

    def __init__(self, url: str, pool_size: int = POOL_SIZE) -> None:
        from langgraph.checkpoint.postgres import PostgresSaver

        self.where = redact(url)
        try:
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.Error as err:
            reason = " ".join(str(err).split()) or type(err).__name__
            raise SessionStoreError(f"cannot reach the sessions database {self.where}: {reason}; check "
                                    "SOCIAL_AUDIT_SESSIONS and that the server is running") from err
        self._pool = _pool(url, pool_size, "social-audit-sessions", check=True)  # once per turn
        self._saver_pool = _pool(url, 1, "social-audit-checkpoints", check=False)  # several per turn
        self.saver = PostgresSaver(self._saver_pool, serde=strict_serde())
        try:
            self._setup()
        except SessionStoreError:
            self.close()
            raise

    def _setup(self) -> None:
        """The tables, created by one process at a time (concurrent CREATEs clash). The others
        poll for the lock rather than wait in a statement: LangGraph's migrations include CREATE
        INDEX CONCURRENTLY, which waits for every statement in progress, so a waiting statement
        would deadlock with the process that holds the lock."""
        with self.guard(), self._pool.connection() as conn:
            deadline = time.monotonic() + SETUP_WAIT
            while not _one(conn.execute("SELECT pg_try_advisory_lock(%s, %s) AS ok", _SETUP)):
                if time.monotonic() > deadline:
                    raise SessionStoreError(f"another process has been setting up the sessions tables "
                                            f"in {self.where} for {SETUP_WAIT:.0f} s; check its activity")
                time.sleep(0.05)
            try:
                self.saver.setup()
                conn.execute(_TABLE)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s, %s)", _SETUP)

    @contextmanager
    def exclusive(self, session_id: str) -> Iterator[Table]:
        with self.guard(), self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (LOCKS, session_id))
            yield _Rows(conn, self.saver)

    @contextmanager
    def guard(self) -> Iterator[None]:
        try:
            yield
        except (psycopg.Error, PoolTimeout) as err:
            reason = " ".join(str(err).split())[:300] or type(err).__name__
            raise SessionStoreError(f"the sessions database {self.where} failed: {reason}; check that the "
                                    "server is running and SOCIAL_AUDIT_SESSIONS, then try again") from err

    def ids(self) -> list[str]:
        with self.guard(), self._pool.connection() as conn:
            rows = conn.execute("SELECT id FROM social_audit_sessions ORDER BY updated DESC, id").fetchall()
        return [row["id"] for row in rows]

    def close(self) -> None:
        self._pool.close()
        self._saver_pool.close()
