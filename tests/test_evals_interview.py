"""The interview suite: its scripts as data, its pure scorers on good and bad turns, and a small
run through the real engine on the shared bundled index."""

from __future__ import annotations

from typing import Any

import pytest

from bot.citations import Citation
from bot.config import Settings
from bot.errors import ConfigError
from bot.interview.state import Context, Reply
from bot.profile import Profile
from evals.interview import (
    SUITE,
    Score,
    Step,
    clarifications,
    done_at,
    evaluate,
    repeated_questions,
    run_script,
    score,
)
from evals.interview_cases import Script, expectation, load_script, load_scripts
from evals.language import adherence, own_words

SCRIPTS = load_scripts()


def reply(text: str, lang: str = "en", question: str | None = None, done: bool = False,
          citations: tuple[Citation, ...] = ()) -> Reply:
    return Reply(text, lang, (), citations, question, done)


def test_the_scripts_cover_every_language_and_behaviour() -> None:
    assert len(SCRIPTS) >= 10
    said = {lang for s in SCRIPTS for _, lang in s.turns()}
    assert said == {"en", "sv", "da", "nb", "fi", "de", "af"}
    ids = {s.id for s in SCRIPTS}
    for behaviour in ("all_in_one", "terse", "skip", "correction", "contradiction", "side_question",
                      "switch", "refusal", "dont_know"):
        assert any(behaviour in i for i in ids), behaviour
    assert {s.id for s in SCRIPTS if s.fast} >= {"en_all_in_one", "sv_terse", "da_skip", "nb_correction",
                                                  "fi_contradiction", "de_side_question", "en_to_sv_switch"}
    for s in SCRIPTS:  # every script checks values, and ends within its turns
        assert len(s.expect) >= 9 and s.done_within is not None, s.id
        switches = [lang for _, lang in s.turns()]
        assert ("switch" in s.id) == (len(set(switches)) > 1), s.id


def test_a_switching_script_keeps_the_new_language_until_told_otherwise() -> None:
    script = next(s for s in SCRIPTS if s.id == "en_to_sv_switch")
    langs = [lang for _, lang in script.turns()]
    assert langs[:3] == ["en"] * 3 and set(langs[3:]) == {"sv"}


def test_expectations_are_checked_against_the_profile_schema(tmp_path: Any) -> None:
    with pytest.raises(Exception, match="unknown profile path"):
        expectation("resources.hourz", 3)
    with pytest.raises(ValueError, match="unknown status"):
        expectation("resources.hours_per_week", {"status": "forgotten"})
    with pytest.raises(ValueError, match="give a value or a status"):
        expectation("resources.hours_per_week", None)
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nlang: xx\nmessages: [hi]\nexpect: {sales.model: b2b}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown language xx"):
        load_script(bad)


def test_an_expected_value_is_met_only_by_a_settled_equal_value() -> None:
    hours = expectation("resources.hours_per_week", 5)
    assert hours.met(Profile().with_answer("resources.hours_per_week", 5.02))  # within 1%
    assert not hours.met(Profile().with_answer("resources.hours_per_week", 6))
    assert not hours.met(Profile())
    assert hours.met(Profile().with_answer("resources.hours_per_week", 5, "inferred"))
    skipped = expectation("resources.ad_budget", {"status": "skipped"})
    assert skipped.met(Profile().with_answer("resources.ad_budget", None, "skipped", "skip"))
    assert not skipped.met(Profile().with_answer("resources.ad_budget", None, "refused", "no"))
    channels = expectation("channels.used", ["linkedin", "website"])
    assert channels.met(Profile().with_answer("channels.used", {"website", "linkedin"}))
    assert not channels.met(Profile().with_answer("channels.used", {"website", "linkedin", "email"}))
    deal = expectation("sales.deal_size", {"amount": 4000, "currency": "EUR"})
    assert deal.shown() == {"value": 4000.0, "currency": "EUR", "high": None, "monthly": False}


def _steps(*turns: tuple[str | None, Reply, Profile]) -> list[Step]:
    return [Step(message, "en", r, profile) for message, r, profile in turns]


def test_a_question_asked_again_after_it_was_answered_is_a_repeat() -> None:
    blank = Profile()
    answered = blank.with_answer("resources.hours_per_week", 5)
    bad = _steps((None, reply("How many hours?", question="hours"), blank),
                 ("5 hours", reply("Ads?", question="ads"), answered),
                 ("no ads", reply("How many hours?", question="hours"), answered))
    assert repeated_questions(bad) == [(2, "hours")]
    declined = blank.with_answer("resources.hours_per_week", None, "unknown", "don't know")
    dont_know = [bad[0], Step("dunno", "en", reply("Ads?", question="ads"), declined),
                 Step("?", "en", reply("How many?", question="hours"), declined)]
    assert repeated_questions(dont_know) == [(2, "hours")]


