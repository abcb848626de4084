"""The audit suite: the personas of ``evals/personas/*.yaml`` through ``build_audit`` on the real index.

Per persona: every expected finding is there and one of its citations is from the expected
document; expected channel verdicts are given; no forbidden rule fires and no forbidden verdict is
given (wrong advice); every citation's quote is verbatim in its stored chunk
(``bot.citations.verify`` against the retriever); two builds give the same JSON (determinism); and
how long a warm build takes. With an LLM configured (``SOCIAL_AUDIT_LLM``), a third build writes
the narrative and ``evals.judge`` scores its faithfulness to the cited passages; a narrative the
judge cannot score counts as a failure. ``--fast`` runs one persona per report language.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.audit import Audit, build_audit
from bot.citations import CitationError, problem, verify
from bot.config import Settings
from evals import consistency
from evals.judge import Judged, judge
from evals.metrics import percentile, share
from evals.personas import Persona, load_personas
from evals.suite import BarPlot, CaseRecord, HistogramPlot, Metrics, Plot, Suite, SuiteResult

FAST = ("cold_outreach", "email_only", "instant_roi", "marketing_only", "recruiting_firm", "restaurant")


@dataclass(frozen=True)
class Outcome:
    """One persona's audit, judged against what the persona expects."""

    persona: Persona
    found: dict[str, str]  # rule id -> "ok", "missing" or "wrong document"
    verdicts: dict[str, tuple[str, str | None]]  # channel -> (expected, given)
    wrong: tuple[str, ...]  # forbidden rules fired, forbidden verdicts given
    citations: int
    invalid: tuple[str, ...]  # why citations do not resolve
    deterministic: bool
    ms: tuple[float, ...]
    error: str | None = None
    judged: Judged | None = None
    cited_sources: dict[str, list[str]] = field(default_factory=dict)
    caught: tuple[str, ...] = ()  # consistency violations corrected while building the audit
    shown: tuple[str, ...] = ()  # consistency violations left in the audit as shown

    @property
    def passed(self) -> bool:
        judged_ok = self.judged is None or self.judged.passed
        return (self.error is None and all(v == "ok" for v in self.found.values())
                and all(e == g for e, g in self.verdicts.values()) and not self.wrong
                and not self.invalid and self.deterministic and judged_ok
                and not self.caught and not self.shown)


def fired(audit: Audit) -> dict[str, Any]:
    """Every rule the audit made, finding or misconception, by rule id."""
    return {f.rule_id: f for f in audit.findings} | {m.rule_id: m for m in audit.misconceptions}


def cited_sources(made: dict[str, Any], rule_id: str) -> list[str]:
    return sorted({c.source for c in made[rule_id].citations}) if rule_id in made else []


def finding_status(made: dict[str, Any], rule_id: str, source: str,
                   answered: frozenset[str] = frozenset()) -> str:
    """"ok" (made, citing ``source``; or a situation finding quotes this rule's anchor, see
    ``situation_rules``: ``answered`` are those rules), "wrong document" or "missing"."""
    if rule_id in answered:
        return "ok"
    if rule_id not in made:
        return "missing"
    return "ok" if source in cited_sources(made, rule_id) else "wrong document"


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.find(quote)
    return (start, start + len(quote)) if start >= 0 else (-1, -1)


def situation_rules(audit: Audit, passages: Any) -> dict[str, frozenset[str]]:
    """Per situation finding (``bot.audit.situations``), the rules whose anchor it quotes: its quote
    and the anchor's overlap in the same stored passage. Such a finding counts as that rule's
    finding: it covers the rule's expected finding, and is wrong advice where the rule is."""
    from bot.audit.evidence import anchor_citations, by_source
    from bot.audit.rules import default_rules
    from bot.audit.situations import PREFIX

    found = [f for f in audit.findings if f.rule_id.startswith(PREFIX)]
    if not found:
        return {}
    index = by_source(passages)
    anchors = [(r.id, c) for r in default_rules() for c in anchor_citations(r, index)]
    out: dict[str, frozenset[str]] = {}
    for f in found:
        rules: set[str] = set()
        for cited in f.citations:
            chunk = passages.chunk(cited.chunk_id)
            text = chunk.text if chunk is not None else ""
            start, end = _span(text, cited.quote)
            rules |= {rule for rule, a in anchors if a.chunk_id == cited.chunk_id
                      and (span := _span(text, a.quote))[0] < end and start < span[1]}
        out[f.rule_id] = frozenset(rules)
    return out


def situation_wrong(answers: dict[str, frozenset[str]], forbidden: Sequence[str]) -> list[str]:
    """Situation findings that quote the anchor of a rule the owner's gold forbids."""
    return [f"{finding} quotes {rule}" for finding, rules in answers.items() for rule in forbidden
            if rule in rules]


