"""The condition language: parsing, checking against profile kinds, three-valued evaluation."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.audit.rules import audit_kind
from bot.conditions import (
    All,
    AnyOf,
    ConditionError,
    Leaf,
    Not,
    check,
    evaluate,
    parse,
    substitute,
)
from bot.profile import Amount, Field, Profile, SalesCycle

PROFILE = (Profile()
           .with_answer("sales.model", "b2b")
           .with_answer("sales.close_channels", ["known_contacts", "referrals"])
           .with_answer("sales.sales_cycle", SalesCycle("weeks", 21))
           .with_answer("resources.ad_budget", Amount(0, "SEK", monthly=True))
           .with_answer("resources.hours_per_week", 2)
           .with_answer("channels.used", ["linkedin"])
           .with_answer("channels.tiktok.purposes", None, "unknown", "no idea")
           .with_answer("criticism.deletes_critical_comments", True, "inferred"))


def run(raw: dict[str, Any], profile: Profile = PROFILE) -> bool | None:
    cond = parse(raw)
    check(cond, audit_kind)
    return evaluate(cond, profile.get).value


@pytest.mark.parametrize(("raw", "expected"), [
    ({"sales.model": {"is": "b2b"}}, True),
    ({"sales.model": {"in": ["b2c", "both"]}}, False),
    ({"sales.close_channels": {"has": "referrals"}}, True),
    ({"sales.close_channels": {"has_any": ["tenders", "known_contacts"]}}, True),
    ({"sales.close_channels": {"has_all": ["tenders", "known_contacts"]}}, False),
    ({"sales.close_channels": {"has_none": ["tenders"]}}, True),
    ({"sales.close_channels": {"subset_of": ["known_contacts", "referrals", "tenders"]}}, True),
    ({"sales.close_channels": {"count_ge": 3}}, False),
    ({"sales.close_channels": {"empty": False}}, True),
    ({"sales.sales_cycle": {"in": ["days", "weeks"]}}, True),
    ({"resources.ad_budget": {"le": 0}}, True),
    ({"resources.hours_per_week": {"lt": 2}}, False),
    ({"resources.hours_per_week": {"ge": 2, "le": 2}}, True),
    ({"criticism.deletes_critical_comments": {"is": True}}, True),
    ({"channels.tiktok.purposes": {"said_dont_know": True}}, True),
    ({"channels.tiktok.purposes": {"known": False}}, True),
    ({"goals": {"status": ["unknown"]}}, True),
    ({"goals": {"has": "sales"}}, None),  # never answered: cannot judge
])
def test_operators(raw: dict[str, Any], expected: bool | None) -> None:
    assert run(raw) is expected


def test_unknowns_propagate_as_in_kleene_logic() -> None:
    unknown = {"goals": {"has": "sales"}}
    true, false = {"sales.model": {"is": "b2b"}}, {"sales.model": {"is": "b2c"}}
    assert run({"all": [true, unknown]}) is None
    assert run({"all": [false, unknown]}) is False  # one false decides an all
    assert run({"any": [true, unknown]}) is True  # one true decides an any
    assert run({"any": [false, unknown]}) is None
    assert run({"not": unknown}) is None


def test_outcomes_name_their_answers_and_what_is_missing() -> None:
    cond = parse({"all": [{"sales.model": {"is": "b2b"}}, {"goals": {"has": "sales"}}]})
    outcome = evaluate(cond, PROFILE.get)
    assert outcome.value is None and outcome.unknown == {"goals"}
    fired = evaluate(parse({"all": [{"sales.model": {"is": "b2b"}}, {"resources.ad_budget": {"le": 0}}]}),
                     PROFILE.get)
    assert fired.value is True and fired.paths == {"sales.model", "resources.ad_budget"}


@pytest.mark.parametrize(("raw", "message"), [
    ({"sales.colour": {"is": "red"}}, "unknown profile path 'sales.colour'"),
    ({"sales.model": {"is": "b2x"}}, "unknown option 'b2x'"),
    ({"sales.model": {"has": "b2b"}}, "only for sets"),
    ({"goals": {"has": "world_peace"}}, "unknown option 'world_peace'"),
    ({"resources.hours_per_week": {"gt": "two"}}, "compares numbers"),
    ({"email_list.has_list": {"is": "yes"}}, "yes/no"),
    ({"goals": {"status": ["happy"]}}, "unknown status"),
    ({"derived.magic": {"gt": 0}}, "unknown profile path 'derived.magic'"),
])
def test_check_names_what_is_wrong(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        check(parse(raw, "rule x"), audit_kind, "rule x")


@pytest.mark.parametrize("raw", [{}, [], {"all": []}, {"goals": "sales"}, {"goals": {"resembles": "x"}},
                                 {"all": [{"goals": {"has": "sales"}}], "goals": {"has": "brand"}}])
def test_parse_refuses_malformed_conditions(raw: Any) -> None:
    with pytest.raises(ConditionError):
        parse(raw)


def test_substitute_fills_the_channel_in_every_path() -> None:
    cond = parse({"all": [{"channels.{channel}.purposes": {"empty": True}},
                          {"not": {"goals": {"has": "x"}}}]})
    assert substitute(cond, "tiktok") == All((Leaf("channels.tiktok.purposes", "empty", True),
                                              Not(Leaf("goals", "has", "x"))))


leaves = st.sampled_from(["t", "f", "u"])


def _tree(depth: int) -> st.SearchStrategy[Any]:
    return st.recursive(leaves, lambda kids: st.one_of(
        st.lists(kids, min_size=1, max_size=3).map(lambda xs: ("all", xs)),
        st.lists(kids, min_size=1, max_size=3).map(lambda xs: ("any", xs)),
        kids.map(lambda x: ("not", x))), max_leaves=depth)


def _build(tree: Any) -> Any:
    paths = {"t": {"sales.model": {"is": "b2b"}}, "f": {"sales.model": {"is": "b2c"}},
             "u": {"goals": {"has": "sales"}}}
    if isinstance(tree, str):
        return paths[tree]
    op, arg = tree
    return {op: _build(arg)} if op == "not" else {op: [_build(a) for a in arg]}


def _kleene(tree: Any) -> bool | None:
    if isinstance(tree, str):
        return {"t": True, "f": False, "u": None}[tree]
    op, arg = tree
    if op == "not":
        inner = _kleene(arg)
        return None if inner is None else not inner
    vals = [_kleene(a) for a in arg]
    decisive = op == "any"
    if decisive in vals:
        return decisive
    return None if None in vals else not decisive


@given(_tree(8))
def test_evaluation_is_kleene_logic(tree: Any) -> None:
    assert run(_build(tree)) is _kleene(tree)


def test_a_settled_leaf_without_value_is_unknown() -> None:
    cond = parse({"goals": {"has": "sales"}})
    assert evaluate(cond, lambda _: Field(None, "skipped", "pass")).value is None
    assert isinstance(parse({"any": [{"goals": {"has": "sales"}}]}), AnyOf)


def test_did_not_know_only_when_the_owner_said_so() -> None:
    from bot.conditions import said_dont_know
    from bot.profile import Field

    assert said_dont_know(Field(None, "unknown", "ved ikke"))
    assert said_dont_know(Field(None, "unknown", "hmm, not sure"))
    assert not said_dont_know(Field(None, "unknown", "Tre ganger i uka"))  # answered in part
    assert not said_dont_know(Field(None, "unknown", None))  # never asked
