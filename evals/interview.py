"""The interview suite: scripted conversations through the real engine and the real retriever.

Each script (``evals/interview_scripts/*.yaml``, see ``evals.interview_cases``) is fed turn by
turn to ``bot.interview.engine`` (default mode, no LLM). Per script: profile completeness (share
of expected paths holding the expected value), questions asked (distinct question ids), repeated
questions (a question id asked again after its paths were answered), language adherence (share
of bot replies in the language of the user's message, ``evals.language``) and whether the
interview ended within the script's ``done_within`` user turns. The scorers are pure functions of
the recorded turns; ``--fast`` runs the scripts marked ``fast: true``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.config import Settings
from bot.interview import engine
from bot.interview.messages import render
from bot.interview.policy import load as load_policy
from bot.interview.state import Context, Reply
from bot.profile import Profile
from evals.interview_cases import Script, expectations, load_scripts
from evals.language import Adherence, adherence
from evals.metrics import percentile
from evals.suite import BarPlot, CaseRecord, Metrics, Plot, Suite, SuiteResult, warm_engine_context


@dataclass(frozen=True)
class Step:
    """One bot turn: the user's message before it (None for the greeting), the language that
    message is written in, the reply, the profile after it, and the time the step took."""

    message: str | None
    lang: str
    reply: Reply
    profile: Profile
    ms: float = 0.0


@dataclass(frozen=True)
class Run:
    script: Script
    steps: tuple[Step, ...]
    asked: tuple[str, ...]
    done: bool


def run_script(script: Script, ctx: Context) -> Run:
    """Feed the script's messages to the engine in order, recording every turn."""
    state, reply = engine.start(script.start, ctx)
    steps = [Step(None, script.start, reply, state.profile)]
    for message, lang in script.turns():
        started = time.perf_counter()
        state, reply = engine.step(state, message, ctx)
        steps.append(Step(message, lang, reply, state.profile, (time.perf_counter() - started) * 1000))
    if reply.question == "summary":  # the owner confirms what was understood
        yes = render("summary_yes", state.lang)
        state, reply = engine.step(state, yes, ctx)
        steps.append(Step(yes, state.lang, reply, state.profile))
    return Run(script, tuple(steps), state.asked, state.done)


# -- pure scorers ----------------------------------------------------------------------------

def repeated_questions(steps: Sequence[Step]) -> list[tuple[int, str]]:
    """(turn, question id) for every question asked again after all its paths were answered
    (or closed: skipped, refused, "don't know") at an earlier turn."""
    policy = load_policy()
    asked: set[str] = set()
    answered: set[str] = set()
    out = []
    for turn, step in enumerate(steps):
        question = step.reply.question
        if question is not None and question != "summary":
            if question in answered:
                out.append((turn, question))
            asked.add(question)
        for q in asked - answered:
            if not step.profile.missing(policy.question(q).fills(step.profile)):
                answered.add(q)
    return out


def languages(steps: Sequence[Step]) -> list[Adherence]:
    """Language adherence of every reply to a user message (the greeting precedes any)."""
    return [adherence(s.reply.text, s.reply.lang, s.reply.citations, s.lang)
            for s in steps if s.message is not None]


def clarifications(steps: Sequence[Step]) -> list[int]:
    """User turns (1-based) the bot could not read: it asked again ("Sorry, I didn't quite get
    that") or gave up on the question. Not gated by the pass rule; a measure of the parsers."""
    out = []
    for turn, step in enumerate(steps):
        if step.message is None:
            continue
        said = {render(key, step.reply.lang) for key in ("clarify", "not_understood")}
        if any(s in step.reply.text for s in said):
            out.append(turn)
    return out


def done_at(steps: Sequence[Step]) -> int | None:
    """The user turn (1-based) whose reply ended the interview, or None."""
    return next((i for i, s in enumerate(steps) if s.message is not None and s.reply.done), None)


@dataclass(frozen=True)
class Score:
    run: Run
    matched: tuple[str, ...]
    missed: tuple[dict[str, Any], ...]
    repeats: tuple[tuple[int, str], ...]
    adherence: tuple[Adherence, ...]
    done_at: int | None
    unread: tuple[int, ...] = ()  # user turns the bot could not read

    @property
    def completeness(self) -> float:
        return len(self.matched) / (len(self.matched) + len(self.missed))

    @property
    def language(self) -> float:
        return sum(a.ok for a in self.adherence) / len(self.adherence)

    @property
    def done_in_time(self) -> bool | None:
        """Ended within ``done_within`` user turns; None when the script sets no limit."""
        limit = self.run.script.done_within
        return None if limit is None else self.done_at is not None and self.done_at <= limit

    @property
    def passed(self) -> bool:
        return (self.completeness == 1.0 and not self.repeats and self.language == 1.0
                and self.done_in_time is not False)


def score(run: Run) -> Score:
    profile = run.steps[-1].profile
    matched, missed = [], []
    for expected in expectations(run.script):
        if expected.met(profile):
            matched.append(expected.path)
        else:
            leaf = profile.get(expected.path)
            got = profile.to_dict()["fields"].get(expected.path, {"value": None, "status": leaf.status})
            missed.append({"path": expected.path, "expected": expected.shown(),
                           "got": {"value": got["value"], "status": got["status"]}})
    return Score(run, tuple(matched), tuple(missed), tuple(repeated_questions(run.steps)),
                 tuple(languages(run.steps)), done_at(run.steps), tuple(clarifications(run.steps)))


# -- the suite -------------------------------------------------------------------------------

PASS_RULE = ("every expected profile value is there, no question is repeated after it was "
             "answered, every reply is in the user's language, and the interview ends within "
             "the script's turns")