def assess(persona: Persona, audit: Audit, again: Audit, passages: Any, ms: Sequence[float]) -> Outcome:
    """Pure apart from reading the stored passages: the audit against the persona's expectations."""
    made = fired(audit)
    answers = situation_rules(audit, passages)
    answered = frozenset(r for rules in answers.values() for r in rules)
    found = {r: finding_status(made, r, source, answered) for r, source in persona.expect_findings.items()}
    cited = {r: cited_sources(made, r) for r in persona.expect_findings}
    given: dict[str, str] = {v.channel: v.verdict for v in audit.channels}
    verdicts = {c: (v, given.get(c)) for c, v in persona.expect_verdicts.items()}
    wrong = [f"rule {r}" for r in persona.forbid_rules if r in made]
    wrong += situation_wrong(answers, persona.forbid_rules)
    wrong += [f"{c}: {given[c]}" for c, bad in persona.forbid_verdicts.items() if given.get(c) in bad]
    invalid = tuple(p for c in audit.citations if (p := problem(c, passages)) is not None)
    same = json.dumps(audit.to_json(), sort_keys=True) == json.dumps(again.to_json(), sort_keys=True)
    return Outcome(persona, found, verdicts, tuple(wrong), len(audit.citations), invalid, same,
                   tuple(ms), cited_sources=cited, caught=consistency.caught(audit),
                   shown=consistency.shown(audit))


def _timed_build(persona: Persona, passages: Any, llm: Any = None) -> tuple[Audit, float]:
    started = time.perf_counter()
    audit = build_audit(persona.profile, passages, persona.lang, llm=llm)
    return audit, (time.perf_counter() - started) * 1000


def run_persona(persona: Persona, passages: Any, llm: Any = None) -> Outcome:
    try:
        first, ms1 = _timed_build(persona, passages)
        second, ms2 = _timed_build(persona, passages)
        verify(first.citations, passages)  # raises on any citation that does not resolve
    except CitationError as err:
        return Outcome(persona, {}, {}, (), 0, (str(err),), False, (), error=f"CitationError: {err}")
    except Exception as err:  # noqa: BLE001 - a crash is this persona's failure, not the run's
        return Outcome(persona, {}, {}, (), 0, (), False, (), error=f"{type(err).__name__}: {err}")
    outcome = assess(persona, first, second, passages, (ms1, ms2))
    if llm is None:
        return outcome
    narrated, _ = _timed_build(persona, passages, llm)
    return replace(outcome, judged=judge(llm, narrated))


# -- the suite ---------------------------------------------------------------------------------

PASS_RULE = ("every expected finding is there citing the expected document, expected verdicts are "
             "given, no wrong advice, every citation verbatim in its stored chunk, two builds give "
             "the same JSON, no consistency violation (and, with an LLM, the judge scores the "
             "narrative)")


def metrics(outcomes: Sequence[Outcome], judging: bool) -> Metrics:
    found = [v for o in outcomes for v in o.found.values()]
    verdicts = [e == g for o in outcomes for e, g in o.verdicts.values()]
    builds = [ms for o in outcomes for ms in o.ms]
    out: Metrics = {
        "findings.coverage": share(sum(v == "ok" for v in found), len(found)),
        "findings.present": share(sum(v != "missing" for v in found), len(found)),
        "verdicts.coverage": share(sum(verdicts), len(verdicts)),
        "wrong_advice": float(sum(len(o.wrong) for o in outcomes)),
        "citations.valid": share(sum(o.citations - len(o.invalid) for o in outcomes),
                                  sum(o.citations for o in outcomes)),
        "determinism": share(sum(o.deterministic for o in outcomes), len(outcomes)),
        "errors": float(sum(o.error is not None for o in outcomes)),
        "personas_passed": share(sum(o.passed for o in outcomes), len(outcomes)),
        **consistency.figures((o.caught, o.shown) for o in outcomes),
    }
    for q in (0.5, 0.95):
        value = percentile(builds, q)
        out[f"build_ms.p{int(q * 100)}"] = None if value is None else round(value, 3)
    if judging:  # only with an LLM: a narrative the judge could not score makes the score None
        scores = [o.judged.score if o.judged else None for o in outcomes]
        out["judge.faithfulness"] = (None if not scores or any(s is None for s in scores)
                                     else sum(s for s in scores if s is not None) / len(scores))
        out["judge.unscored"] = float(sum(s is None for s in scores))
    return out


