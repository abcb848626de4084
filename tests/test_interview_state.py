"""The interview's data round-trips through plain JSON."""

from __future__ import annotations

import json

import pytest

from bot.citations import Citation
from bot.interview.state import Check, Conflict, InterviewState, Reply, Turn, decode_value, encode_value
from bot.profile import Amount, Profile, SalesCycle

CITATION = Citation("c1", "000_x.txt", "Ett citat.", "sv", "Titel", "Författare", "A quote.")


def _json(data: dict) -> dict:  # type: ignore[type-arg]
    return json.loads(json.dumps(data))


def test_a_state_with_everything_round_trips() -> None:
    profile = (Profile().with_answer("sales.model", "b2b", "contradicted", "we sell to firms")
               .with_answer("sales.deal_size", Amount(5000, "EUR", 8000))
               .with_answer("channels.used", frozenset({"facebook", "linkedin"}), "inferred")
               .with_answer("resources.hours_per_week", None, "refused", "rather not say"))
    state = InterviewState(
        profile=profile,
        transcript=(Turn("bot", "Hej?", "sv", "sales_model", (CITATION,), ("Ja", "Nej")),
                    Turn("user", "Företag", "sv")),
        lang="sv", asked=("sales_model", "deal"), pending="deal", done=False,
        conflict=Conflict("sales.model", "b2c", "our customers are consumers", tries=1), retries=1,
        check=Check("goals", (frozenset({"sales"}), frozenset({"brand"})), "more people in the door"))
    assert InterviewState.from_dict(_json(state.to_dict())) == state
    for check in (Check("criticism.deletes_critical_comments", (True,), "we hide the worst"),
                  Check("resources.responder", ("owner", "staff", "agency", "nobody"), "hmm")):
        assert Check.from_dict(_json(check.to_dict())) == check


def test_replies_and_conflicts_round_trip() -> None:
    reply = Reply("Text [1]", "en", ("a", "b"), (CITATION,), "hours", False)
    assert Reply.from_dict(_json(reply.to_dict())) == reply
    assert reply.turn() == Turn("bot", "Text [1]", "en", "hours", (CITATION,), ("a", "b"))
    for path, value in [("sales.sales_cycle", SalesCycle("weeks", 14.0)), ("goals", frozenset({"sales"})),
                        ("resources.ad_budget", Amount(100, "SEK", monthly=True)), ("email_list.size", 300)]:
        assert decode_value(path, _json({"v": encode_value(path, value)})["v"]) == value
        conflict = Conflict(path, value, "msg")
        assert Conflict.from_dict(_json(conflict.to_dict())) == conflict


def test_bad_state_data_is_refused() -> None:
    with pytest.raises(ValueError, match="version"):
        InterviewState.from_dict({"version": 99})
    with pytest.raises(ValueError, match="role"):
        Turn.from_dict({"role": "system", "text": "x", "lang": "en"})
