from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UnknownNameError
from bot.profile import (
    CHANNELS,
    PATHS,
    STATUSES,
    Amount,
    ChannelUse,
    Field,
    Profile,
    SalesCycle,
    kind_of,
)


def test_paths_cover_every_leaf_and_channel() -> None:
    assert len(PATHS) == len(set(PATHS)) == 19 + 3 * len(CHANNELS)
    for channel in CHANNELS:
        for leaf in ("frequency", "purposes", "results"):
            assert f"channels.{channel}.{leaf}" in PATHS
    for path in ("sales.model", "resources.hours_per_week", "goals", "ownership.owners", "email_list.size"):
        assert path in PATHS
        kind_of(path)


def test_a_blank_profile_knows_nothing_and_misses_everything() -> None:
    profile = Profile()
    assert all(profile.get(p) == Field() for p in PATHS)
    assert profile.missing() == PATHS
    assert profile.to_dict() == {"version": 1, "fields": {}}


def test_with_answer_returns_a_new_profile_and_leaves_the_old_alone() -> None:
    before = Profile()
    after = before.with_answer("resources.hours_per_week", 2, "answered", "2 timmar i veckan")
    assert before.get("resources.hours_per_week") == Field()
    assert after.get("resources.hours_per_week") == Field(2.0, "answered", "2 timmar i veckan")
    assert after.resources.hours_per_week.value == 2.0
    assert isinstance(after.resources.hours_per_week.value, float)
    assert after.sales is before.sales  # untouched sections are shared, not copied


