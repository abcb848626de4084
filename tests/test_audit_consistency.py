"""The consistency checks (bot/audit/consistency.py): each catches an audit built to break it, the
product corrects what it catches before the audit is shown, and the personas' audits have none."""

from __future__ import annotations

import logging
from dataclasses import replace
from importlib import resources
from typing import Any

import pytest

from bot.audit import build_audit, render
from bot.audit.config import scoring_config
from bot.audit.consistency import check, settle, settle_gaps, settle_plan
from bot.audit.facts import Facts
from bot.audit.model import Action, Audit, Gap, Phase
from bot.audit.rules import RulesError, default_rules, load_rules
from bot.audit.texts import ui_for
from bot.profile import Profile
from evals.personas import load_personas

PERSONAS = {p.id: p for p in load_personas()}
RULES = {r.id: r for r in default_rules()}


def audit_of(persona: str, bundled_retriever: Any, lang: str = "en") -> Audit:
    return build_audit(PERSONAS[persona].profile, bundled_retriever, lang)


def caught(audit: Audit, name: str) -> list[str]:
    return [v.ref for v in check(audit) if v.check == name]


def settled(audit: Audit) -> tuple[Any, ...]:
    facts = Facts(audit.profile, scoring_config())
    return settle(audit.channels, audit.findings, audit.misconceptions, RULES, facts, scoring_config(),
                  ui_for(audit.lang))


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_the_personas_audits_have_no_violation(persona: str, bundled_retriever: Any) -> None:
    p = PERSONAS[persona]
    audit = build_audit(p.profile, bundled_retriever, p.lang)
    assert audit.corrected == ()
    assert check(audit) == ()


# -- verdicts against stated facts ----------------------------------------------------------------

def test_a_used_channel_shown_as_not_in_use_or_add_is_caught_and_dropped(bundled_retriever: Any) -> None:
    audit = audit_of("web_shop", bundled_retriever)
    assert check(audit) == ()
    bad = tuple(replace(v, verdict="add", in_use=False) if v.channel == "instagram" else v
                for v in audit.channels)
    broken = replace(audit, channels=bad)
    assert caught(broken, "verdicts") == ["instagram"]
    channels, *_, violations = settled(broken)
    assert "instagram" not in {v.channel for v in channels} and violations


def test_a_channel_not_used_shown_as_kept_is_caught(bundled_retriever: Any) -> None:
    audit = audit_of("local_shop", bundled_retriever)  # instagram is not used: "add"
    bad = tuple(replace(v, verdict="keep", in_use=True) if v.channel == "instagram" else v
                for v in audit.channels)
    assert caught(replace(audit, channels=bad), "verdicts") == ["instagram"]


@pytest.mark.parametrize("answers", [{"email_list.has_list": True}, {"email_list.size": 500}])
def test_an_owned_email_list_is_never_add_email_nor_set_up(answers: dict[str, Any],
                                                            bundled_retriever: Any) -> None:
    profile = PERSONAS["local_shop"].profile  # no list; email not used -> "add email"
    profile = profile.with_answer("email_list.has_list", None, "unknown")
    for path, value in answers.items():
        profile = profile.with_answer(path, value)
    audit = build_audit(profile, bundled_retriever, "en")
    email = next(v for v in audit.channels if v.channel == "email")
    assert (email.verdict, email.in_use) == ("fix", False)
    steps = [a.key for p in audit.plan.phases for a in p.actions] + [a.key for a in audit.plan.deferred]
    assert "add:email" not in steps
    assert check(audit) == () and audit.corrected == ()
    # the same audit as it would have been without the fix: caught
    added = replace(audit, channels=tuple(replace(v, verdict="add") if v.channel == "email" else v
                                          for v in audit.channels))
    assert caught(added, "verdicts") == ["email"]
    first = audit.plan.phases[0]
    step = Action("add:email", "Start email: set it up", channel="email", hours=2.0, weekly=0.5, days=30)
    planned = replace(audit, plan=replace(audit.plan, phases=(replace(first, actions=(*first.actions, step)),
                                                              *audit.plan.phases[1:])))
    assert caught(planned, "verdicts") == ["email"]


# -- what is said about the owner -------------------------------------------------------------------

