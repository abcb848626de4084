"""Session backends: chosen by configuration, with a one-line error for an unknown or unreachable
one; the same behaviour on SQLite and on a real PostgreSQL server (tests/pg.py): a session moves
between processes mid-interview, concurrent turns of one session are never lost, and deleting a
session removes every byte the user typed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.errors import SocialAuditError
from bot.interview import engine
from bot.interview.backends import BACKENDS, SessionStoreError, UnknownBackendError, backend_name, redact
from bot.interview.errors import SessionIdError, SessionNotFound
from bot.interview.sessions import Sessions
from bot.interview.state import Context
from tests.pg import free_port
from tests.test_interview_sessions import SCRIPT

# -- choosing a backend ----------------------------------------------------------------------


def test_sqlite_in_the_home_folder_is_the_default(settings: Settings) -> None:
    for url in (None, "", "sqlite", "SQLite"):
        sessions = Sessions(settings.model_copy(update={"sessions_url": url}), Context())
        assert sessions.backend.name == "sqlite" and sessions.path == settings.home / "sessions.sqlite"
        sessions.close()


def test_a_sqlite_url_names_the_file(settings: Settings, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "talks.db"
    with Sessions(settings.model_copy(update={"sessions_url": f"sqlite://{target}"}), Context()) as sessions:
        session_id, _ = sessions.start()
        assert sessions.path == target and target.exists() and sessions.list() == [session_id]
    assert not (settings.home / "sessions.sqlite").exists()


def test_the_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIAL_AUDIT_SESSIONS", "postgresql://app@db.internal:5432/social")
    assert Settings.from_env().sessions_url == "postgresql://app@db.internal:5432/social"
    monkeypatch.delenv("SOCIAL_AUDIT_SESSIONS")
    assert Settings.from_env().sessions_url is None
    assert BACKENDS[backend_name("postgres://x@y/z")] is BACKENDS[backend_name("postgresql://x@y/z")]


def test_an_unknown_backend_is_a_one_line_error(settings: Settings) -> None:
    with pytest.raises(UnknownBackendError) as err:
        Sessions(settings.model_copy(update={"sessions_url": "mysql://root@localhost/db"}), Context())
    message = str(err.value)
    assert isinstance(err.value, SocialAuditError) and "\n" not in message
    assert "unknown sessions backend 'mysql'" in message and "sqlite, postgresql" in message
    assert "SOCIAL_AUDIT_SESSIONS" in message


def test_an_unreachable_server_is_a_one_line_error_without_the_password(settings: Settings) -> None:
    url = f"postgresql://app:s3cret-pw@127.0.0.1:{free_port()}/social"
    with pytest.raises(SessionStoreError) as err:
        Sessions(settings.model_copy(update={"sessions_url": url}), Context())
    message = str(err.value)
    assert "\n" not in message and "s3cret-pw" not in message
    assert "app:***@127.0.0.1" in message and "SOCIAL_AUDIT_SESSIONS" in message


def test_redact() -> None:
    assert redact("postgresql://u:pw@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"


def test_importing_the_sessions_loads_no_database_driver() -> None:
    code = ("import sys, bot.interview.sessions, bot.interview.backends\n"
            "print(','.join(m for m in ('langgraph', 'psycopg', 'psycopg_pool') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# -- the same behaviour on both backends -----------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings that several Sessions objects (standing in for app processes) share."""
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    yield Settings(home=tmp_path / "home", sessions_url=url)


def _user_turns(sessions: Sessions, session_id: str) -> list[str]:
    return [t.text for t in sessions.state(session_id).transcript if t.role == "user"]


