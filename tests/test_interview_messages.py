"""Every message and question exists in every interview language (languages.yaml) and renders strictly."""

from __future__ import annotations

import pytest

from bot.interview import messages as msg
from bot.interview.policy import SOCIAL, load
from bot.lang import codes
from bot.profile import CHANNELS, CLOSE_CHANNELS, CYCLES, GOALS, OWNERS, PURPOSES, RESPONDERS, SALES_MODELS

REQUIRED = codes("interview")


def _dummy(template: str) -> dict[str, str]:
    return {name: f"<{name}>" for name in msg.variables(template)}


@pytest.mark.parametrize("key", sorted(msg.data().messages))
def test_every_message_in_every_required_language_with_the_same_variables(key: str) -> None:
    table = msg.data().messages[key]
    assert set(REQUIRED) <= set(table), f"{key} misses {set(REQUIRED) - set(table)}"
    names = msg.variables(table["en"])
    for lang, template in table.items():
        assert lang in codes()
        assert msg.variables(template) == names, (key, lang)
        rendered = msg.render(key, lang, **_dummy(template))
        assert all(f"<{name}>" in rendered and f"{{{name}}}" not in rendered for name in names)


def test_render_is_strict() -> None:
    with pytest.raises(msg.MessageError):
        msg.render("noted", "en")
    with pytest.raises(msg.MessageError):
        msg.render("no-such-message", "en")
    assert msg.render("noted", "sv", facts="x") == "Noterat: x."


@pytest.mark.parametrize("question", load().questions, ids=lambda q: q.id)
def test_every_question_in_every_required_language(question) -> None:  # type: ignore[no-untyped-def]
    for table in (question.text, question.why, question.topic):
        assert set(REQUIRED) <= set(table), question.id
        assert len({frozenset(msg.variables(t)) for t in table.values()}) == 1, question.id
    assert set(REQUIRED) <= set(question.quick), question.id
    for lang in REQUIRED:
        assert 2 <= len(question.quick_replies(lang)) <= 5


@pytest.mark.parametrize("lang", REQUIRED)
def test_fields_and_options_are_named_in_every_required_language(lang: str) -> None:
    for table in msg.data().fields.values():
        assert lang in table
    options = {"sales_model": SALES_MODELS, "close_channels": CLOSE_CHANNELS, "responder": RESPONDERS,
               "cycles": CYCLES, "goals": GOALS, "purposes": PURPOSES, "owners": OWNERS, "channels": CHANNELS}
    for kind, names in options.items():
        assert set(msg.data().options[kind]) == set(names), kind
        for name in names:
            assert msg.option(kind, name, lang)
    for word in msg.data().words.values():
        assert lang in word
    for unit in msg.data().units.values():
        assert lang in unit


def test_values_are_shown_as_a_user_would_say_them() -> None:
    from bot.profile import Amount, SalesCycle

    assert msg.show("resources.hours_per_week", 5.0, "en") == "5\u00a0h a week"
    assert msg.show("resources.hours_per_week", 2.5, "sv") == "2,5\u00a0h i veckan"  # as the audit writes it
    assert msg.show("resources.response_time", 1.25, "de") == "1,25\u00a0Std."
    budget = Amount(1500, "SEK", monthly=True)
    assert msg.show("resources.ad_budget", budget, "sv") == "1\u00a0500\u00a0SEK i månaden"
    assert msg.show("resources.ad_budget", budget, "da") == "1.500\u00a0SEK om måneden"
    assert msg.show("sales.deal_size", Amount(5000, "EUR", 8000), "en") == "5,000–8,000\u00a0EUR"
    assert msg.show("sales.sales_cycle", SalesCycle("weeks", 21), "da") == "3 uger"  # as said, no 21 days
    assert msg.show("sales.sales_cycle", SalesCycle("months", 365 / 6), "sv") == "2 månader"
    assert msg.show("sales.sales_cycle", SalesCycle("months", 45), "en") == "months (45 days)"
    assert msg.show("channels.used", frozenset({"linkedin", "facebook"}), "fi") == "Facebook ja LinkedIn"
    assert msg.show("channels.used", frozenset(), "nb") == "ingen"
    assert msg.show("email_list.has_list", True, "de") == "ja"
    assert msg.show("channels.tiktok.frequency", 7.0, "en") == "7 a week"
    assert msg.field_name("channels.instagram.frequency", "sv") == "inlägg på Instagram"
    assert set(SOCIAL) <= set(CHANNELS)
