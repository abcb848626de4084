"""The audit suite: the persona checks on good and bad audits, the suite on the bundled index, and
the optional LLM judge over real HTTP (a loopback OpenAI-compatible stub): a score it cannot
compute is a failure, never NaN."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from typing import Any

import pytest

from bot.audit import Audit, build_audit
from bot.config import Settings
from bot.llm import get_chat_model
from bot.retrieval.store import ChromaStore
from evals.audit import FAST, SUITE, assess, evaluate, metrics, run_persona
from evals.judge import Judgement, SentenceVerdict, messages, score
from evals.personas import Persona, load_personas
from evals.thresholds import Bound, SuiteGates, check, load_gates
from tests.fakes import openai_stub

PERSONAS = {p.id: p for p in load_personas()}
SOLO = PERSONAS["solo_consultant"]
NARRATIVE = ("Keep fewer channels and put your hours where you sell [1]. "
             "Grow the audience you own, such as an email list [2].")


@pytest.fixture(scope="module")
def audits(bundled_retriever: Any) -> tuple[Audit, Audit]:
    first = build_audit(SOLO.profile, bundled_retriever, SOLO.lang)
    return first, build_audit(SOLO.profile, bundled_retriever, SOLO.lang)


def test_a_good_audit_passes(audits: tuple[Audit, Audit], bundled_retriever: Any) -> None:
    outcome = assess(SOLO, *audits, bundled_retriever, (1.0, 2.0))
    assert outcome.passed and outcome.deterministic and not outcome.invalid and not outcome.wrong
    assert set(outcome.found.values()) == {"ok"} and outcome.citations == len(audits[0].citations)


def test_a_missing_finding_or_the_wrong_document_fails(audits: tuple[Audit, Audit],
                                                       bundled_retriever: Any) -> None:
    fired = {f.rule_id: f for f in audits[0].findings}
    rule_id = next(iter(SOLO.expect_findings))
    cited = {c.source for c in fired[rule_id].citations}
    other = next(s for s in sorted({c.source for c in bundled_retriever.chunks()}) if s not in cited)
    persona = replace(SOLO, expect_findings={rule_id: other, "journalists": SOLO.expect_findings[rule_id]})
    outcome = assess(persona, *audits, bundled_retriever, ())
    assert outcome.found == {rule_id: "wrong document", "journalists": "missing"} and not outcome.passed


def test_wrong_advice_fails(audits: tuple[Audit, Audit], bundled_retriever: Any) -> None:
    fired = audits[0].findings[0].rule_id
    channel = audits[0].channels[0]
    persona = replace(SOLO, forbid_rules=(fired,), forbid_verdicts={channel.channel: (channel.verdict,)},
                      expect_verdicts={channel.channel: "add" if channel.verdict != "add" else "cut"})
    outcome = assess(persona, *audits, bundled_retriever, ())
    assert outcome.wrong == (f"rule {fired}", f"{channel.channel}: {channel.verdict}") and not outcome.passed
    assert outcome.verdicts[channel.channel][1] == channel.verdict


def test_a_quote_not_in_its_chunk_and_a_changed_rebuild_fail(audits: tuple[Audit, Audit],
                                                              bundled_retriever: Any) -> None:
    first, again = audits
    old = first.citations[0]
    new = replace(old, quote="Made-up evidence.")

    def swap(citations: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(new if c == old else c for c in citations)

    tampered = replace(
        first, citations=swap(first.citations),
        channels=tuple(replace(v, citations=swap(v.citations)) for v in first.channels),
        findings=tuple(replace(f, citations=swap(f.citations)) for f in first.findings),
        misconceptions=tuple(replace(m, citations=swap(m.citations)) for m in first.misconceptions),
        evidence=tuple(replace(c, citations=swap(c.citations)) for c in first.evidence))
    outcome = assess(SOLO, tampered, again, bundled_retriever, ())
    assert len(outcome.invalid) == 1 and "quote is not in the passage" in outcome.invalid[0]
    assert not outcome.deterministic and not outcome.passed  # its JSON differs from the rebuild


def test_an_index_without_the_corpus_is_an_error_of_the_persona(settings: Settings, store: ChromaStore,
                                                                embedder: Any) -> None:
    from bot.retrieval.retrieve import Retriever

    outcome = run_persona(SOLO, Retriever(store, embedder))
    assert outcome.error is not None and not outcome.passed
    figures = metrics([outcome], judging=False)
    assert figures["errors"] == 1.0 and figures["findings.coverage"] is None  # nothing to count


def test_the_suite_on_the_fast_subset(bundled_retriever: Any) -> None:
    result = evaluate(bundled_retriever, list(PERSONAS.values()), fast=True)
    assert [c.id for c in result.cases] == sorted(FAST)
    assert len({PERSONAS[p].lang for p in FAST}) == len(FAST)  # one per report language
    figures = result.metrics
    assert figures["findings.coverage"] == 1.0 and figures["citations.valid"] == 1.0
    assert figures["determinism"] == 1.0 and figures["wrong_advice"] == 0.0
    assert not [m for m in figures if m.startswith("judge.")]  # no LLM, no judge
    assert [p.name for p in result.plots] == ["findings_coverage", "build_time"]
    gates = check(result.clean_metrics(), load_gates()["audit"], fast=True)
    assert {c.metric: c.status for c in gates if c.metric.startswith("judge.")} == {
        "judge.faithfulness": "skip", "judge.unscored": "skip"}
    assert not [c for c in gates if c.status == "fail"]


# -- the judge ----------------------------------------------------------------------------------

def test_the_score_is_the_share_of_supported_sentences() -> None:
    def verdicts(*supported: bool) -> list[SentenceVerdict]:
        return [SentenceVerdict(sentence=i, supported=s) for i, s in enumerate(supported, 1)]

    assert score(verdicts(True, True), 2).score == 1.0
    half = score(verdicts(True, False), 2)
    assert half.score == 0.5 and half.unsupported == (2,)
    assert score(verdicts(True), 2).score is None  # a sentence without a verdict
    assert score([*verdicts(True, True), SentenceVerdict(sentence=2, supported=True)], 2).score is None
    assert score(verdicts(True, True, True), 2).score is None
    assert score([], 0).score is None and not score([], 0).passed


def test_the_judge_sees_the_sentences_and_only_the_passages_they_cite(audits: tuple[Audit, Audit]) -> None:
    system, user = messages(NARRATIVE, audits[0].citations)
    assert "one verdict for\nevery sentence number" in system[1]
    assert "1. Keep fewer channels" in user[1] and "2. Grow the audience" in user[1]
    assert f"[1] {audits[0].citations[0].quote}" in user[1] and "[3]" not in user[1]


def _stub(judge_reply: Any, narrative: str = NARRATIVE) -> Any:
    def reply(body: dict[str, Any]) -> str | None:
        if "response_format" not in body:
            return narrative
        prompt = body["messages"][-1]["content"]
        count = len(re.findall(r"^\d+\. ", prompt.split("Cited passages:")[0], re.MULTILINE))
        return judge_reply(count)
    return reply


def _judged(reply: Any, bundled_retriever: Any) -> tuple[dict[str, Any], Any, list[dict[str, Any]]]:
    with openai_stub(reply) as (url, seen):
        llm = get_chat_model("openai:stub-judge", base_url=url, timeout=10)
        result = evaluate(bundled_retriever, [SOLO], fast=False, llm=llm)
    return result.metrics, result.cases[0], seen


def test_the_judge_over_http(bundled_retriever: Any) -> None:
    def half(count: int) -> str:
        return json.dumps({"verdicts": [{"sentence": i, "supported": i == 1, "reason": "x"}
                                        for i in range(1, count + 1)]})

    figures, case, seen = _judged(_stub(half), bundled_retriever)
    assert figures["judge.faithfulness"] == 0.5 and figures["judge.unscored"] == 0.0
    assert case.passed and case.data["judge"] == {"score": 0.5, "sentences": 2, "unsupported": [2], "why": ""}
    judge_request = next(r["body"] for r in seen if "response_format" in r["body"])
    assert judge_request["response_format"]["type"] == "json_schema"
    assert "Keep fewer channels" in judge_request["messages"][-1]["content"]
    gates = {c.metric: c for c in check(figures, load_gates()["audit"], fast=False)}
    assert gates["judge.faithfulness"].status == "fail"  # 0.5 is below the floor
    assert Judgement.model_json_schema()["required"] == ["verdicts"]


@pytest.mark.parametrize("judge_reply, why", [
    (lambda count: "I think it is mostly fine.", "the judge failed"),                  # not JSON
    (lambda count: json.dumps({"verdicts": [{"sentence": 1, "supported": True}]}), "expected 1..2"),
    (lambda count: None, "the judge failed"),                                          # HTTP 500
])
def test_a_score_the_judge_cannot_compute_is_a_failure(judge_reply: Any, why: str,
                                                       bundled_retriever: Any) -> None:
    figures, case, _ = _judged(_stub(judge_reply), bundled_retriever)
    assert figures["judge.faithfulness"] is None and figures["judge.unscored"] == 1.0
    assert not case.passed and why in case.data["judge"]["why"]
    assert json.dumps(figures, allow_nan=False)  # null, never NaN
    gates = {c.metric: c for c in check(figures, load_gates()["audit"], fast=False)}
    assert gates["judge.faithfulness"].status == "fail"
    assert gates["judge.faithfulness"].note == "could not be computed"


def test_no_narrative_to_judge_is_a_failure_too(bundled_retriever: Any) -> None:
    def never(count: int) -> str:
        raise AssertionError("the judge must not be asked without a narrative")

    figures, case, _ = _judged(_stub(never, narrative="Social media is great. Post more!"), bundled_retriever)
    assert figures["judge.faithfulness"] is None and "no narrative" in case.data["judge"]["why"]


def test_an_optional_threshold_is_gated_only_when_measured() -> None:
    gates = SuiteGates(thresholds={"judge.faithfulness": Bound(min=0.8, optional=True)})
    assert check({}, gates, fast=False)[0].status == "skip"
    assert check({"judge.faithfulness": None}, gates, fast=False)[0].status == "fail"
    assert check({"judge.faithfulness": math.nan}, gates, fast=False)[0].status == "fail"
    assert check({"judge.faithfulness": 0.9}, gates, fast=False)[0].status == "pass"


def test_the_registered_suite(bundled_settings: Settings, bundled_store: ChromaStore,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIAL_AUDIT_LLM", raising=False)
    result = SUITE.run(bundled_settings, True)
    assert sorted(c.id for c in result.cases) == sorted(FAST) and result.details["llm_judge"] is False
    assert "build_ms.*" in SUITE.lower_is_better


def test_personas_are_the_suites_cases() -> None:
    assert set(FAST) <= set(PERSONAS) and isinstance(SOLO, Persona)
