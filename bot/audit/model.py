"""The audit as data: frozen dataclasses, and ``Audit.to_json`` in the documented stable schema
(``bot/data/audit.schema.json``).

Citations are kept as ``Citation`` objects everywhere; their ``[n]`` numbers come from the order of
``Audit.citations`` (first appearance in the report: channels, findings, misconceptions).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

from bot.citations import Citation
from bot.profile import Amount, Profile

Basis = Literal["user-stated", "cited", "inferred"]
Verdict = Literal["keep", "fix", "cut", "add"]
Level = Literal["high", "medium", "low"]
PART_NAMES = ("fit", "capacity", "owned_audience", "service_readiness", "measurement")
SCHEMA_ID = "social-audit/audit"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Fact:
    """One profile answer (or a fact derived from answers) that a judgement rests on."""

    path: str
    field: str  # the question it answers, in the report's language
    value: str  # the answer as the report shows it
    status: str  # the profile's status: answered, inferred, ...
    source_message: str | None = None  # the user's own words, when the answer came from a message

    @property
    def basis(self) -> Basis:
        """user-stated: answered, or the user's own "don't know"/"skip"; inferred otherwise."""
        said = self.status in ("unknown", "skipped", "refused") and self.source_message is not None
        return "user-stated" if self.status == "answered" or said else "inferred"

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "field": self.field, "value": self.value, "status": self.status,
                "basis": self.basis, "source_message": self.source_message}


@dataclass(frozen=True)
class Parts:
    """A channel's score parts, 0-100 each; None where an answer it needs is missing."""

    fit: int | None = None
    capacity: int | None = None
    owned_audience: int | None = None
    service_readiness: int | None = None
    measurement: int | None = None

    def items(self) -> list[tuple[str, int | None]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]

    def to_json(self) -> dict[str, int | None]:
        return dict(self.items())


@dataclass(frozen=True)
class ChannelVerdict:
    channel: str
    verdict: Verdict
    score: int  # 0-100
    parts: Parts
    reasons: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()  # those of the rules that moved this channel
    in_use: bool = True
    hours: float = 0.0  # hours a week the channel needs
    rule_ids: tuple[str, ...] = ()
    label: str = ""  # the channel's name in the report's language


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Level
    impact: Level
    effort: Level
    title: str
    text: str
    recommendation: str
    basis: Basis  # of the premise: user-stated answers, or inferred ones ("cited": no premise)
    citations: tuple[Citation, ...]
    channels: tuple[str, ...] = ()  # the channels a per-channel rule matched
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class Misconception:
    rule_id: str
    title: str
    belief: str  # what the owner appears to hold
    text: str  # what the sources say instead
    recommendation: str
    basis: Basis  # of the belief: stated by the user, or inferred from the answers
    citations: tuple[Citation, ...]
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class Action:
    key: str  # "rule:<id>", "cut:<channel>" or "add:<channel>"
    text: str
    rule_id: str | None = None
    channel: str | None = None
    hours: float = 0.0  # one-off hours
    weekly: float = 0.0  # ongoing hours a week once started
    paid: bool = False  # spends ad money
    days: int = 0  # the phase it is planned in (0: not planned)
    deferred: str | None = None  # why it is not planned: "hours" or "budget"

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "text": self.text, "rule_id": self.rule_id, "channel": self.channel,
                "hours": self.hours, "weekly_hours": self.weekly, "paid": self.paid,
                "days": self.days, "deferred": self.deferred}


@dataclass(frozen=True)
class Phase:
    days: int
    actions: tuple[Action, ...]
    load: float  # planned hours a week in this phase: running the channels plus the actions


@dataclass(frozen=True)
class ActionPlan:
    hours_per_week: float | None
    ad_budget: Amount | None
    sized: bool  # False when the hours were not stated
    phases: tuple[Phase, ...]
    deferred: tuple[Action, ...] = ()
    budget_text: str = ""


