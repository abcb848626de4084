"""The conversations suite: owner personas written blind, talked through the real interview.

A simulated owner (``evals.owner``) answers each question the bot asks from the persona's
written answers, confirms the summary and settles contradictions with its gold values; then the
audit is built from the profile the interview ended with (default mode, no LLM, the real index).

Per conversation, over the facts of the profile (a set counts one fact per member; free text is
not scored), against the gold of the answers the owner actually gave:
- precision: recorded facts that are right; wrong facts: recorded facts that are not;
- recall: gold facts recorded;
- findings coverage: expected findings made citing the expected document; wrong advice: forbidden
  rules that fired; the same for the audit built from the gold profile ("audit alone");
- user turns to the audit, and whether it ended at all (within ``MAX_TURNS``).
Figures per split and per language. ``--fast`` runs the dev split (the test split is read once,
by ``--split test``, after the choices are made).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.interview import engine
from bot.interview.state import Context
from bot.profile import PATHS, SETTLED, Profile
from evals import consistency
from evals.audit import finding_status, fired, situation_rules, situation_wrong
from evals.conversation_cases import UNSCORED, Conversation, load_conversations
from evals.metrics import percentile, share
from evals.owner import Owner, matches
from evals.suite import BarPlot, CaseRecord, Metrics, Suite, SuiteResult, warm_engine_context

MAX_TURNS = 30  # a conversation not done by then "never ends"
TURN_LIMIT = 12  # the bound: the audit within 12 user turns


def facts(values: dict[str, Any]) -> list[tuple[str, Any]]:
    """(path, value) facts of a profile's values: one per member of a set."""
    out: list[tuple[str, Any]] = []
    for path, value in values.items():
        if path in UNSCORED or path.endswith(".results"):
            continue
        if isinstance(value, frozenset):
            out += [(path, frozenset({member})) for member in sorted(value)]
        else:
            out.append((path, value))
    return out


def recorded(profile: Profile) -> dict[str, Any]:
    """The values the interview holds as said or inferred (not skipped, unknown, contradicted)."""
    return {p: profile.get(p).value for p in PATHS
            if profile.get(p).status in SETTLED and profile.get(p).value is not None}


def _right(path: str, value: Any, gold: dict[str, Any]) -> bool:
    want = gold.get(path)
    if want is None:
        return False
    if isinstance(value, frozenset) and isinstance(want, frozenset):
        return value <= want
    return matches(path, want, value)


def compare(got: dict[str, Any], gold: dict[str, Any], truth: dict[str, Any] | None = None) -> tuple[
        list, list, list, list]:
    """(right facts, wrong facts, missed gold facts, true facts): ``gold`` is what the owner's
    messages state, ``truth`` all the persona states about the business. A fact that is not in
    ``gold`` but is true of the business (said in passing where the writer tagged it under
    another answer, or inferred from what was said) is not wrong: it is counted apart, so that
    precision (right or true) and precision.said (right only) can both be shown."""
    right: list[tuple[str, Any]] = []
    wrong: list[tuple[str, Any]] = []
    true: list[tuple[str, Any]] = []
    for path, value in facts(got):
        if _right(path, value, gold):
            right.append((path, value))
        elif truth is not None and _right(path, value, truth):
            true.append((path, value))
        else:
            wrong.append((path, value))
    missed = [(p, v) for p, v in facts(gold) if not _right(p, v, got)]
    return right, wrong, missed, true


@dataclass(frozen=True)
class Talk:
    conversation: Conversation
    turns: tuple[tuple[str, str], ...]  # (user message, bot reply)
    profile: Profile
    done: bool
    user_turns: int
    gold: dict[str, Any]
    ms: tuple[float, ...] = ()


def talk(conversation: Conversation, ctx: Context) -> Talk:
    state, reply = engine.start(conversation.lang, ctx)
    owner = Owner(conversation)
    turns: list[tuple[str, str]] = []
    ms: list[float] = []
    while not state.done and len(turns) < MAX_TURNS:
        owner, message = owner.reply(state, reply)
        started = time.perf_counter()
        state, reply = engine.step(state, message, ctx)
        ms.append((time.perf_counter() - started) * 1000)
        turns.append((message, reply.text))
    return Talk(conversation, tuple(turns), state.profile, state.done, len(turns),
                conversation.gold(owner.said()), tuple(ms))