def test_the_pending_question_asked_again_before_an_answer_is_not_a_repeat() -> None:
    blank = Profile()
    good = _steps((None, reply("How many hours?", question="hours"), blank),
                  ("why?", reply("Because… Back to my question: how many hours?", question="hours"), blank),
                  ("5", reply("Ads?", question="ads"), blank.with_answer("resources.hours_per_week", 5)))
    assert repeated_questions(good) == []


def test_language_adherence_on_good_and_bad_replies() -> None:
    swedish = "Noterat: tid för sociala medier: 4 tim i veckan. Betalar ni för annonser i sociala medier?"
    assert adherence(swedish, "sv", (), "sv").ok
    assert not adherence(swedish, "en", (), "sv").ok  # the engine did not follow the user
    english = "Noted: time for social media: 4 h a week. Do you pay for ads on social media?"
    assert not adherence(english, "sv", (), "sv").ok  # a template fell back to English
    norwegian = ("Notert: innlegg på Facebook: 3 i uka; Facebook brukes til: salg. Takk – det var alt "
                 "jeg trenger. Gjennomgangen deres er klar.")
    leaning = adherence(norwegian, "nb", (), "nb")
    assert leaning.detected == "da" and leaning.ok and not leaning.confirmed  # close languages


def test_quoted_sources_do_not_count_against_the_reply_language() -> None:
    quote = "Pahin virhe on poistaa kriittinen kommentti tai olla vastaamatta kritiikkiin."
    cited = Citation("c1", "002.txt", quote, "fi", "Täsmävinkit", "", "The worst mistake is to delete it.")
    text = (f"Good question. Here is what the knowledge base says:\n\n“{quote}” [1] — Täsmävinkit\n"
            f"In English: The worst mistake is to delete it.")
    assert quote not in own_words(text, [cited])
    assert adherence(text, "en", [cited], "en").ok


def test_done_at_and_unread_turns() -> None:
    blank = Profile()
    steps = _steps((None, reply("Hi", question="sales_model"), blank),
                   ("blah", reply("Sorry, I didn't quite get that. Could you say it another way, or pick "
                                  "one of the suggestions?", question="sales_model"), blank),
                   ("b2b", reply("Thank you", done=True), blank))
    assert done_at(steps) == 2 and clarifications(steps) == [1]
    assert done_at(steps[:2]) is None


def _scored(script: Script, ctx: Context) -> Score:
    return score(run_script(script, ctx))


def test_a_script_through_the_real_engine(bundled_retriever: Any) -> None:
    ctx = Context(retriever=bundled_retriever)
    side = next(s for s in SCRIPTS if s.id == "de_side_question")
    result = _scored(side, ctx)
    assert result.passed and result.completeness == 1.0 and result.done_at == side.done_within
    assert all(a.ok for a in result.adherence)
    side_turn = next(s for s in result.run.steps if s.message and s.message.startswith("Warum"))
    assert side_turn.reply.citations and side_turn.reply.question == "service"


def test_a_script_whose_expectations_do_not_hold_fails(bundled_retriever: Any) -> None:
    wrong = Script(id="wrong", name="wrong", lang="en", done_within=1,
                   messages=["We sell to businesses through referrals."],
                   expect={"sales.model": "b2c", "sales.close_channels": ["referrals"]})
    result = _scored(wrong, Context(retriever=bundled_retriever))
    assert not result.passed and result.matched == ("sales.close_channels",)
    assert result.missed[0]["got"] == {"value": "b2b", "status": "answered"}
    assert result.done_at is None and result.done_in_time is False


def test_the_suite_on_a_small_subset(bundled_retriever: Any) -> None:
    chosen = [s for s in SCRIPTS if s.id in ("en_all_in_one", "nb_terse", "da_skip")]
    result = evaluate(Context(retriever=bundled_retriever), chosen, fast=True)
    assert [c.id for c in result.cases] == ["da_skip", "en_all_in_one"]  # nb_terse is not fast
    metrics = result.metrics
    assert metrics["completeness"] == 1.0 and metrics["repeated_questions"] == 0.0
    assert metrics["language_adherence"] == 1.0 and metrics["done_within_n"] == 1.0
    assert metrics["questions.mean"] == (10 + 2) / 2
    assert set(metrics) >= {"lang.da.completeness", "lang.en.completeness", "latency.turn_p95_ms",
                            "unread_turns", "scripts_passed"}
    record = result.cases[1].data
    assert record["questions_asked"] == ["sales_model", "deal"] and record["turns"][0]["lang"]["ok"]
    assert [p.name for p in result.plots] == ["completeness_by_language", "questions_per_script"]


def test_the_registered_suite_runs_its_fast_subset(bundled_settings: Settings, bundled_store: Any) -> None:
    result = SUITE.run(bundled_settings, True)
    assert sorted(c.id for c in result.cases) == sorted(s.id for s in SCRIPTS if s.fast)
    assert result.metrics["repeated_questions"] == 0.0 and result.metrics["completeness"] is not None
    assert "repeated_questions" in SUITE.lower_is_better and SUITE.fast_subset
