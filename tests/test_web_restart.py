"""Sessions survive: a real ``serve`` process is killed with SIGKILL, once while a turn is held in
the middle (its model call waits) and once while turns of three sessions are in flight, then
restarted on the same home and port; every session resumes exactly where it was stored, no turn is
ever half stored, a reply the client saw is never lost, each interview finishes and its audit is
fetched. The browser secret (the key of the page's stored session) is the same after the restart.

The interview runs over HTTP exactly as the engine runs in this process (same index, same
embedder, a model that adds nothing), so the engine here says what every state must be."""

from __future__ import annotations

import json
import select
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.errors import ConfigError
from bot.interview import engine
from bot.interview.state import Context
from bot.web.ui import browser_secret
from tests.fakes import openai_stub
from tests.servers import Served, page_secret, start_serve
from tests.test_interview_sessions import SCRIPT
from tests.web_kit import free_port

KEY = "restart-test-key-0123456789"
AUTH = {"X-API-Key": KEY}
SIDE = "Why should I not delete angry comments?"
PLANS: dict[str, tuple[str, list[str]]] = {  # name: (language to start in, every message in order)
    "a": ("en", list(SCRIPT)),
    "b": ("en", [SCRIPT[0], SIDE, *SCRIPT[1:]]),
    "c": ("de", list(SCRIPT)),
}
BEFORE_FIRST_KILL = {"a": 3, "b": 3, "c": 0}  # messages each session has when the first kill comes


class Gate:
    """The model's answer to the server: at once ("{}", which adds nothing to what the parser
    read), or, while closed, only once the test opens it again: the turn asking is held mid-way."""

    def __init__(self) -> None:
        self.open, self.entered = threading.Event(), threading.Event()
        self.open.set()

    def reply(self, _body: dict[str, Any]) -> str:
        if not self.open.is_set():
            self.entered.set()
            self.open.wait(120)
        return "{}"


@pytest.fixture
def model() -> Iterator[tuple[Gate, dict[str, str]]]:
    gate = Gate()
    with openai_stub(gate.reply) as (url, _):
        try:
            yield gate, {"SOCIAL_AUDIT_LLM": "openai:stub-model", "SOCIAL_AUDIT_LLM_BASE_URL": url,
                         "SOCIAL_AUDIT_API_KEYS": KEY}
        finally:
            gate.open.set()


def expected(lang: str, messages: list[str], retriever: Any) -> dict[str, Any]:
    """The state the engine reaches in this process on ``messages``, as the API shows it (JSON)."""
    ctx = Context(retriever=retriever)
    state, _ = engine.start(lang, ctx)
    for message in messages:
        state, _ = engine.step(state, message, ctx)
    shown: dict[str, Any] = json.loads(json.dumps(state.to_dict()))
    return shown


def state_of(served: Served, session_id: str) -> dict[str, Any]:
    res = httpx.get(f"{served.url}/api/v1/sessions/{session_id}", headers=AUTH, timeout=60)
    assert res.status_code == 200, res.text
    shown: dict[str, Any] = res.json()["state"]
    return shown


def send(served: Served, session_id: str, text: str) -> dict[str, Any]:
    res = httpx.post(f"{served.url}/api/v1/sessions/{session_id}/messages", json={"text": text},
                     headers=AUTH, timeout=120)
    assert res.status_code == 200, res.text
    reply: dict[str, Any] = res.json()
    return reply


def raw_post(port: int, path: str, text: str) -> socket.socket:
    """A whole HTTP request written to the server; the answer is left to read (or not)."""
    body = json.dumps({"text": text}).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-API-Key: {KEY}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    sock.sendall(head.encode() + body)
    return sock