@dataclass(frozen=True)
class Outcome:
    talk: Talk
    right: tuple = ()
    wrong: tuple = ()
    missed: tuple = ()
    findings: dict[str, str] = field(default_factory=dict)  # rule -> ok | missing | wrong document
    wrong_advice: tuple[str, ...] = ()
    gold_findings: dict[str, str] = field(default_factory=dict)
    gold_wrong_advice: tuple[str, ...] = ()
    true: tuple = ()  # facts true of the business that the messages given did not state (see compare)
    caught: tuple[str, ...] = ()  # consistency violations corrected while building its audit
    shown: tuple[str, ...] = ()  # and left in the audit as shown
    gold_caught: tuple[str, ...] = ()  # the same for the audit of the gold profile
    gold_shown: tuple[str, ...] = ()

    @property
    def ended(self) -> bool:
        return self.talk.done and self.talk.user_turns <= TURN_LIMIT

    @property
    def passed(self) -> bool:
        return (not self.wrong and not self.wrong_advice and self.ended
                and all(v == "ok" for v in self.findings.values()))


@dataclass(frozen=True)
class _Made:
    findings: dict[str, str]
    wrong_advice: tuple[str, ...]
    caught: tuple[str, ...]
    shown: tuple[str, ...]


def _findings(conversation: Conversation, profile: Profile, passages: Any) -> _Made:
    from bot.audit import build_audit
    from bot.audit.engine import languages

    lang = conversation.lang if conversation.lang in languages() else "en"  # no Afrikaans report yet
    audit = build_audit(profile, passages, lang)
    made = fired(audit)
    answers = situation_rules(audit, passages)
    answered = frozenset(r for rules in answers.values() for r in rules)
    status = {r: finding_status(made, r, source, answered)
              for r, source in conversation.expect_findings.items()}
    wrong = [r for r in conversation.forbid_rules if r in made]
    return _Made(status, tuple(wrong + situation_wrong(answers, conversation.forbid_rules)),
                 consistency.caught(audit), consistency.shown(audit))


def assess(t: Talk, passages: Any) -> Outcome:
    right, wrong, missed, true = compare(recorded(t.profile), t.gold, t.conversation.gold())
    talked = _findings(t.conversation, t.profile, passages)
    gold = _findings(t.conversation, t.conversation.gold_profile(), passages)
    return Outcome(t, tuple(right), tuple(wrong), tuple(missed), talked.findings, talked.wrong_advice,
                   gold.findings, gold.wrong_advice, tuple(true), talked.caught, talked.shown,
                   gold.caught, gold.shown)


def figures(outcomes: Sequence[Outcome], prefix: str = "") -> Metrics:
    right = sum(len(o.right) for o in outcomes)
    wrong = sum(len(o.wrong) for o in outcomes)
    true = sum(len(o.true) for o in outcomes)
    missed = sum(len(o.missed) for o in outcomes)
    found = [v for o in outcomes for v in o.findings.values()]
    gold_found = [v for o in outcomes for v in o.gold_findings.values()]
    turns = [o.talk.user_turns for o in outcomes if o.talk.done]
    n = len(outcomes)
    return {
        f"{prefix}precision": share(right + true, right + true + wrong),
        f"{prefix}precision.said": share(right, right + true + wrong),
        f"{prefix}recall": share(right, right + missed),
        f"{prefix}wrong_facts.mean": wrong / n if n else None,
        f"{prefix}findings.coverage": share(sum(v == "ok" for v in found), len(found)),
        f"{prefix}wrong_advice": float(sum(len(o.wrong_advice) for o in outcomes)),
        f"{prefix}gold.findings.coverage": share(sum(v == "ok" for v in gold_found), len(gold_found)),
        f"{prefix}gold.wrong_advice": float(sum(len(o.gold_wrong_advice) for o in outcomes)),
        f"{prefix}turns.mean": sum(turns) / len(turns) if turns else None,
        f"{prefix}turns.max": float(max(turns)) if turns else None,
        f"{prefix}ended_within_12": share(sum(o.ended for o in outcomes), n),
        f"{prefix}never_ended": float(sum(not o.talk.done for o in outcomes)),
        **consistency.figures(((o.caught, o.shown) for o in outcomes), prefix),
        **consistency.figures(((o.gold_caught, o.gold_shown) for o in outcomes), f"{prefix}gold."),
    }


def metrics(outcomes: Sequence[Outcome]) -> Metrics:
    out = figures(outcomes)
    for lang in sorted({o.talk.conversation.lang for o in outcomes}):
        out |= figures([o for o in outcomes if o.talk.conversation.lang == lang], f"lang.{lang}.")
    for split in sorted({o.talk.conversation.split for o in outcomes}):
        out |= figures([o for o in outcomes if o.talk.conversation.split == split], f"split.{split}.")
    ms = [m for o in outcomes for m in o.talk.ms]
    for q in (0.5, 0.95):
        value = percentile(ms, q)
        out[f"turn_ms.p{int(q * 100)}"] = None if value is None else round(value, 3)
    return out


