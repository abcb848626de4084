"""Personas (evals/personas/*.yaml) pass as tests: every expected finding is there and cites the
right document, no wrong advice is given, and the plan fits the hours and budget they stated."""

from __future__ import annotations

from typing import Any

import pytest

from bot.audit import Audit, build_audit
from bot.audit.evidence import verify_all
from bot.audit.rules import default_rules
from evals.personas import Persona, load_personas

PERSONAS = load_personas()
IDS = [p.id for p in PERSONAS]


@pytest.fixture(scope="module")
def audits(bundled_retriever: Any) -> dict[str, Audit]:
    return {p.id: build_audit(p.profile, bundled_retriever, p.lang) for p in PERSONAS}


def _fired(audit: Audit) -> dict[str, Any]:
    return {f.rule_id: f for f in audit.findings} | {m.rule_id: m for m in audit.misconceptions}


def test_at_least_twelve_varied_personas_in_the_report_languages() -> None:
    assert len(PERSONAS) >= 12
    assert {p.lang for p in PERSONAS} >= {"en", "sv", "da", "nb", "fi", "de"}
    ids = {r.id for r in default_rules()}
    for p in PERSONAS:  # a typo in a persona must not make its check vacuous
        assert set(p.expect_findings) <= ids and set(p.forbid_rules) <= ids, p.id
        assert p.expect_findings and (p.forbid_rules or p.forbid_verdicts), p.id


@pytest.mark.parametrize("persona", PERSONAS, ids=IDS)
def test_expected_findings_cite_the_right_document(persona: Persona, audits: dict[str, Audit]) -> None:
    fired = _fired(audits[persona.id])
    for rule_id, source in persona.expect_findings.items():
        assert rule_id in fired, f"{persona.id}: expected {rule_id}"
        cited = {c.source for c in fired[rule_id].citations}
        assert source in cited, f"{persona.id}: {rule_id} cites {source}"
    verdicts = {v.channel: v.verdict for v in audits[persona.id].channels}
    for channel, verdict in persona.expect_verdicts.items():
        assert verdicts.get(channel) == verdict, f"{persona.id}: {channel}"


@pytest.mark.parametrize("persona", PERSONAS, ids=IDS)
def test_no_wrong_advice(persona: Persona, audits: dict[str, Audit]) -> None:
    audit = audits[persona.id]
    assert not set(persona.forbid_rules) & set(_fired(audit)), persona.id
    verdicts = {v.channel: v.verdict for v in audit.channels}
    for channel, wrong in persona.forbid_verdicts.items():
        assert verdicts.get(channel) not in wrong, f"{persona.id}: {channel} {verdicts.get(channel)}"


@pytest.mark.parametrize("persona", PERSONAS, ids=IDS)
def test_the_plan_fits_the_hours_and_the_budget(persona: Persona, audits: dict[str, Audit]) -> None:
    audit = audits[persona.id]
    plan = audit.plan
    hours = persona.profile.resources.hours_per_week.value
    assert plan.hours_per_week == hours and plan.sized == (hours is not None)
    for phase in plan.phases:
        assert phase.load <= hours + 1e-6, (persona.id, phase.days)
        assert all(a.days == phase.days for a in phase.actions)
    running = sum(v.hours for v in audit.channels if v.verdict in ("keep", "fix", "add"))
    assert running <= hours, persona.id  # "add" only as far as the hours allow
    budget = persona.profile.resources.ad_budget.value
    if budget is None or budget.mid == 0:
        assert not [a for p in plan.phases for a in p.actions if a.paid], persona.id


@pytest.mark.parametrize("persona", PERSONAS, ids=IDS)
def test_every_claim_is_tagged_and_every_citation_resolves(persona: Persona, audits: dict[str, Audit],
                                                          bundled_retriever: Any) -> None:
    audit = audits[persona.id]
    verify_all(audit.citations, bundled_retriever)
    assert all(f.citations for f in audit.findings) and all(m.citations for m in audit.misconceptions)
    assert {c.basis for c in audit.evidence} <= {"user-stated", "cited", "inferred"}
    cited = [c for c in audit.evidence if c.section in ("findings", "misconceptions") and c.basis == "cited"]
    assert len(cited) == len(audit.findings) + len(audit.misconceptions)
    assert all(c.citations for c in cited)


def test_the_web_shop_persona_is_a_complete_profile() -> None:
    web_shop = next(p for p in PERSONAS if p.id == "web_shop")
    assert web_shop.profile.missing() == ()
