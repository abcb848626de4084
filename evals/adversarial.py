"""The adversarial suite: hostile and broken inputs (``evals/adversarial.yaml``) through the real
engine and retriever (default mode, no LLM), each with its expected behaviour.

A case puts the conversation into a state (its ``setup`` messages), sends one message with
``engine.step`` and records an :class:`~evals.adversarial_checks.Observation`; the pure checkers of
``evals.adversarial_checks`` judge it. A case passes when every one of its checks holds.
``--fast`` runs the cases marked ``fast: true``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.config import Settings
from bot.errors import ConfigError
from bot.interview import engine
from bot.interview.state import Context, InterviewState
from evals import consistency
from evals.adversarial_checks import (
    ALWAYS,
    CHECKS,
    NEEDS_REPORT,
    NEEDS_SEARCH,
    Observation,
    numbers,
    run_checks,
)
from evals.metrics import percentile
from evals.suite import BarPlot, CaseRecord, Metrics, Plot, Suite, SuiteResult, warm_engine_context

if TYPE_CHECKING:
    from bot.audit import Audit

PATH = Path(__file__).resolve().parent / "adversarial.yaml"
BLIND = Path(__file__).resolve().parent / "adversarial_blind.yaml"  # written blind, split tune / test
BLIND2 = Path(__file__).resolve().parent / "adversarial_blind2.yaml"  # a second blind set, all test2
BLIND3 = Path(__file__).resolve().parent / "adversarial_blind3.yaml"  # a third blind set, all test3
BLIND4 = Path(__file__).resolve().parent / "adversarial_blind4.yaml"  # a fourth blind set, all test4
LATER = {"test2": BLIND2, "test3": BLIND3, "test4": BLIND4}  # the later blind sets, each one split of its own
Category = Literal["prompt_injection", "fabrication", "off_topic", "empty", "long", "control_chars",
                   "broken_unicode", "markup", "refusal", "contradiction", "language_switch",
                   "claim", "pasted", "other_session", "request_audit", "noise", "restart", "question_bot"]
NEVER_FAIL = frozenset({"markup", "empty", "control_chars", "broken_unicode", "noise", "other_session",
                        "fabrication", "prompt_injection"})  # issue 15: kinds of case that must never fail
SHOWN = 300  # characters of a long message or reply kept in a case record


class AdversarialCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    category: Category
    lang: str = "en"
    setup: list[str] = Field(default_factory=list)
    message: str
    repeat: int | None = Field(default=None, ge=1)
    fast: bool = False
    note: str = ""
    # the blind cases' split; None: the project's own
    split: Literal["tune", "test", "test2", "test3", "test4"] | None = None
    claim: dict[str, Any] | None = None  # a claim case: verdict (supported/contradicted/none), doc, quote
    expect: dict[str, Any] = Field(default_factory=dict)

    @field_validator("expect")
    @classmethod
    def _known_checks(cls, expect: dict[str, Any]) -> dict[str, Any]:
        unknown = [name for name in expect if name not in CHECKS or name in ALWAYS]
        if unknown:
            choices = ", ".join(n for n in CHECKS if n not in ALWAYS)
            raise ValueError(f"unknown check {', '.join(unknown)}; choose among {choices}")
        return expect

    def checks(self) -> dict[str, Any]:
        """What the case expects, with its claim's verdict (``claim_verdict``) when it has one."""
        claim = {"claim_verdict": self.claim} if self.claim is not None else {}
        return {**self.expect, **claim}

    def text(self) -> str:
        """The message as sent: repeated up to ``repeat`` characters when asked."""
        if self.repeat is None:
            return self.message
        return (self.message * (self.repeat // max(len(self.message), 1) + 1))[:self.repeat]


def load_cases(path: Path = PATH) -> list[AdversarialCase]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        cases = [AdversarialCase.model_validate(c) for c in raw.get("cases") or ()]
    except (OSError, yaml.YAMLError, ValueError) as err:
        raise ConfigError(f"invalid adversarial cases {path}: {' '.join(str(err).split())[:300]}") from err
    ids = [c.id for c in cases]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"invalid adversarial cases {path}: ids repeat")
    return cases


def chosen_cases(splits: str | None = None) -> list[AdversarialCase]:
    """The project's own cases and the blind cases of the chosen splits (comma-separated, as
    ``SOCIAL_AUDIT_CONVERSATION_SPLITS`` gives them; by default the tune split: the test split is
    read once; test2, test3 and test4, the later blind sets, too)."""
    wanted = {s.strip() for s in (splits or "tune").split(",")} & {"tune", "test", *LATER}
    later = [c for split, path in LATER.items() if split in wanted for c in load_cases(path)]
    blind = load_cases(BLIND) + later
    return load_cases(PATH) + [c for c in blind if c.split in wanted]


@lru_cache(maxsize=1)
def bot_numbers() -> frozenset[float]:
    """Numbers in the bot's own texts: its messages, its questions, and the vocabularies its
    parsers read numbers from ("same day" is 8 hours, "every day" 7 days a week)."""
    data = resources.files("bot") / "data"
    out: set[float] = set()
    for name in ("interview_messages.yaml", "interview.yaml", "answers.yaml"):
        out |= {x for r in numbers((data / name).read_text(encoding="utf-8")) for x in r}
    return frozenset(out)


# -- running one case --------------------------------------------------------------------------

def _setup(case: AdversarialCase, ctx: Context) -> InterviewState:
    state, _ = engine.start(case.lang, ctx)
    for message in case.setup:
        state, _ = engine.step(state, message, ctx)
    return state


def observe(case: AdversarialCase, ctx: Context) -> Observation:
    """Send the case's message in the state its setup leads to, and gather what the checks read."""
    before = _setup(case, ctx)
    message = case.text()
    common: dict[str, Any] = {"message": message, "user_messages": (*case.setup, message),
                              "before": before, "bot_numbers": bot_numbers()}
    started = time.perf_counter()
    try:
        after, reply = engine.step(before, message, ctx)
    except Exception as err:  # noqa: BLE001 - the check reports any exception as the failure
        return Observation(**common, error=f"{type(err).__name__}: {str(err)[:200]}",
                           ms=(time.perf_counter() - started) * 1000)
    ms = (time.perf_counter() - started) * 1000
    retriever = ctx.retriever
    assert retriever is not None
    passages = {c.chunk_id: (chunk.text if (chunk := retriever.chunk(c.chunk_id)) else None)
                for c in reply.citations}
    hits = None
    if NEEDS_SEARCH & set(case.checks()):
        hits = len(retriever.search(" ".join(message.split()), k=5))
    audit = _audit(after, retriever)
    rendered = _render(audit) if NEEDS_REPORT & set(case.checks()) else {}
    return Observation(**common, after=after, reply=reply, ms=ms, passages=passages, hits=hits,
                       rendered=rendered, caught=consistency.caught(audit), shown=consistency.shown(audit))


def _audit(state: InterviewState, retriever: Any) -> Audit:
    """The audit of the profile after the step (every case's: the consistency checks run on it)."""
    from bot.audit import build_audit, report_lang

    return build_audit(state.profile, retriever, report_lang(state.lang))


def _render(audit: Audit) -> dict[str, str]:
    """The audit as HTML and Markdown (the user's words in it)."""
    from bot.audit import render

    return {fmt: str(render(audit, fmt)) for fmt in ("html", "md")}


# -- the suite ---------------------------------------------------------------------------------

PASS_RULE = ("every expected behaviour holds, and always: no exception, the state survives UTF-8 "
             "JSON, no number in the reply from no source, every quote verbatim in its passage")


def _safe(value: Any) -> Any:
    """``value`` with every string UTF-8-encodable (a lone surrogate becomes ``\\ud800``), so the
    case writes as JSON; control characters stay (JSON escapes them)."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_safe(k): _safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(v) for v in value]
    return value


def record(case: AdversarialCase, obs: Observation, checks: dict[str, str | None]) -> CaseRecord:
    passed = all(v is None for v in checks.values())
    message = case.text()
    reply = obs.reply
    return CaseRecord(case.id, passed, _safe({
        "category": case.category, "split": case.split, "note": case.note, "lang": case.lang,
        "setup": case.setup,
        "message": message[:SHOWN], "message_chars": len(message), "expect": case.expect,
        "passed": passed, "checks": checks, "error": obs.error, "ms": round(obs.ms, 2),
        "reply": None if reply is None else {"text": reply.text[:2000], "lang": reply.lang,
                                             "question": reply.question, "done": reply.done,
                                             "citations": [c.chunk_id for c in reply.citations]},
        "hits": obs.hits, "consistency": {"caught": list(obs.caught), "shown": list(obs.shown)}}))


def metrics(cases: Sequence[AdversarialCase], results: Sequence[dict[str, str | None]],
            latencies: Sequence[float], observations: Sequence[Observation] = ()) -> Metrics:
    passed = [all(v is None for v in r.values()) for r in results]
    checks = [v for c, r in zip(cases, results, strict=True) if c.split is None for v in r.values()]
    own = [ok for case, ok in zip(cases, passed, strict=True) if case.split is None]
    blind = [ok for case, ok in zip(cases, passed, strict=True) if case.split is not None]
    out: Metrics = {
        "passed": sum(own) / len(own) if own else None,
        **({"blind.passed": sum(blind) / len(blind)} if blind else {}),  # absent from a --fast run
        "all.passed": sum(passed) / len(passed) if passed else None,
        "checks_passed": sum(v is None for v in checks) / len(checks) if checks else None,
        "exceptions": float(sum(r["no_exception"] is not None for r in results)),
        **consistency.figures((o.caught, o.shown) for o in observations),
    }
    for prefix, blind_ones in (("", False), ("blind.", True)):
        rows = [(c, r, ok) for c, r, ok in zip(cases, results, passed, strict=True)
                if (c.split is not None) == blind_ones]
        by_check: dict[str, list[bool]] = defaultdict(list)
        by_category: dict[str, list[bool]] = defaultdict(list)
        for case, r, ok in rows:
            by_category[case.category].append(ok)
            for name, why in r.items():
                by_check[name].append(why is None)
        out |= {f"{prefix}check.{name}": sum(oks) / len(oks) for name, oks in sorted(by_check.items())}
        out |= {f"{prefix}category.{name}": sum(oks) / len(oks) for name, oks in sorted(by_category.items())}
    must = [ok for c, _, ok in zip(cases, results, passed, strict=True)
            if c.split is not None and c.category in NEVER_FAIL]
    if must:
        out["blind.never_fail.passed"] = sum(must) / len(must)
    for q in (0.5, 0.95):
        value = percentile(latencies, q)
        out[f"latency.step_p{int(q * 100)}_ms"] = None if value is None else round(value, 2)
    return out


def table(cases: Sequence[AdversarialCase], results: Sequence[dict[str, str | None]],
          figures: Metrics) -> str:
    lines = []
    by_category: dict[str, list[tuple[str, dict[str, str | None]]]] = defaultdict(list)
    for case, r in zip(cases, results, strict=True):
        by_category[case.category].append((case.id, r))
    for name, rows in by_category.items():
        ok = sum(all(v is None for v in r.values()) for _, r in rows)
        lines.append(f"{name:16} {ok}/{len(rows)} pass")
        for case_id, r in rows:
            for check, why in r.items():
                if why is not None:
                    lines.append(_safe(f"   FAIL {case_id}: {check}: {why}"))
    shown = {k: ("n/a" if v is None else f"{v:.3f}") for k, v in figures.items()}
    lines.append(f"cases passed {shown['passed']} (blind cases {shown.get('blind.passed', 'none run')})  "
                 f"checks passed {shown['checks_passed']}  "
                 f"exceptions {shown['exceptions']}  step p95 {shown['latency.step_p95_ms']} ms  "
                 f"consistency violations {shown.get('consistency.violations', 'n/a')} (left shown "
                 f"{shown.get('consistency.shown', 'n/a')})")
    return "\n".join(lines)


def plots(figures: Metrics) -> tuple[Plot, ...]:
    names = sorted(k.removeprefix("category.") for k in figures if k.startswith("category."))
    return (BarPlot(name="pass_by_category", title="Adversarial cases passed per category",
                    categories=tuple(names),
                    series=(("passed", tuple(figures[f"category.{n}"] for n in names)),),
                    ylabel="share of cases"),)


def evaluate(ctx: Context, cases: Sequence[AdversarialCase], fast: bool) -> SuiteResult:
    chosen = [c for c in cases if c.fast or not fast]
    observations = [observe(c, ctx) for c in chosen]
    results = [run_checks(o, c.checks()) for c, o in zip(chosen, observations, strict=True)]
    figures = metrics(chosen, results, [o.ms for o in observations], observations)
    return SuiteResult(
        metrics=figures,
        cases=tuple(record(c, o, r) for c, o, r in zip(chosen, observations, results, strict=True)),
        table=table(chosen, results, figures), plots=plots(figures),
        details={"cases": len(chosen)}, pass_rule=PASS_RULE)


def run(settings: Settings, fast: bool) -> SuiteResult:
    import os

    splits = os.environ.get("SOCIAL_AUDIT_CONVERSATION_SPLITS")
    return evaluate(warm_engine_context(settings), chosen_cases(splits), fast)


SUITE = Suite(
    name="adversarial",
    description="hostile and broken inputs (prompt injection, fabrication requests, off-topic, empty, "
                "20 000 characters, control characters, broken Unicode, markup, refusals, "
                "contradictions, language switching) through the real engine, each with its "
                "expected behaviour",
    fast_subset="the cases marked fast (at least one per category)",
    run=run,
    lower_is_better=("exceptions", "latency.*", "consistency.*"),
)
