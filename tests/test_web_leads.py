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