def record(o: Outcome) -> CaseRecord:
    return CaseRecord(o.persona.id, o.passed, {
        "name": o.persona.name, "lang": o.persona.lang, "passed": o.passed, "error": o.error,
        "findings": o.found, "cited_sources": o.cited_sources,
        "verdicts": {c: {"expected": e, "given": g} for c, (e, g) in o.verdicts.items()},
        "wrong_advice": list(o.wrong), "citations": o.citations, "invalid_citations": list(o.invalid),
        "deterministic": o.deterministic, "build_ms": [round(ms, 3) for ms in o.ms],
        "consistency": {"caught": list(o.caught), "shown": list(o.shown)},
        "judge": o.judged.to_json() if o.judged else None})


def table(outcomes: Sequence[Outcome], figures: Metrics) -> str:
    lines = [f"{'persona':18} lang  findings  verdicts  wrong  citations  same  build ms"]
    for o in outcomes:
        ok = sum(v == "ok" for v in o.found.values())
        vok = sum(e == g for e, g in o.verdicts.values())
        judged = f"  judge {o.judged.describe()}" if o.judged else ""
        lines.append(f"{o.persona.id:18} {o.persona.lang:4}  {ok:>3}/{len(o.found):<3}   "
                     f"{vok:>2}/{len(o.verdicts):<2}     {len(o.wrong):>3}  "
                     f"{o.citations - len(o.invalid):>4}/{o.citations:<4} "
                     f"{'yes' if o.deterministic else 'NO':>4}  {max(o.ms, default=0):8.1f}{judged}"
                     + ("" if o.passed else "  FAIL" + (f" ({o.error})" if o.error else "")))

    def shown(name: str) -> str:
        value = figures.get(name)
        return "n/a" if value is None else f"{value:.3f}"

    line = (f"findings with the right document {shown('findings.coverage')}  verdicts "
            f"{shown('verdicts.coverage')}  wrong advice {shown('wrong_advice')}  citations valid "
            f"{shown('citations.valid')}  deterministic {shown('determinism')}  build p50/p95 "
            f"{shown('build_ms.p50')}/{shown('build_ms.p95')} ms  consistency violations "
            f"{shown('consistency.violations')} (left shown {shown('consistency.shown')})")
    if "judge.faithfulness" in figures:
        line += f"  judge faithfulness {shown('judge.faithfulness')} (unscored {shown('judge.unscored')})"
    lines.append(line)
    return "\n".join(lines)


def plots(outcomes: Sequence[Outcome]) -> tuple[Plot, ...]:
    def coverage(o: Outcome) -> float | None:
        return share(sum(v == "ok" for v in o.found.values()), len(o.found))

    def verdictshare(o: Outcome) -> float | None:
        return share(sum(e == g for e, g in o.verdicts.values()), len(o.verdicts))

    builds = [ms for o in outcomes for ms in o.ms]
    markers = tuple((f"p{int(q * 100)}", v) for q in (0.5, 0.95) if (v := percentile(builds, q)) is not None)
    return (
        BarPlot(name="findings_coverage",
                title="Findings coverage per persona (expected finding, right document)",
                categories=tuple(o.persona.id for o in outcomes),
                series=(("findings", tuple(coverage(o) for o in outcomes)),
                        ("verdicts", tuple(verdictshare(o) for o in outcomes))),
                ylabel="share of expected"),
        HistogramPlot(name="build_time", title=f"Audit build time (warm, {len(builds)} builds)",
                      values=tuple(round(ms, 3) for ms in builds), xlabel="ms", markers=markers),
    )


def evaluate(passages: Any, personas: Sequence[Persona], fast: bool, llm: Any = None) -> SuiteResult:
    chosen = [p for p in personas if p.id in FAST or not fast]
    if chosen:  # warm: the first build in a process loads the rules, scoring and texts
        build_audit(chosen[0].profile, passages, chosen[0].lang)
    outcomes = [run_persona(p, passages, llm) for p in chosen]
    figures = metrics(outcomes, judging=llm is not None)
    return SuiteResult(metrics=figures, cases=tuple(record(o) for o in outcomes),
                       table=table(outcomes, figures), plots=plots(outcomes),
                       details={"personas": len(outcomes), "llm_judge": llm is not None},
                       pass_rule=PASS_RULE)


def run(settings: Settings, fast: bool) -> SuiteResult:
    from bot.llm import chat_model
    from bot.retrieval import open_retriever

    return evaluate(open_retriever(settings), load_personas(), fast, chat_model(settings))


SUITE = Suite(
    name="audit",
    description="the personas through build_audit on the real index: expected findings citing the "
                "expected document, expected verdicts, no wrong advice, every citation verbatim in "
                "its stored chunk, determinism, build time; with an LLM, the judge's faithfulness "
                "of the narrative to its cited passages",
    fast_subset=f"one persona per report language ({', '.join(FAST)})",
    run=run,
    lower_is_better=("wrong_advice", "errors", "build_ms.*", "judge.unscored", "consistency.*"),
)