def _alternates(sessions: Sessions, session_id: str) -> bool:
    """Every user turn is followed by the bot's reply to it: no turn lost or interleaved."""
    roles = [t.role for t in sessions.state(session_id).transcript]
    return roles == ["bot"] + ["user", "bot"] * ((len(roles) - 1) // 2)


def test_a_session_moves_to_another_process_mid_interview(shared: Settings) -> None:
    one, two = Sessions(shared, Context()), Sessions(shared, Context())
    session_id, first = one.start(lang="sv")
    k = 4
    for message in SCRIPT[:k]:
        one.send(session_id, message)
    assert two.state(session_id).pending == one.state(session_id).pending
    for message in SCRIPT[k:]:
        reply = two.send(session_id, message)
    assert reply.done
    for sessions in (one, two):
        state = sessions.state(session_id)
        assert state.done and _user_turns(sessions, session_id) == SCRIPT
        assert len(state.transcript) == 1 + 2 * len(SCRIPT) and _alternates(sessions, session_id)
        assert state.transcript[0].text == first.text and sessions.list() == [session_id]
        assert sessions.last_reply(session_id) == reply
    one.close()
    two.close()


def test_two_objects_racing_on_one_session_lose_no_turn(shared: Settings) -> None:
    one, two = Sessions(shared, Context()), Sessions(shared, Context())
    session_id, _ = one.start(lang="en")
    messages = {n: [f"racing message {n}-{i}" for i in range(10)] for n in (1, 2)}
    barrier = threading.Barrier(2)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, to shake out races

    def run(sessions: Sessions, batch: list[str]) -> None:
        barrier.wait()
        for message in batch:
            sessions.send(session_id, message)

    try:
        threads = [threading.Thread(target=run, args=(s, messages[n])) for s, n in ((one, 1), (two, 2))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(previous)
    users = _user_turns(one, session_id)
    assert sorted(users) == sorted(messages[1] + messages[2]) and _alternates(one, session_id)
    for n in (1, 2):  # each sender's turns kept their order
        assert [u for u in users if u.startswith(f"racing message {n}-")] == messages[n]
    one.close()
    two.close()


_SENDER = """
import os, sys, time
from pathlib import Path
from bot.config import Settings
from bot.interview.sessions import Sessions
from bot.interview.state import Context
sessions = Sessions(Settings.from_env(), Context())
folder, session_id, tag, count = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
(folder / f"ready-{tag}").touch()
while not (folder / "go").exists():
    time.sleep(0.01)
for i in range(count):
    sessions.send(session_id, f"from process {tag} message {i}")
sessions.close()
"""


def test_two_processes_sending_to_one_session_lose_no_turn(shared: Settings, tmp_path: Path) -> None:
    first = Sessions(shared, Context())
    session_id, _ = first.start(lang="en")
    env = {**os.environ, "SOCIAL_AUDIT_HOME": str(shared.home),
           "SOCIAL_AUDIT_SESSIONS": shared.sessions_url or ""}
    count = 8
    procs = [subprocess.Popen([sys.executable, "-c", _SENDER, str(tmp_path), session_id, tag, str(count)],
                              env=env, stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    try:
        _wait_for(lambda: all((tmp_path / f"ready-{tag}").exists() for tag in "ab"), procs)
        (tmp_path / "go").touch()
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
    finally:
        for proc in procs:
            proc.kill()
    users = _user_turns(first, session_id)
    for tag in "ab":
        assert [u for u in users if u.startswith(f"from process {tag} ")] == \
            [f"from process {tag} message {i}" for i in range(count)]
    assert len(users) == 2 * count and _alternates(first, session_id)
    first.close()


def _wait_for(ready: Any, procs: list[subprocess.Popen[str]]) -> None:
    deadline = time.monotonic() + 120
    while not ready():
        for proc in procs:
            if proc.poll() is not None:
                raise AssertionError(f"a sender died: {proc.communicate()[1]}")
        assert time.monotonic() < deadline, "the senders never got ready"
        time.sleep(0.05)


def test_a_deleted_session_can_be_started_again_empty(shared: Settings) -> None:
    with Sessions(shared, Context()) as sessions:
        session_id, _ = sessions.start("customer-42", "en")
        sessions.send(session_id, "B2B")
        sessions.delete(session_id)
        with pytest.raises(SessionNotFound):
            sessions.send(session_id, "B2C")
        again, reply = sessions.start("customer-42", "da")
        assert again == "customer-42" and reply.lang == "da" and len(sessions.state(again).transcript) == 1


HOSTILE = ["NUL \x00 in the middle", "\u200f\u202eright to left\u202c", "\u0301\u0308 lone combining marks",
           "lone surrogate \ud800 here", "tab\tand\x1b[31m escape", "x" * 20_000, "😀" * 500]


def test_any_message_is_stored_and_read_back(shared: Settings) -> None:
    with Sessions(shared, Context()) as sessions:
        session_id, _ = sessions.start(lang="en")
        for message in HOSTILE:
            sessions.send(session_id, message)
        sessions.edit(session_id, "resources.hours_per_week", "5 hours \x00 a week")
    with Sessions(shared, Context()) as again:  # read back by another process
        users = _user_turns(again, session_id)
        assert users == [" ".join(engine.cut(engine.clean_text(m)).split()) for m in HOSTILE]  # as kept
        assert users[5] == "x" * engine.MAX_READ and users[6] == "😀" * 500  # a long paste is cut
        assert users[1] == engine.clean_text(HOSTILE[1]) != HOSTILE[1]  # direction marks dropped
        assert again.state(session_id).profile.get("resources.hours_per_week").value == 5.0


@pytest.mark.parametrize("bad", ["", "a\x00b", "line\nbreak", "x" * 300, "\u202eevil"])
def test_ids_no_backend_can_store_are_refused_or_unknown(shared: Settings, bad: str) -> None:
    with Sessions(shared, Context()) as sessions:
        if bad:
            with pytest.raises(SessionIdError) as err:
                sessions.start(bad)
            assert "\n" not in str(err.value) and len(str(err.value)) < 300
        for call in (sessions.state, sessions.last_reply, sessions.delete,
                     lambda i: sessions.send(i, "hi"), lambda i: sessions.edit(i, "goals", "sales")):
            with pytest.raises(SessionNotFound) as missing:
                call(bad)
            assert len(str(missing.value)) < 300
        assert sessions.list() == []


# -- privacy: deleting a session removes what the user typed ---------------------------------

SECRET = "Zqx-7731-Privat-Oyster"  # a string nothing else contains


def _stored_sqlite(home: Path, needle: str) -> list[str]:
    """Every file under the home folder whose raw bytes contain ``needle``."""
    raw = needle.encode("utf-8")
    return [str(p.relative_to(home)) for p in home.rglob("*") if p.is_file() and raw in p.read_bytes()]


def _stored_postgres(url: str, needle: str) -> list[str]:
    """Every table (of any schema but the system's) with a row whose text, or bytes, contain it."""
    import psycopg
    from psycopg import sql

    hexed = needle.encode("utf-8").hex()
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute("SELECT table_schema, table_name FROM information_schema.tables WHERE "
                              "table_schema NOT IN ('pg_catalog', 'information_schema')").fetchall()
        found = []
        for schema, table in tables:
            query = sql.SQL("SELECT count(*) FROM {} t WHERE strpos(to_jsonb(t)::text, %s) > 0 "
                            "OR strpos(to_jsonb(t)::text, %s) > 0").format(sql.Identifier(schema, table))
            row = conn.execute(query, (needle, hexed)).fetchone()
            if row and row[0]:
                found.append(table)
    assert tables, "no tables: the search itself is broken"
    return found


def test_delete_removes_every_trace_of_what_the_user_typed(shared: Settings) -> None:
    sessions = Sessions(shared, Context())
    keep, _ = sessions.start(lang="en")
    sessions.send(keep, "We sell to businesses, the other session's words.")
    gone, _ = sessions.start(lang="en")
    for message in (f"We sell to consumers. {SECRET}", "Instagram daily", f"about 4 hours {SECRET}"):
        sessions.send(gone, message)
    sessions.edit(gone, "resources.hours_per_week", f"5 hours a week {SECRET}")

    def stored(needle: str) -> list[str]:
        if shared.sessions_url:
            return _stored_postgres(shared.sessions_url, needle)
        return _stored_sqlite(shared.home, needle)

    if sessions.path is not None:  # as after SQLite's automatic checkpoints: in the file itself
        with sqlite3.connect(sessions.path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert stored(SECRET) == ["sessions.sqlite"]
    assert stored(SECRET) and stored(gone)  # the search finds them while they are stored
    sessions.delete(gone)
    assert stored(SECRET) == [] and stored(gone) == []
    assert stored("the other session's words")  # the other session is untouched
    assert sessions.list() == [keep] and sessions.state(keep).profile.get("sales.model").value == "b2b"
    sessions.close()
    reopened = Sessions(shared, Context())  # nothing comes back from a log or a cache either
    assert reopened.list() == [keep] and stored(SECRET) == []
    with pytest.raises(SessionNotFound):
        reopened.state(gone)


def test_sqlite_overwrites_what_it_deletes(tmp_path: Path) -> None:
    """SQLite keeps deleted rows in free pages unless told otherwise (some builds default to it)."""
    from bot.interview.sessions import connect

    assert connect(tmp_path / "s.sqlite").execute("PRAGMA secure_delete").fetchone()[0] == 1


# -- a damaged or vanished store: one line, never a traceback --------------------------------


def test_a_damaged_sessions_file_is_a_one_line_error(settings: Settings) -> None:
    path = settings.home / "sessions.sqlite"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database, it was overwritten by something " * 100)
    with pytest.raises(SessionStoreError) as err:
        Sessions(settings, Context())
    message = str(err.value)
    assert "\n" not in message and str(path) in message and "aside" in message


@pytest.mark.postgres
def test_dropped_connections_cost_at_most_one_failed_turn(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    with Sessions(Settings(home=tmp_path, sessions_url=pg_url), Context()) as sessions:
        session_id, _ = sessions.start(lang="en")
        sessions.send(session_id, SCRIPT[0])
        with psycopg.connect(pg_url, autocommit=True) as admin:  # as a server restart would
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()
        assert killed and killed[0] >= 2
        failures = []
        for _ in range(3):
            try:
                sessions.send(session_id, SCRIPT[1])
                break
            except SessionStoreError as err:
                failures.append(str(err))
        assert len(failures) <= 1 and all("\n" not in f and pg_url.split("@")[1] in f for f in failures)
        assert _user_turns(sessions, session_id) == SCRIPT[:2] and _alternates(sessions, session_id)


@pytest.mark.postgres
def test_processes_starting_together_on_a_new_database_set_it_up_once(pg_url: str, tmp_path: Path) -> None:
    """The first start creates the tables (LangGraph's migrations include CREATE INDEX
    CONCURRENTLY, which waits for every open transaction): starts at the same moment must
    neither clash nor wait for each other forever."""
    settings = Settings(home=tmp_path, sessions_url=pg_url)
    barrier, opened, errors = threading.Barrier(4), [], []

    def open_one() -> None:
        barrier.wait()
        try:
            opened.append(Sessions(settings, Context()))
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=open_one, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "starting together hung"
    assert errors == [] and len(opened) == 4
    session_id, _ = opened[0].start()
    opened[3].send(session_id, "B2B")
    assert opened[1].state(session_id).profile.get("sales.model").value == "b2b"
    for sessions in opened:
        sessions.close()
