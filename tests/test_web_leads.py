"""Leads: stored only with consent, in the documented file, deleted with their session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.web.leads import JsonlLeadStore, LeadError, make_lead


def lead(session: str = "s1", consent: bool = True, email: str = "ann@example.com"):  # type: ignore[no-untyped-def]
    return make_lead(session, "Ann", email, consent, "I agree …", "sv", "+46 70 000 00 00")


def test_no_consent_no_lead() -> None:
    with pytest.raises(LeadError, match="consent"):
        lead(consent=False)


@pytest.mark.parametrize("email", ["", "ann", "ann@", "a b@example.com", "<x>@example.com"])
def test_an_unusable_address_is_refused(email: str) -> None:
    with pytest.raises(LeadError, match="e-mail"):
        lead(email=email)


def test_leads_are_stored_under_home_and_deleted_per_session(tmp_path: Path) -> None:
    store = JsonlLeadStore(tmp_path)
    store.add(lead("s1"))
    store.add(lead("s2"))
    store.add(lead("s1"))
    assert store.path == tmp_path / "leads" / "leads.jsonl"
    rows = [json.loads(line) for line in store.path.read_text(encoding="utf-8").splitlines()]
    assert [r["session_id"] for r in rows] == ["s1", "s2", "s1"]
    assert rows[0]["consent_text"] == "I agree …" and rows[0]["lang"] == "sv" and rows[0]["created"]
    assert store.delete_session("s1") == 2
    assert [x.session_id for x in store.all()] == ["s2"]
    assert store.delete_session("nobody") == 0


def _append_leads(home: str, session_id: str, n: int) -> None:
    store = JsonlLeadStore(Path(home))
    for _ in range(n):
        store.add(lead(session_id))


def test_processes_sharing_a_home_lose_no_lead_while_one_deletes(tmp_path: Path) -> None:
    """Two real processes append while this one deletes another session's leads again and again:
    without the lock file a rewrite could drop lines appended meanwhile."""
    import multiprocessing

    store = JsonlLeadStore(tmp_path)
    for _ in range(50):
        store.add(lead("gone"))
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_append_leads, args=(str(tmp_path), f"keep-{i}", 200)) for i in range(2)]
    for worker in workers:
        worker.start()
    deleted = 0
    while any(w.is_alive() for w in workers):
        deleted += store.delete_session("gone")
        store.add(lead("gone"))
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    kept = [x.session_id for x in store.all()]
    assert kept.count("keep-0") == 200 and kept.count("keep-1") == 200
    assert deleted >= 50


@pytest.mark.postgres
def test_leads_live_in_the_sessions_database_shared_by_every_process(pg_url: str, tmp_path: Path) -> None:
    """Two app processes with different homes but one PostgreSQL: a lead stored through one is
    deleted through the other, and nothing is written under either home."""
    from bot.config import Settings
    from bot.web.leads import PostgresLeadStore, open_leads

    a = open_leads(Settings(home=tmp_path / "a", sessions_url=pg_url))
    b = open_leads(Settings(home=tmp_path / "b", sessions_url=pg_url))
    assert isinstance(a, PostgresLeadStore) and isinstance(b, PostgresLeadStore)
    a.add(lead("s1"))
    a.add(lead("s2"))
    assert [x.session_id for x in b.all()] == ["s1", "s2"] and b.all()[0].consent_text == "I agree …"
    assert b.delete_session("s1") == 1
    assert [x.session_id for x in a.all()] == ["s2"]
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    assert isinstance(open_leads(Settings(home=tmp_path / "c")), JsonlLeadStore)


@pytest.mark.postgres
def test_an_unreachable_leads_database_is_one_line_and_stores_nothing(pg_url: str, tmp_path: Path) -> None:
    from bot.web.leads import LeadStoreError, PostgresLeadStore

    store = PostgresLeadStore(pg_url)
    store.url = "postgresql://nobody@127.0.0.1:1/none"  # the server went away
    with pytest.raises(LeadStoreError, match="leads table in .* failed: .*check that the server") as err:
        store.add(lead("s1"))
    assert "\n" not in str(err.value)