@dataclass(frozen=True)
class Gap:
    path: str
    status: str  # unknown, dont_know, skipped, refused or contradicted
    field: str
    topics: tuple[str, ...]  # what could not be judged, in the report's language
    rule_ids: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Violation:
    """What a consistency check (``bot/audit/consistency.py``) found in an audit before it was
    shown: the check's name, what it is about (a channel, a rule id, a phase or a profile path)
    and why. The offending part is dropped or corrected; the violation is logged, never shown."""

    check: str
    ref: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"check": self.check, "ref": self.ref, "detail": self.detail}


@dataclass(frozen=True)
class Claim:
    """One line of the evidence appendix: a claim of the report and what it rests on."""

    section: str  # channels, findings, misconceptions, plan, facts
    ref: str  # rule id, channel or path
    text: str
    basis: Basis
    citations: tuple[Citation, ...] = ()
    source_message: str | None = None


def _amount(amount: Amount | None) -> dict[str, Any] | None:
    if amount is None:
        return None
    return {"value": amount.value, "high": amount.high, "currency": amount.currency,
            "monthly": amount.monthly}


@dataclass(frozen=True)
class Audit:
    profile: Profile
    lang: str
    channels: tuple[ChannelVerdict, ...]
    findings: tuple[Finding, ...]
    misconceptions: tuple[Misconception, ...]
    plan: ActionPlan
    gaps: tuple[Gap, ...]
    citations: tuple[Citation, ...]  # every citation once, in [n] order
    narrative: str | None = None
    evidence: tuple[Claim, ...] = ()
    generic: tuple[str, ...] = ()  # a general audit: the key facts not known (named), else empty
    # What the consistency checks caught and corrected while the audit was built (not shown, not
    # in the JSON; the eval suites count them).
    corrected: tuple[Violation, ...] = ()

    def numbers(self) -> dict[Citation, int]:
        return {c: n for n, c in enumerate(self.citations, 1)}

    def to_json(self) -> dict[str, Any]:
        """The stable public shape; see bot/data/audit.schema.json."""
        num = self.numbers()

        def refs(citations: tuple[Citation, ...]) -> list[dict[str, Any]]:
            return [{"n": num[c], "chunk_id": c.chunk_id, "source": c.source, "quote": c.quote}
                    for c in citations]

        return {
            "schema": SCHEMA_ID, "version": SCHEMA_VERSION, "lang": self.lang,
            "profile": self.profile.to_dict(),
            "channels": [{"channel": v.channel, "label": v.label, "in_use": v.in_use,
                          "verdict": v.verdict, "score": v.score, "parts": v.parts.to_json(),
                          "hours_per_week": v.hours, "reasons": list(v.reasons),
                          "rules": list(v.rule_ids), "citations": refs(v.citations)}
                         for v in self.channels],
            "findings": [{"rank": i, "rule_id": f.rule_id, "severity": f.severity, "impact": f.impact,
                          "effort": f.effort, "title": f.title, "text": f.text,
                          "recommendation": f.recommendation, "basis": f.basis,
                          "channels": list(f.channels), "facts": [x.to_json() for x in f.facts],
                          "citations": refs(f.citations)}
                         for i, f in enumerate(self.findings, 1)],
            "misconceptions": [{"rule_id": m.rule_id, "title": m.title, "belief": m.belief,
                                "text": m.text, "recommendation": m.recommendation, "basis": m.basis,
                                "facts": [x.to_json() for x in m.facts], "citations": refs(m.citations)}
                               for m in self.misconceptions],
            "plan": {"hours_per_week": self.plan.hours_per_week, "ad_budget": _amount(self.plan.ad_budget),
                     "sized": self.plan.sized,
                     "phases": [{"days": p.days, "load_hours_per_week": p.load,
                                 "actions": [a.to_json() for a in p.actions]} for p in self.plan.phases],
                     "deferred": [a.to_json() for a in self.plan.deferred]},
            "gaps": [{"path": g.path, "status": g.status, "field": g.field, "topics": list(g.topics),
                      "rules": list(g.rule_ids), "text": g.text} for g in self.gaps],
            "evidence": [{"section": c.section, "ref": c.ref, "text": c.text, "basis": c.basis,
                          "citations": [num[x] for x in c.citations], "source_message": c.source_message}
                         for c in self.evidence],
            "citations": [{"n": n, **c.to_json()} for c, n in num.items()],
            "narrative": self.narrative,
            "generic": list(self.generic),
        }
