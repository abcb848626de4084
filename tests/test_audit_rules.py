"""The audit rules file: it loads, every text exists in every report language, every curated
quote is verbatim in a passage of the real bundled index, and mistakes are caught at load time."""

from __future__ import annotations

import pytest

from bot.audit.config import scoring_config
from bot.audit.engine import languages
from bot.audit.rules import RulesError, default_rules, load_rules
from bot.audit.texts import placeholders, ui_data
from bot.citations import quote_gloss
from bot.lang import codes

# What the five articles teach (issue 5), and the rules that teach it.
TOPICS = {
    "owned vs rented audience": ["owned-audience"],
    "shrinking organic reach": ["organic-reach"],
    "platform choice from how you sell": ["sell-small-known", "cold-outreach", "shop-instagram",
                                          "large-b2b-relations"],
    "if you can't say why, don't be there": ["no-reason-no-presence"],
    "service staffing, response times, plan for criticism": ["service-staffing", "response-time",
                                                             "criticism-plan"],
    "never delete critical comments": ["never-delete-criticism"],
    "complaint storms": ["complaint-storms"],
    "moderation": ["moderation"],
    "mistakes are rarely disasters": ["mistakes-rarely-disasters"],
    "ROI builds over time, not everything measured": ["roi-over-time", "know-your-roi"],
    "not only marketing's job": ["not-only-marketing", "not-only-a-marketing-channel"],
    "social media is not free": ["social-not-free"],
    "paid vs organic, tracking ad returns": ["paid-reach", "track-ad-returns"],
    "recruitment and employer brand": ["recruitment"],
    "employee advocacy": ["employee-advocacy"],
    "reaching journalists": ["journalists"],
    "platform-brand fit and privacy": ["platform-brand-privacy"],
    "social selling": ["social-selling"],
    "prioritising scarce time": ["prioritise-time"],
    "personal, triggered email": ["personal-triggered-email"],
    "complementary channels": ["channels-complement", "email-keeps-customers"],
}

MINIMAL = """
rules:
- id: sample
  when: {WHEN}
  severity: high
  impact: high
  effort: low
  evidence:
    anchors: [{source: a.txt, quote: "q"}]
    query: "a question"
  action: {phase: 30, hours: 1}
  text:
""" + "".join(f"    {lang}: {{title: T, finding: \"F {{EXTRA}}\", recommendation: R}}\n"
              for lang in codes("audit"))


def minimal(when: str = "{goals: {has: sales}}", extra: str = "") -> str:
    return MINIMAL.replace("{WHEN}", when).replace("{EXTRA}", extra)


def test_the_rules_load_and_cover_every_topic_of_the_articles() -> None:
    rules = default_rules()
    ids = {r.id for r in rules}
    for topic, wanted in TOPICS.items():
        assert set(wanted) <= ids, topic
    assert len(rules) >= 25


def test_the_report_is_written_in_the_nordic_languages_and_english() -> None:
    assert set(codes("audit")) <= set(languages())
    for rule in default_rules():
        for lang in languages():
            text = rule.text(lang)
            assert text.title and text.finding and text.recommendation, (rule.id, lang)


def test_ui_strings_exist_in_every_language_with_the_same_placeholders() -> None:
    data = ui_data()
    english = data["en"]
    for lang, strings in data.items():
        assert set(strings) == set(english), lang
        for key, value in english.items():
            if isinstance(value, str):
                assert placeholders(strings[key]) == placeholders(value), (lang, key)
            else:
                assert set(strings[key]) == set(value), (lang, key)


def test_every_anchor_is_verbatim_in_a_chunk_of_the_bundled_index(bundled_retriever) -> None:
    chunks = bundled_retriever.chunks()
    for rule in default_rules():
        for anchor in rule.evidence.anchors:
            holding = [c for c in chunks if c.source == anchor.source and anchor.quote in c.text]
            assert holding, (rule.id, anchor.quote)
            assert anchor.gloss and (anchor.gloss in holding[0].gloss or anchor.gloss == quote_gloss(
                holding[0], anchor.quote)), (rule.id, anchor.gloss)


def test_every_rule_cites_the_articles_it_teaches_from(bundled_retriever) -> None:
    sources = {c.source for c in bundled_retriever.chunks()}
    cited = {a.source for r in default_rules() for a in r.evidence.anchors}
    assert cited == sources  # all five articles are used, and nothing else


def test_effects_only_touch_known_channels_and_needs_cover_them() -> None:
    config = scoring_config()
    for rule in default_rules():
        for target, effect in rule.effects:
            assert target in config.needs or target in ("each", "used_social"), rule.id
            assert effect.verdict in (None, "cut", "fix")


@pytest.mark.parametrize(("text", "message"), [
    (minimal("{sales.colour: {is: red}}"), "audit rule 'sample': unknown profile path 'sales.colour'"),
    (minimal("{goals: {has: peace}}"), "unknown option 'peace'"),
    (minimal(extra="{hours}"), r"placeholder \{hours\} needs a condition on resources.hours_per_week"),
    (minimal(extra="{channels}"), "needs for_each"),
    (minimal("{\"channels.{channel}.purposes\": {empty: true}}"), "has no for_each"),
    (minimal().replace("  fi: {title", "  xx: {title"), "texts missing"),
    (minimal().replace("severity: high", "severity: huge"), "severity"),
    (minimal() + minimal().split("rules:\n", 1)[1], "duplicate id 'sample'"),
    ("rules: []", "expected a top-level 'rules:' list"),
    ("rules: [{id: x", "not valid YAML"),
])
def test_mistakes_in_the_rules_file_are_load_errors(text: str, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        load_rules(text)


def test_a_correct_minimal_rule_loads() -> None:
    (rule,) = load_rules(minimal("{resources.hours_per_week: {lt: 2}}", "{hours}"))
    assert rule.id == "sample" and rule.kind == "finding" and rule.evidence.k == 2
