"""Persisted sessions: resumable after a restart, safe from many threads; and non-interactive runs."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import SocialAuditError
from bot.interview.errors import SessionNotFound
from bot.interview.policy import load
from bot.interview.sessions import Sessions, run_script
from bot.interview.state import Context

SCRIPT = ["We sell to consumers in our shop.", "Instagram every day and Facebook twice a week.",
          "About 4 hours a week, no ads.", "My staff, usually within an hour.",
          "We answer them and never delete anything. No plan.", "No newsletter.", "Sales and brand.",
          "We don't measure, it's long-term.", "Marketing only",
          "Yes, that's right"]  # the summary of what was understood, confirmed: then the audit


@pytest.fixture
def sessions(settings: Settings) -> Sessions:
    return Sessions(settings, Context())


def test_the_default_file_is_in_the_home_folder(settings: Settings, sessions: Sessions) -> None:
    assert sessions.path == settings.home / "sessions.sqlite" and sessions.path.exists()


def test_a_session_resumes_after_a_restart(settings: Settings, sessions: Sessions) -> None:
    session_id, first = sessions.start(lang="da")
    assert first.lang == "da" and first.question == "sales_model"
    sessions.send(session_id, SCRIPT[0])
    sessions.close()
    again = Sessions(settings, Context())  # a new process would do exactly this
    assert again.list() == [session_id]
    state = again.state(session_id)
    assert len(state.transcript) == 3 and state.profile.get("sales.model").value == "b2c"
    assert again.last_reply(session_id).question == state.pending == "channels"
    for message in SCRIPT[1:]:
        reply = again.send(session_id, message)
    assert reply.done and again.state(session_id).done
    resumed_id, last = again.start(session_id)
    assert resumed_id == session_id and last == reply


def test_language_and_edits_are_saved(settings: Settings, sessions: Sessions) -> None:
    session_id, _ = sessions.start(lang="en")
    reply = sessions.set_lang(session_id, "fi")
    assert reply is not None and reply.lang == "fi" and reply.question == "sales_model"
    turns = len(sessions.state(session_id).transcript)
    assert sessions.set_lang(session_id, "fi") is None  # already Finnish: nothing asked, nothing stored
    assert len(sessions.state(session_id).transcript) == turns
    state = sessions.edit(session_id, "resources.hours_per_week", "5 tuntia viikossa")
    assert state.profile.get("resources.hours_per_week").value == 5.0
    reread = Sessions(settings, Context()).state(session_id)
    assert reread.lang == "fi" and reread.profile.get("resources.hours_per_week").value == 5.0
    assert reread.transcript[-1].lang == "fi"


def test_unknown_sessions_are_one_line_errors(sessions: Sessions) -> None:
    for call in (lambda: sessions.send("nope", "hi"), lambda: sessions.state("nope"),
                 lambda: sessions.delete("nope"), lambda: sessions.edit("nope", "goals", "sales")):
        with pytest.raises(SessionNotFound) as err:
            call()
        assert isinstance(err.value, SocialAuditError) and "\n" not in str(err.value)


def test_delete_and_list(sessions: Sessions) -> None:
    ids = [sessions.start()[0] for _ in range(3)]
    sessions.send(ids[0], "B2B")
    assert sessions.list()[0] == ids[0] and set(sessions.list()) == set(ids)
    sessions.delete(ids[1])
    assert set(sessions.list()) == {ids[0], ids[2]}
    with pytest.raises(SessionNotFound):
        sessions.state(ids[1])


def test_many_threads_at_once(sessions: Sessions) -> None:
    """Sessions of their own in parallel, and many turns racing on one shared session."""
    shared, _ = sessions.start(lang="en")
    racing = [f"message number {i}" for i in range(12)]

    def own_interview(n: int) -> str:
        session_id, _ = sessions.start(f"own-{n}", "en")
        for message in SCRIPT:
            sessions.send(session_id, message)
        return session_id

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, to shake out races
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            own = [pool.submit(own_interview, n) for n in range(6)]
            shared_replies = list(pool.map(lambda m: sessions.send(shared, m), racing))
            own_ids = [f.result() for f in own]
    finally:
        sys.setswitchinterval(previous)
    policy = load()
    for session_id in own_ids:
        state = sessions.state(session_id)
        assert state.done and not state.profile.missing(policy.relevant_paths(state.profile))
        assert len(state.transcript) == 1 + 2 * len(SCRIPT)
    state = sessions.state(shared)
    users = [t.text for t in state.transcript if t.role == "user"]
    assert sorted(users) == sorted(racing) and len(state.transcript) == 1 + 2 * len(racing)
    assert len(shared_replies) == len(racing)
    assert set(sessions.list()) == {shared, *own_ids}
    assert threading.active_count() < 50


def test_run_script_feeds_the_messages_in_order() -> None:
    state = run_script(SCRIPT, Context(), lang="en")
    assert state.done and len(state.transcript) == 1 + 2 * len(SCRIPT)
    short = run_script(SCRIPT[:2], Context())
    assert not short.done and short.pending == "hours"
    assert short.profile.missing(load().relevant_paths(short.profile))


def test_two_processes_worth_of_objects_share_one_file(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "h")
    one, two = Sessions(settings, Context()), Sessions(settings, Context())
    session_id, _ = one.start()
    two.send(session_id, "B2C")
    assert one.state(session_id).profile.get("sales.model").value == "b2c"
