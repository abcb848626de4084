"""Sessions in one SQLite file (the default): LangGraph's SQLite checkpointer plus a table of ours.

Several processes may share the file. A turn holds its session's lock: an exclusive ``flock`` on
one of ``STRIPES`` small files in ``<file>.locks/`` (picked by a hash of the session id, so two
sessions rarely wait for each other), which excludes other threads and other processes alike
and is released by the kernel if the process dies. Deleted rows are overwritten
(``secure_delete``) and the write-ahead log is emptied after a deletion, so a deleted session's
text is gone from the files on disk.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.interview.backends import SessionStoreError, Table, strict_serde

log = logging.getLogger(__name__)

STRIPES = 64
_TABLE = """CREATE TABLE IF NOT EXISTS social_audit_sessions (
    id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL, lang TEXT, done INTEGER)"""
_UPSERT = ("INSERT INTO social_audit_sessions (id, created, updated, lang, done) VALUES (?, ?, ?, ?, ?) "
           "ON CONFLICT(id) DO UPDATE SET updated = excluded.updated, lang = excluded.lang, "
           "done = excluded.done")


def connect(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode with commits that do not wait for the disk (a crash loses at most
    the last turns, never the file's integrity), deleted content overwritten with zeros;
    shareable across threads (callers guard it with a lock)."""
    try:
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA secure_delete=ON")
    except sqlite3.DatabaseError as err:
        raise SessionStoreError(f"cannot open the sessions file {path}: {err}; move it aside to start "
                                "with no sessions, or point SOCIAL_AUDIT_SESSIONS elsewhere") from err
    return conn


@contextmanager
def _flock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` for the block (POSIX; elsewhere the in-process lock of
    ``Sessions`` is all there is)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class SqliteBackend:
    name = "sqlite"

    def __init__(self, path: Path) -> None:
        from langgraph.checkpoint.sqlite import SqliteSaver

        self.path: Path | None = path
        self.where = str(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._locks = path.with_name(path.name + ".locks")
        self._locks.mkdir(exist_ok=True)
        # check_same_thread=False is safe: SqliteSaver guards its connection with its own lock,
        # and our table has a connection and a lock of its own.
        self.saver = SqliteSaver(connect(path), serde=strict_serde())
        self._db = connect(path)
        self._db_lock = threading.Lock()
        try:
            self.saver.setup()
            with self._db_lock, self._db:
                self._db.execute(_TABLE)
        except sqlite3.DatabaseError as err:
            self.close()
            raise SessionStoreError(f"the sessions file {path} is damaged ({err}); move it aside to "
                                    "start with no sessions") from err

    def _stripe(self, session_id: str) -> Path:
        digest = hashlib.blake2b(session_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        return self._locks / f"{int.from_bytes(digest, 'big') % STRIPES:02x}"

    @contextmanager
    def exclusive(self, session_id: str) -> Iterator[Table]:
        with self.guard(), _flock(self._stripe(session_id)):
            yield self

    @contextmanager
    def guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as err:
            raise SessionStoreError(
                f"the sessions file {self.where} failed ({err}); if it is damaged, move it and its "
                "-wal and -shm files aside to start with no sessions") from err

    def record(self, session_id: str, lang: str, done: bool) -> None:
        now = time.time()
        with self._db_lock, self._db:
            self._db.execute(_UPSERT, (session_id, now, now, lang, int(done)))

    def forget(self, session_id: str) -> None:
        self.saver.delete_thread(session_id)
        with self._db_lock:
            with self._db:
                self._db.execute("DELETE FROM social_audit_sessions WHERE id = ?", (session_id,))
            # the deleted text may still be in the write-ahead log: copy it back and empty the log
            busy, _, _ = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            log.warning("sessions file %s: the write-ahead log could not be emptied now (readers "
                        "busy); the deleted session stays in it until the next checkpoint", self.path)

    def ids(self) -> list[str]:
        with self.guard(), self._db_lock:
            rows = self._db.execute(
                "SELECT id FROM social_audit_sessions ORDER BY updated DESC, id").fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        self.saver.conn.close()
        self._db.close()
