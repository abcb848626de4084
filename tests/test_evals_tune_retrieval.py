"""The tuner on the real bundled index: a setting tried on cached evidence ranks exactly as a
search under that setting would, pseudo-relevance feedback included."""

from __future__ import annotations

from bot.retrieval.retrieve import Retriever
from evals.cases import load_retrieval_cases
from evals.tune_retrieval import collect, ranked


def test_a_setting_tried_on_cached_evidence_ranks_as_its_own_search(bundled_store, embedder) -> None:
    cases = [c for c in load_retrieval_cases() if c.split == "tune" and c.answerable][::5]
    retriever = Retriever(bundled_store, embedder)
    assert retriever.config.feedback_passages > 0  # feedback is what could make evidence stale
    other = retriever.config.model_copy(update={"weights": {"text": 1.0, "gloss": 0.0,
                                                            "question": 0.5, "bm25": 0.5}})
    searched = Retriever(bundled_store, embedder, config=other)
    differs = 0
    for evidence in collect(retriever, cases):
        tried = [s.chunk.chunk_id for s in ranked(evidence, other)]
        assert tried == [s.chunk.chunk_id for s in searched.score(evidence.case.question)]
        differs += tried != [s.chunk.chunk_id for s in ranked(evidence, retriever.config)]
    assert differs  # the two settings do rank differently, so the check above means something