def test_a_finding_that_says_what_the_profile_does_not_hold_is_caught_and_dropped(
        bundled_retriever: Any) -> None:
    audit = audit_of("local_shop", bundled_retriever)
    assert "criticism-plan" in {f.rule_id for f in audit.findings}
    other = replace(audit, profile=audit.profile.with_answer("criticism.has_plan_for_criticism", True))
    assert "criticism-plan" in caught(other, "assertions")
    _, found, _, violations = settled(other)
    assert "criticism-plan" not in {f.rule_id for f in found}
    assert any(v.ref == "criticism-plan" for v in violations)


def test_a_misconception_the_owner_does_not_hold_is_caught(bundled_retriever: Any) -> None:
    audit = audit_of("deletes_criticism", bundled_retriever)
    assert "mistakes-rarely-disasters" in {m.rule_id for m in audit.misconceptions}
    other = replace(audit, profile=audit.profile.with_answer("criticism.deletes_critical_comments", False))
    assert "mistakes-rarely-disasters" in caught(other, "assertions")


def test_a_per_channel_finding_is_checked_for_each_channel_it_names(bundled_retriever: Any) -> None:
    audit = audit_of("restaurant", bundled_retriever)
    finding = next(f for f in audit.findings if f.rule_id == "no-reason-no-presence")
    named = replace(finding, channels=(*finding.channels, "instagram"))  # instagram has purposes
    broken = replace(audit, findings=tuple(named if f is finding else f for f in audit.findings))
    assert caught(broken, "assertions") == ["no-reason-no-presence"]


def test_every_text_that_speaks_of_the_owner_has_an_assertion() -> None:
    """A finding that says "you ...", or a misconception's belief, says something about the owner:
    its rule must say what (``asserts``), so that it is checked against the profile."""
    for rule in default_rules():
        text = rule.text("en")
        speaks = text.finding.startswith(("You ", "Your ")) or text.belief is not None
        assert not speaks or rule.asserts is not None, rule.id


def test_an_assertion_that_does_not_parse_names_the_rule() -> None:
    raw = (resources.files("bot") / "data" / "audit_rules.yaml").read_text(encoding="utf-8")
    broken = raw.replace("  asserts: {resources.responder: {is: nobody}}",
                         "  asserts: {resources.responder: {is: nobody_at_all}}", 1)
    assert broken != raw
    with pytest.raises(RulesError, match="service-staffing.*asserts"):
        load_rules(broken)


def test_ads_are_never_said_to_run_on_social_media(bundled_retriever: Any) -> None:
    """The interview asks whether the owner pays for ads, not where: no text says they advertise
    on social media."""
    audit = audit_of("web_shop", bundled_retriever)
    text = next(f.text for f in audit.findings if f.rule_id == "platform-brand-privacy")
    assert text.startswith("You pay for ads and are on social media.")
    for rule in default_rules():
        assert "advertise on social media" not in rule.text("en").finding.split(".")[0], rule.id


# -- inferences ---------------------------------------------------------------------------------

def _shop(model: str | None) -> Profile:
    profile = PERSONAS["local_shop"].profile
    profile = profile.with_answer("sales.close_channels", frozenset({"physical_shop"}), "inferred",
                                  "We run a gym with a front desk")
    if model is None:
        return profile.with_answer("sales.model", "b2c", "inferred", "We run a gym with a front desk")
    return profile.with_answer("sales.model", model)


