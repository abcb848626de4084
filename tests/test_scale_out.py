"""Scale-out: two real ``serve`` processes with different homes, one ``chroma run`` server holding
the index (built by ``social-audit ingest`` with SOCIAL_AUDIT_CHROMA_URL), one PostgreSQL holding
the sessions, one API key and one browser secret. One interview moves between the processes
(and two of its turns race each other on both); no turn is lost or duplicated, both processes
answer side questions from the shared index, the audit is fetched from the other process than the
one that ended the interview, and deleting on one process removes the session for both."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.interview import engine
from bot.interview.state import Context
from bot.retrieval.embed import ProjectEmbeddings
from bot.retrieval.retrieve import Retriever
from bot.retrieval.store import open_store
from tests.servers import EXE, Served, chroma_server, launch, page_secret
from tests.test_interview_sessions import SCRIPT

pytestmark = [pytest.mark.server, pytest.mark.postgres]

KEY = "scale-out-key-0123456789abcdef"
AUTH = {"X-API-Key": KEY}
SECRET = "scale-out-browser-secret-0123456789abcdefghij"
SIDES = ("Why should I not delete angry comments?", "Who should answer our customers on social media?")


def api(served: Served, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{served.url}/api/v1{path}", headers=AUTH, timeout=300, **kwargs)


def send(served: Served, session_id: str, text: str) -> dict[str, Any]:
    res = api(served, "POST", f"/sessions/{session_id}/messages", json={"text": text})
    assert res.status_code == 200, res.text
    reply: dict[str, Any] = res.json()
    return reply


def state_of(served: Served, session_id: str) -> dict[str, Any]:
    res = api(served, "GET", f"/sessions/{session_id}")
    assert res.status_code == 200, res.text
    shown: dict[str, Any] = res.json()["state"]
    return shown


def expected(messages: list[str], retriever: Any) -> dict[str, Any]:
    """The state the engine reaches in this process over the same index on ``messages``."""
    ctx = Context(retriever=retriever)
    state, _ = engine.start("en", ctx)
    for message in messages:
        state, _ = engine.step(state, message, ctx)
    shown: dict[str, Any] = json.loads(json.dumps(state.to_dict()))
    return shown


def test_two_processes_share_one_index_one_sessions_database_and_one_secret(
        pg_url: str, embedder: ProjectEmbeddings, tmp_path: Path) -> None:
    with chroma_server(tmp_path / "chroma-server") as chroma_url:
        env = {"SOCIAL_AUDIT_CHROMA_URL": chroma_url, "SOCIAL_AUDIT_SESSIONS": pg_url,
               "SOCIAL_AUDIT_API_KEYS": KEY, "SOCIAL_AUDIT_BROWSER_SECRET": SECRET}
        built = subprocess.run([*EXE, "--home", str(tmp_path / "ingest"), "ingest"], capture_output=True,
                               text=True, timeout=1800, env={**os.environ, **env})
        assert built.returncode == 0, built.stderr
        print(f"\ningest into the Chroma server: {built.stdout.splitlines()[0]}")
        shared = Retriever(open_store(Settings(home=tmp_path / "none", chroma_url=chroma_url)), embedder)
        index_ids = {chunk.chunk_id for chunk in shared.chunks()}
        assert index_ids

        a, b = launch(tmp_path / "home-a", env=env), launch(tmp_path / "home-b", env=env)
        try:
            a.wait_ready()
            b.wait_ready()
            print(f"both ready, started together: a after {a.waited:.1f} s, b after {b.waited:.1f} s")
            _interview_across(a, b, shared, index_ids)
            for home in ("home-a", "home-b", "ingest"):  # the index is the server's only
                assert not (tmp_path / home / "chroma").exists(), home
                assert not (tmp_path / home / "sessions.sqlite").exists(), home
        finally:
            a.stop()
            b.stop()


def _interview_across(a: Served, b: Served, shared: Retriever, index_ids: set[str]) -> None:
    # The page of either process decrypts what a browser stored through the other one.
    assert page_secret(a) == page_secret(b) == SECRET

    res = api(a, "POST", "/sessions", json={"lang": "en"})
    assert res.status_code == 201, res.text
    session_id = res.json()["session_id"]
    sent: list[str] = []

    def on(served: Served, text: str) -> dict[str, Any]:
        reply = send(served, session_id, text)
        sent.append(text)
        return reply

    for text in SCRIPT[:2]:
        on(a, text)
    assert state_of(b, session_id) == state_of(a, session_id) == expected(sent, shared)
    on(b, SCRIPT[2])
    for served, side in zip((a, b), SIDES, strict=True):  # each answers from the shared index
        cited = on(served, side)["citations"]
        assert cited and {c["chunk_id"] for c in cited} <= index_ids, served.url
    assert state_of(a, session_id) == expected(sent, shared)

    # Two turns of the session at once, one on each process: both are kept, one after the other.
    racing = {a.url: SCRIPT[3], b.url: SCRIPT[4]}
    errors: list[BaseException] = []

    def turn(served: Served) -> None:
        try:
            send(served, session_id, racing[served.url])
        except BaseException as err:  # noqa: BLE001 - re-raised below, in the test's thread
            errors.append(err)

    threads = [threading.Thread(target=turn, args=(served,)) for served in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    users = [t["text"] for t in state_of(b, session_id)["transcript"] if t["role"] == "user"]
    assert sorted(users[len(sent):]) == sorted(racing.values())  # each once, none lost
    sent += users[len(sent):]
    assert state_of(a, session_id) == expected(sent, shared)

    for text in SCRIPT[5:]:  # back to a, to the end (the race may have answered out of order)
        last = on(a, text)
    for _ in range(10):
        if last["done"]:
            break
        last = on(a, "skip")
    assert last["done"]
    final = state_of(b, session_id)
    assert final == state_of(a, session_id) == expected(sent, shared)
    assert [t["text"] for t in final["transcript"] if t["role"] == "user"] == sent
    assert len(final["transcript"]) == 1 + 2 * len(sent)  # the greeting, then one reply per message

    audit = api(b, "GET", f"/sessions/{session_id}/audit")
    assert audit.status_code == 200, audit.text
    assert audit.json()["schema"] == "social-audit/audit"
    assert api(a, "GET", f"/sessions/{session_id}/audit").json() == audit.json()  # a builds the same

    assert api(b, "DELETE", f"/sessions/{session_id}").status_code == 204
    for served in (a, b):  # gone for both, the audit a has built included
        for method, path in (("GET", ""), ("GET", "/audit"), ("DELETE", "")):
            assert api(served, method, f"/sessions/{session_id}{path}").status_code == 404, (served.url, path)
        res = api(served, "POST", f"/sessions/{session_id}/messages", json={"text": "hello"})
        assert res.status_code == 404