def metrics(scores: Sequence[Score]) -> Metrics:
    expected = sum(len(s.matched) + len(s.missed) for s in scores)
    turns = [a for s in scores for a in s.adherence]
    limited = [s.done_in_time for s in scores if s.done_in_time is not None]
    out: Metrics = {
        "completeness": sum(len(s.matched) for s in scores) / expected if expected else None,
        "questions.mean": (sum(len(s.run.asked) for s in scores) / len(scores)) if scores else None,
        "questions.max": float(max(len(s.run.asked) for s in scores)) if scores else None,
        "repeated_questions": float(sum(len(s.repeats) for s in scores)),
        "unread_turns": float(sum(len(s.unread) for s in scores)),
        "language_adherence": sum(a.ok for a in turns) / len(turns) if turns else None,
        "language_detected": sum(a.confirmed for a in turns) / len(turns) if turns else None,
        "done_within_n": sum(bool(x) for x in limited) / len(limited) if limited else None,
        "scripts_passed": sum(s.passed for s in scores) / len(scores) if scores else None,
    }
    by_lang: dict[str, list[Score]] = defaultdict(list)
    for s in scores:
        by_lang[s.run.script.lang].append(s)
    for lang, group in sorted(by_lang.items()):
        total = sum(len(s.matched) + len(s.missed) for s in group)
        out[f"lang.{lang}.completeness"] = sum(len(s.matched) for s in group) / total
    latencies = [step.ms for s in scores for step in s.run.steps if step.message is not None]
    for q in (0.5, 0.95):
        value = percentile(latencies, q)
        out[f"latency.turn_p{int(q * 100)}_ms"] = None if value is None else round(value, 2)
    return out


def record(s: Score) -> CaseRecord:
    script = s.run.script
    turns = []
    for step, lang in zip([x for x in s.run.steps if x.message is not None], s.adherence, strict=True):
        turns.append({"user": step.message, "lang": lang.to_json(), "question": step.reply.question,
                      "bot": step.reply.text, "done": step.reply.done, "ms": round(step.ms, 2)})
    return CaseRecord(script.id, s.passed, {
        "name": script.name, "lang": script.lang, "start": script.start, "fast": script.fast,
        "passed": s.passed, "completeness": round(s.completeness, 4), "matched": list(s.matched),
        "missed": list(s.missed), "questions_asked": list(s.run.asked),
        "repeated": [{"turn": t, "question": q} for t, q in s.repeats],
        "unread_turns": list(s.unread),
        "language_adherence": round(s.language, 4), "done_at": s.done_at,
        "done_within": script.done_within, "turns": turns,
        "profile": s.run.steps[-1].profile.to_dict()})


def table(scores: Sequence[Score], figures: Metrics) -> str:
    lines = [f"{'script':20} lang  complete  asked  repeats  unread  language  done at/within"]
    for s in scores:
        script = s.run.script
        done = f"{s.done_at if s.done_at is not None else '-'}/{script.done_within or '-'}"
        expected = len(s.matched) + len(s.missed)
        lines.append(f"{script.id:20} {script.lang:4}  {len(s.matched):2}/{expected:<2}    "
                     f"{len(s.run.asked):5}  {len(s.repeats):7}  {len(s.unread):6}  "
                     f"{s.language:8.3f}  {done:>8}" + ("" if s.passed else "  FAIL"))

    def shown(name: str) -> str:
        value = figures.get(name)
        return "n/a" if value is None else f"{value:.3f}"

    lines.append(f"completeness {shown('completeness')}  questions/script {shown('questions.mean')}  "
                 f"repeated {shown('repeated_questions')}  unread turns {shown('unread_turns')}  "
                 f"language adherence {shown('language_adherence')} "
                 f"(detector confirms {shown('language_detected')})  "
                 f"done within N {shown('done_within_n')}")
    return "\n".join(lines)


def plots(scores: Sequence[Score], figures: Metrics) -> tuple[Plot, ...]:
    langs = sorted({s.run.script.lang for s in scores})
    return (
        BarPlot(name="completeness_by_language", title="Profile completeness per script language",
                categories=tuple(langs),
                series=(("completeness", tuple(figures.get(f"lang.{lang}.completeness") for lang in langs)),),
                ylabel="share of expected values"),
        BarPlot(name="questions_per_script", title="Questions asked per scripted interview",
                categories=tuple(s.run.script.id for s in scores),
                series=(("questions asked", tuple(float(len(s.run.asked)) for s in scores)),
                        ("repeated", tuple(float(len(s.repeats)) for s in scores))),
                ylabel="questions", ylim=None),
    )


def evaluate(ctx: Context, scripts: Sequence[Script], fast: bool) -> SuiteResult:
    chosen = [s for s in scripts if s.fast or not fast]
    scores = [score(run_script(s, ctx)) for s in chosen]
    figures = metrics(scores)
    return SuiteResult(metrics=figures, cases=tuple(record(s) for s in scores),
                       table=table(scores, figures), plots=plots(scores, figures),
                       details={"scripts": len(scores)}, pass_rule=PASS_RULE)


def run(settings: Settings, fast: bool) -> SuiteResult:
    return evaluate(warm_engine_context(settings), load_scripts(), fast)


SUITE = Suite(
    name="interview",
    description="scripted interviews in en/sv/da/nb/fi/de/af through the real engine and retriever: "
                "profile completeness, questions asked, repeated questions, language adherence, "
                "ending within N turns",
    fast_subset="the scripts marked fast (one per behaviour: all-in-one, terse, skip, correction, "
                "contradiction, side question, language switch)",
    run=run,
    lower_is_better=("questions.*", "repeated_questions", "unread_turns", "latency.*"),
)