def test_profiles_are_immutable() -> None:
    profile = Profile().with_answer("goals", ["sales"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.goals = Field()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.get("goals").status = "skipped"  # type: ignore[misc]
    assert isinstance(profile.get("goals").value, frozenset)


def test_sets_are_stored_as_frozensets() -> None:
    profile = Profile().with_answer("channels.used", ["facebook", "email", "facebook"])
    assert profile.get("channels.used").value == frozenset({"facebook", "email"})


def test_channel_leaves_and_the_mapping_view() -> None:
    profile = Profile().with_answer("channels.instagram.frequency", 3).with_answer(
        "channels.instagram.purposes", {"sales", "brand"})
    assert profile.channels["instagram"].frequency.value == 3.0
    assert profile.channels["instagram"].purposes.value == {"sales", "brand"}
    assert profile.channels["facebook"] == ChannelUse()
    assert [name for name, _ in profile.channels.items()] == list(CHANNELS)
    with pytest.raises(UnknownNameError, match="facebook"):
        profile.channels["myspace"]


@pytest.mark.parametrize("path, value", [
    ("sales.model", "b2x"), ("sales.model", 3), ("sales.buyers", "   "), ("sales.buyers", 5),
    ("sales.deal_size", 500), ("sales.sales_cycle", "months"), ("sales.close_channels", "referrals"),
    ("sales.close_channels", {"referrals", "carrier pigeon"}), ("resources.hours_per_week", -1),
    ("resources.hours_per_week", math.nan), ("resources.hours_per_week", math.inf),
    ("resources.hours_per_week", True), ("resources.hours_per_week", "2"), ("resources.responder", "cat"),
    ("resources.skills", [""]), ("resources.skills", [3]), ("channels.used", {"myspace"}),
    ("channels.facebook.purposes", {"fun"}), ("email_list.has_list", "yes"), ("email_list.size", 2.5),
    ("email_list.size", -3), ("email_list.size", True), ("goals", {"world domination"}),
    ("ownership.owners", {"the cat"}), ("measurement.measures_results", 1),
])
def test_values_of_the_wrong_kind_are_refused(path: str, value: object) -> None:
    with pytest.raises(ValueError, match=path.split(".")[0]):
        Profile().with_answer(path, value)


def test_unknown_paths_name_the_known_ones() -> None:
    with pytest.raises(UnknownNameError, match="resources.hours_per_week"):
        Profile().with_answer("resources.hours", 2)
    with pytest.raises(UnknownNameError):
        Profile().get("channels.myspace.frequency")
    with pytest.raises(UnknownNameError):
        Profile().get("sales")  # a section, not a leaf


def test_statuses_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown status"):
        Profile().with_answer("goals", ["sales"], "guessed")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a value"):
        Profile().with_answer("goals", None, "answered")
    skipped = Profile().with_answer("goals", None, "skipped", "hoppa över")
    assert skipped.get("goals") == Field(None, "skipped", "hoppa över")


def test_missing_lists_what_is_still_to_ask() -> None:
    paths = ["sales.model", "sales.buyers", "sales.deal_size", "resources.responder", "goals",
             "email_list.size", "measurement.measures_results"]
    profile = (Profile()
               .with_answer("sales.model", "b2b", "answered", "B2B")
               .with_answer("sales.buyers", "dentists", "inferred")
               .with_answer("sales.deal_size", None, "refused", "rather not say")
               .with_answer("resources.responder", None, "skipped", "skip")
               .with_answer("goals", None, "unknown", "vet inte")
               .with_answer("email_list.size", 300, "contradicted", "300, no wait"))
    assert profile.missing(paths) == ("email_list.size", "measurement.measures_results")


def _full_profile() -> Profile:
    answers: list[tuple[str, Any]] = [
        ("sales.model", "both"), ("sales.buyers", "dentists and their patients"),
        ("sales.deal_size", Amount(5000, "EUR", 10000)), ("sales.sales_cycle", SalesCycle.from_days(45)),
        ("sales.close_channels", {"referrals", "web_shop"}), ("resources.hours_per_week", 2.5),
        ("resources.responder", "owner"), ("resources.response_time", 24),
        ("resources.ad_budget", Amount(2000, "SEK", monthly=True)), ("resources.skills", {"foto", "video"}),
        ("channels.used", {"facebook", "email"}), ("channels.facebook.frequency", 3),
        ("channels.facebook.purposes", {"sales"}), ("channels.facebook.results", "few likes, some sales"),
        ("email_list.has_list", True), ("email_list.size", 450), ("goals", {"sales", "brand"}),
        ("measurement.measures_results", False), ("measurement.expects_quick_roi", True),
        ("criticism.deletes_critical_comments", False), ("criticism.has_plan_for_criticism", False),
        ("ownership.owners", {"management"}),
    ]
    profile = Profile()
    for path, value in answers:
        profile = profile.with_answer(path, value, "answered", f"answer to {path} ✓")
    return profile.with_answer("channels.email.frequency", None, "refused", "ingen kommentar")


def test_to_dict_is_json_and_round_trips() -> None:
    profile = _full_profile()
    data = json.loads(json.dumps(profile.to_dict()))
    assert Profile.from_dict(data) == profile
    assert data["fields"]["sales.close_channels"]["value"] == ["referrals", "web_shop"]
    assert data["fields"]["sales.deal_size"]["value"] == {"value": 5000.0, "currency": "EUR", "high": 10000.0,
                                                          "monthly": False}
    assert data["fields"]["channels.email.frequency"] == {"value": None, "status": "refused",
                                                          "source_message": "ingen kommentar"}
    assert "channels.tiktok.frequency" not in data["fields"]


def test_from_dict_refuses_other_versions_and_bad_fields() -> None:
    with pytest.raises(ValueError, match="version"):
        Profile.from_dict({"version": 2, "fields": {}})
    with pytest.raises(UnknownNameError):
        Profile.from_dict({"version": 1, "fields": {"sales.mood": {"value": "good", "status": "answered"}}})
    with pytest.raises(ValueError):
        Profile.from_dict({"version": 1, "fields": {"goals": {"value": ["fame"], "status": "answered"}}})


@pytest.mark.parametrize("kwargs", [
    {"value": -1}, {"value": math.inf}, {"value": math.nan}, {"value": 10, "high": 5},
    {"value": 1, "high": math.inf},
])
def test_amounts_must_make_sense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Amount(**kwargs)  # type: ignore[arg-type]


def test_amount_values_are_floats_and_ranges_have_a_middle() -> None:
    assert Amount(5).value == 5.0 and isinstance(Amount(5).value, float)
    assert Amount(5, high=15).mid == 10.0
    assert Amount(7).mid == 7.0


@pytest.mark.parametrize("days, category", [
    (0, "instant"), (0.5, "instant"), (1, "days"), (6.9, "days"), (7, "weeks"), (29, "weeks"), (30, "months"),
    (364, "months"), (365, "year+"), (1000, "year+"),
])
def test_sales_cycle_category_from_days(days: float, category: str) -> None:
    assert SalesCycle.from_days(days) == SalesCycle(category, float(days))


def test_sales_cycle_category_is_checked() -> None:
    with pytest.raises(ValueError, match="year\\+"):
        SalesCycle("decades")


# Property: any valid answers, in any order, survive a JSON round trip.

_FINITE = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


def _amounts() -> st.SearchStrategy[Amount]:
    def build(value: float, extra: float | None, currency: str | None, monthly: bool) -> Amount:
        return Amount(value, currency, None if extra is None else value + extra, monthly)
    return st.builds(build, _FINITE, st.none() | _FINITE, st.sampled_from([None, "SEK", "EUR", "ZAR"]),
                     st.booleans())


def _values(path: str) -> st.SearchStrategy[Any]:
    kind = kind_of(path)
    strategies: dict[str, st.SearchStrategy[Any]] = {
        "choice": st.sampled_from(kind.options or ("x",)),
        "set": st.frozensets(st.sampled_from(kind.options or ("x",))),
        "tags": st.frozensets(st.text(min_size=1)),
        "text": st.text(min_size=1).filter(str.strip),
        "number": _FINITE,
        "count": st.integers(min_value=0, max_value=10**12),
        "bool": st.booleans(),
        "amount": _amounts(),
        "cycle": _FINITE.map(SalesCycle.from_days),
    }
    return strategies[kind.name]


@st.composite
def _answers(draw: st.DrawFn) -> list[tuple[str, Any, str, str | None]]:
    out = []
    for path in draw(st.lists(st.sampled_from(PATHS), max_size=12)):
        status = draw(st.sampled_from(STATUSES))
        value = draw(_values(path)) if status in ("answered", "inferred") else draw(st.none() | _values(path))
        out.append((path, value, status, draw(st.none() | st.text())))
    return out


@settings(max_examples=200, deadline=None)
@given(_answers())
def test_any_answers_round_trip_through_json(answers: list[tuple[str, Any, str, str | None]]) -> None:
    profile = Profile()
    for path, value, status, source in answers:
        profile = profile.with_answer(path, value, status, source)  # type: ignore[arg-type]
    restored = Profile.from_dict(json.loads(json.dumps(profile.to_dict())))
    assert restored == profile
    for path, value, status, source in answers[-1:]:
        assert profile.get(path).status == status and profile.get(path).source_message == source
        assert profile.get(path).value == (frozenset(value) if isinstance(value, frozenset) else value)