@pytest.mark.parametrize("model", [None, "b2b"])
def test_a_shop_inferred_from_no_stated_fact_is_never_said(model: str | None, bundled_retriever: Any,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.audit.engine"):
        audit = build_audit(_shop(model), bundled_retriever, "en")
    assert "shop-instagram" not in {f.rule_id for f in audit.findings}
    assert "sell through a shop" not in str(render(audit, "md"))
    assert any(v.check == "inferences" and v.ref == "shop-instagram" for v in audit.corrected)
    assert "audit consistency: inferences shop-instagram" in caplog.text
    assert check(audit) == ()


def test_a_shop_inferred_for_an_owner_who_said_they_sell_to_consumers_is_said(
        bundled_retriever: Any) -> None:
    audit = build_audit(_shop("b2c"), bundled_retriever, "en")
    assert "shop-instagram" in {f.rule_id for f in audit.findings}
    assert check(audit) == ()


# -- the plan and "did not know" -------------------------------------------------------------------

def test_an_empty_phase_with_a_load_of_its_own_is_caught_and_corrected(bundled_retriever: Any) -> None:
    audit = audit_of("web_shop", bundled_retriever)
    first = audit.plan.phases[0]
    running = sum(v.hours for v in audit.channels if v.verdict in ("keep", "fix"))
    empty = replace(audit.plan, phases=(Phase(first.days, (), running), *audit.plan.phases[1:]))
    assert caught(replace(audit, plan=empty), "plan") == []  # running the kept channels is no task
    loaded = replace(audit.plan, phases=(Phase(first.days, (), running + 3.5), *audit.plan.phases[1:]))
    assert caught(replace(audit, plan=loaded), "plan") == [str(first.days)]
    fixed, violations = settle_plan(loaded, audit.channels)
    assert fixed.phases[0].load == round(running, 2) and len(violations) == 1


def test_did_not_know_for_a_question_never_answered_that_way_is_caught_and_corrected(
        bundled_retriever: Any) -> None:
    audit = audit_of("web_shop", bundled_retriever)
    ui = ui_for("en")
    gap = Gap("criticism.has_plan_for_criticism", "dont_know", "plan for criticism", ("a topic",), (), "x")
    never_asked = audit.profile.with_answer("criticism.has_plan_for_criticism", None, "unknown")
    broken = replace(audit, profile=never_asked, gaps=(*audit.gaps, gap))
    assert caught(broken, "dont_know") == ["criticism.has_plan_for_criticism"]
    fixed, violations = settle_gaps(broken.gaps, Facts(never_asked, scoring_config()), ui)
    assert fixed[-1].status == "unknown" and "did not know" not in fixed[-1].text and violations
    said = never_asked.with_answer("criticism.has_plan_for_criticism", None, "unknown", "I don't know")
    assert caught(replace(broken, profile=said), "dont_know") == []


# -- cuts against recommendations ---------------------------------------------------------------------

def test_a_channel_cut_that_a_finding_recommends_is_caught_and_kept(bundled_retriever: Any) -> None:
    audit = audit_of("infra_b2b", bundled_retriever)  # recruitment recommends LinkedIn
    cut = replace(audit, channels=tuple(replace(v, verdict="cut") if v.channel == "linkedin" else v
                                        for v in audit.channels))
    assert set(caught(cut, "recommendations")) == {"linkedin"}
    channels, *_ = settled(cut)
    assert next(v.verdict for v in channels if v.channel == "linkedin") == "fix"


def test_a_channel_kept_that_a_finding_says_to_cut_is_caught(bundled_retriever: Any) -> None:
    audit = audit_of("infra_b2b", bundled_retriever)  # large-b2b-relations: cut Instagram
    kept = replace(audit, channels=tuple(replace(v, verdict="keep") if v.channel == "instagram" else v
                                         for v in audit.channels))
    assert set(caught(kept, "recommendations")) == {"instagram"}
    channels, *_ = settled(kept)
    assert next(v.verdict for v in channels if v.channel == "instagram") == "cut"


def test_a_channel_a_finding_recommends_stays_while_the_hours_can_run_it(bundled_retriever: Any) -> None:
    """Social selling recommends LinkedIn: with four hours a week it stays beside Facebook, and
    with the two she runs four channels in today (at her pace, scoring.running_needs); with half
    an hour Facebook takes most of it, LinkedIn is cut and the advice to sell on it is not given in
    the same audit."""
    solo = PERSONAS["solo_consultant"].profile
    four = build_audit(solo.with_answer("resources.hours_per_week", 4.0), bundled_retriever, "en")
    two = audit_of("solo_consultant", bundled_retriever)
    for audit in (four, two):
        assert {v.channel: v.verdict for v in audit.channels}["linkedin"] == "fix"
        assert "social-selling" in {f.rule_id for f in audit.findings}
    half = build_audit(solo.with_answer("resources.hours_per_week", 0.5), bundled_retriever, "en")
    assert {v.channel: v.verdict for v in half.channels}["linkedin"] == "cut"
    assert "social-selling" not in {f.rule_id for f in half.findings}
    for audit in (four, two, half):
        assert check(audit) == () and audit.corrected == ()