def test_sessions_survive_sigkill_mid_turn_and_restarts(
        bundled_settings: Settings, bundled_store: Any, bundled_retriever: Any, tmp_path: Path,
        model: tuple[Gate, dict[str, str]]) -> None:
    gate, env = model
    home = tmp_path / "home"
    shutil.copytree(bundled_settings.chroma_path, home / "chroma")
    port = free_port()
    ids: dict[str, str] = {}
    sent: dict[str, list[str]] = {name: [] for name in PLANS}

    def agree(served: Served, name: str) -> dict[str, Any]:
        """The session's state over HTTP is what the engine reaches on the messages it got."""
        shown = state_of(served, ids[name])
        lang, _ = PLANS[name]
        assert shown == expected(lang, sent[name], bundled_retriever), name
        return shown

    def resend(served: Served, name: str) -> None:
        """Send the session's next message; the reply asks the question the engine asks next."""
        lang, plan = PLANS[name]
        message = plan[len(sent[name])]
        reply = send(served, ids[name], message)
        sent[name].append(message)
        want = expected(lang, sent[name], bundled_retriever)
        asks = want["pending"] or ("summary" if want["summary"] and not want["done"] else None)
        assert reply["question"] == asks and reply["done"] == want["done"], name

    first = start_serve(home, port, env)
    try:
        for name, (lang, _) in PLANS.items():
            res = httpx.post(f"{first.url}/api/v1/sessions", json={"lang": lang}, headers=AUTH, timeout=120)
            assert res.status_code == 201, res.text
            ids[name] = res.json()["session_id"]
            for _ in range(BEFORE_FIRST_KILL[name]):
                resend(first, name)
        before = {name: agree(first, name) for name in PLANS}
        assert any(t["citations"] for t in before["b"]["transcript"] if t["role"] == "bot")  # the side answer
        secret = page_secret(first)

        # Kill 1: a's next turn is inside its model call when the process dies.
        gate.open.clear()
        outcome: list[object] = []

        def in_flight() -> None:
            try:
                outcome.append(send(first, ids["a"], PLANS["a"][1][len(sent["a"])]))
            except (httpx.HTTPError, AssertionError) as err:
                outcome.append(err)

        caller = threading.Thread(target=in_flight)
        caller.start()
        assert gate.entered.wait(120), "the turn never reached the model: nothing was in flight"
        first.kill()
        caller.join(timeout=60)
        gate.open.set()
        assert len(outcome) == 1 and isinstance(outcome[0], httpx.HTTPError), outcome  # no reply came
    finally:
        first.kill()

    second = start_serve(home, port, env)
    try:
        assert page_secret(second) == secret == (home / "web" / "browser_secret").read_text().strip()
        for name in PLANS:  # as before the kill: the turn in flight was not stored at all
            assert agree(second, name) == before[name], name
        resend(second, "a")  # the lost turn, sent again, is answered as it would have been

        # Kill 2: one message for each session in flight at once; the kill comes as the first
        # reply arrives. Each turn is then stored whole or not at all; one that was answered is kept.
        socks = {name: raw_post(port, f"/api/v1/sessions/{ids[name]}/messages",
                                PLANS[name][1][len(sent[name])]) for name in PLANS}
        readable, _, _ = select.select(list(socks.values()), [], [], 120)
        answered = {name for name, sock in socks.items() if sock in readable}
        heads = {name: socks[name].recv(64) for name in answered}
        second.kill()
        for sock in socks.values():
            sock.close()
        assert answered and all(head.startswith(b"HTTP/1.1 200") for head in heads.values()), heads
    finally:
        second.kill()

    third = start_serve(home, port, env)
    try:
        assert page_secret(third) == secret
        stored = {}
        for name, (lang, plan) in PLANS.items():
            shown = state_of(third, ids[name])
            without = expected(lang, sent[name], bundled_retriever)
            with_it = expected(lang, plan[:len(sent[name]) + 1], bundled_retriever)
            assert shown in (without, with_it), name  # never half a turn
            stored[name] = shown == with_it
            if stored[name]:
                sent[name].append(plan[len(sent[name])])
            assert stored[name] or name not in answered, name  # a reply that was seen is kept
        print(f"\nturns in flight at the second kill, stored: {stored}; answered first: {sorted(answered)}")
        for name, (_, plan) in PLANS.items():
            while len(sent[name]) < len(plan):
                resend(third, name)
            final = agree(third, name)
            assert final["done"] and final["pending"] is None, name
            audit = httpx.get(f"{third.url}/api/v1/sessions/{ids[name]}/audit", headers=AUTH, timeout=300)
            assert audit.status_code == 200, audit.text
            assert audit.json()["schema"] == "social-audit/audit"
    finally:
        third.stop()


def test_a_given_browser_secret_replaces_the_kept_one(tmp_path: Path) -> None:
    kept = browser_secret(tmp_path)
    given = "shared-" + "x" * 40
    assert browser_secret(tmp_path, given) == given != kept
    assert browser_secret(tmp_path) == given  # what the page of a later start reads
    assert (tmp_path / "web" / "browser_secret").stat().st_mode & 0o077 == 0
    with pytest.raises(ConfigError) as err:
        browser_secret(tmp_path, "too-short")
    assert "SOCIAL_AUDIT_BROWSER_SECRET" in str(err.value) and "\n" not in str(err.value)
    assert browser_secret(tmp_path) == given  # a refused secret changes nothing


def test_settings_read_the_browser_secret_and_never_show_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIAL_AUDIT_BROWSER_SECRET", "s3cr3t-" + "y" * 40)
    settings = Settings.from_env()
    assert settings.browser_secret == "s3cr3t-" + "y" * 40
    assert "s3cr3t" not in repr(settings) and "s3cr3t" not in str(settings)
    monkeypatch.setenv("SOCIAL_AUDIT_BROWSER_SECRET", "")
    assert Settings.from_env().browser_secret is None