def _shown(facts_: Iterable[tuple[str, Any]]) -> list[str]:
    return [f"{p}={sorted(v) if isinstance(v, frozenset) else v}" for p, v in facts_]


def record(o: Outcome) -> CaseRecord:
    c = o.talk.conversation
    return CaseRecord(c.id, o.passed, {
        "lang": c.lang, "split": c.split, "kind": c.kind, "user_turns": o.talk.user_turns,
        "done": o.talk.done, "wrong": _shown(o.wrong), "missed": _shown(o.missed),
        "wrong_from": {f: o.talk.profile.get(p).source_message for f, (p, _) in zip(_shown(o.wrong), o.wrong,
                                                                                      strict=True)},
        "right": _shown(o.right), "true": _shown(o.true), "findings": o.findings,
        "wrong_advice": list(o.wrong_advice),
        "gold_findings": o.gold_findings, "gold_wrong_advice": list(o.gold_wrong_advice),
        "consistency": {"caught": list(o.caught), "shown": list(o.shown),
                        "gold_caught": list(o.gold_caught), "gold_shown": list(o.gold_shown)},
        "turns": [{"user": u, "bot": b} for u, b in o.talk.turns]})


def table(outcomes: Sequence[Outcome], m: Metrics) -> str:
    def shown(name: str) -> str:
        value = m.get(name)
        return "n/a" if value is None else f"{value:.3f}"

    lines = [f"{'':10} {'precision':>9} {'recall':>7} {'wrong/conv':>10} {'findings':>8} {'wrong adv':>9} "
             f"{'gold find':>9} {'turns':>6} {'ended':>6}"]
    groups = [("all", "")] + [(f"lang {x}", f"lang.{x}.") for x in sorted({o.talk.conversation.lang
                                                                           for o in outcomes})]
    for label, prefix in groups:
        lines.append(f"{label:10} {shown(prefix + 'precision'):>9} {shown(prefix + 'recall'):>7} "
                     f"{shown(prefix + 'wrong_facts.mean'):>10} {shown(prefix + 'findings.coverage'):>8} "
                     f"{shown(prefix + 'wrong_advice'):>9} {shown(prefix + 'gold.findings.coverage'):>9} "
                     f"{shown(prefix + 'turns.mean'):>6} {shown(prefix + 'ended_within_12'):>6}")
    lines.append(f"turn p50/p95 {shown('turn_ms.p50')}/{shown('turn_ms.p95')} ms  consistency violations "
                 f"{shown('consistency.violations')} (gold profiles {shown('gold.consistency.violations')}; "
                 f"left shown {shown('consistency.shown')}/{shown('gold.consistency.shown')})")
    return "\n".join(lines)


def evaluate(ctx: Context, conversations: Sequence[Conversation]) -> SuiteResult:
    outcomes = [assess(talk(c, ctx), ctx.retriever) for c in conversations]
    m = metrics(outcomes)
    langs = tuple(sorted({o.talk.conversation.lang for o in outcomes}))
    plot = BarPlot(name="conversations", title="Conversations: facts and findings per language",
                   categories=langs,
                   series=tuple((name, tuple(m.get(f"lang.{x}.{name}") for x in langs))
                                for name in ("precision", "recall", "findings.coverage")))
    return SuiteResult(metrics=m, cases=tuple(record(o) for o in outcomes), table=table(outcomes, m),
                       plots=(plot,), details={"conversations": len(outcomes),
                                               "splits": sorted({c.split for c in conversations})},
                       pass_rule="no wrong fact, no wrong advice, every expected finding, the audit "
                                 f"within {TURN_LIMIT} user turns")


def run_splits(settings: Settings, splits: Sequence[str]) -> SuiteResult:
    return evaluate(warm_engine_context(settings), load_conversations(splits=splits))


def run(settings: Settings, fast: bool) -> SuiteResult:
    import os

    chosen = os.environ.get("SOCIAL_AUDIT_CONVERSATION_SPLITS")
    splits = tuple(chosen.split(",")) if chosen else ("dev",) if fast else ("tune", "dev")
    return run_splits(settings, splits)


SUITE = Suite(
    name="conversations",
    description="owner personas written blind, answered by a simulated owner through the real "
                "interview and audit: field precision and recall, wrong facts, findings coverage, "
                "wrong advice, user turns to the audit",
    fast_subset="the dev split (the test split is read only by --split test)",
    run=run,
    lower_is_better=("wrong_facts.*", "*wrong_advice", "*consistency.*", "turns.*", "never_ended",
                     "turn_ms.*",
                     "*.wrong_facts.*", "*.turns.*", "*.never_ended"),
)
