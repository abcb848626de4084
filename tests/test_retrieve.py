"""Retrieval on the real bundled index with the real embedder."""

from __future__ import annotations

import pytest

from bot.retrieval import open_retriever
from bot.retrieval import retrieve as retrieve_module
from bot.retrieval.retrieve import RetrievalConfig, Retriever
from bot.retrieval.store import open_store
from ingest.pipeline import ingest
from ingest.sources import open_root
from tests.conftest import write


@pytest.fixture(scope="module")
def retriever(bundled_store, embedder):
    return Retriever(bundled_store, embedder)


@pytest.mark.parametrize(("question", "quotes"), [
    ("Should I just delete the nasty comments on our page?", ["Pahin virhe on poistaa kriittinen"]),
    ("Ska vi verkligen lägga pengar på sociala medier, det är väl gratis?",  # 004 #5, 001, 002
     ["is nie gratis nie", "hvis du har tid og penge", "ilman mainostukseen panostettua rahaa"]),
    ("Hvem eier egentlig kundelisten vår hvis vi bare har følgere på Facebook?",  # 000, section 3
     ["Din prenumerantlista för e-postutskick tillhör dig", "är det Facebooks regler som styr"]),
])
def test_cross_lingual_questions_find_the_passage(retriever, question, quotes) -> None:
    hits = retriever.search(question, k=3)
    assert any(q in hit.text for hit in hits for q in quotes), [h.text[:50] for h in hits]


def test_hits_carry_what_a_reader_of_another_language_needs(retriever) -> None:
    hit = retriever.search("Is a mistake on social media a disaster for a company?", k=1)[0]
    assert hit.source == "004_204890e28352a8d2.txt"
    assert (hit.lang, hit.author) == ("af", "Douglas Karr")
    assert hit.title == "Die 5 wanopvattings oor sosiale media op ondernemings"
    assert hit.gloss and "mistake" in hit.gloss.lower()


@pytest.mark.parametrize("question", [
    "Can you recommend a good pizza place in Oslo?",
    "Hvordan søker jeg om parkeringstillatelse for varebilen?",
    "Wie viele Zeichen darf ein Tweet haben?",
])
def test_questions_outside_the_knowledge_base_get_nothing(retriever, question) -> None:
    assert retriever.search(question) == []


def test_the_guard_is_off_for_an_embedder_it_was_not_calibrated_for(bundled_store, embedder) -> None:
    retriever = Retriever(bundled_store, embedder)
    assert retriever.guard_active()
    retriever.config = retriever.config.model_copy(update={"guard_embedder": "something-else"})
    assert not retriever.guard_active()
    assert retriever.search("Can you recommend a good pizza place in Oslo?")


def test_a_long_lived_retriever_sees_a_new_ingest(settings, embedder, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(retrieve_module, "REFRESH_SECONDS", 0.0)
    folder = write(tmp_path / "docs", "a.txt", "Service\nAnswer every complaint in public, quickly.\n")
    ingest(settings, embedder, open_store(settings), [open_root(folder.parent)])
    retriever = open_retriever(settings, embedder=embedder,
                               config=RetrievalConfig.load().model_copy(update={"guard": False}))
    assert {h.source for h in retriever.search("complaints", k=5)} == {"a.txt"}
    write(folder.parent, "b.txt", "Email\nYour mailing list of subscribers belongs to you alone.\n")
    ingest(settings, embedder, open_store(settings), [open_root(folder.parent)])
    assert retriever.search("who owns my mailing list of subscribers?", k=1)[0].source == "b.txt"
    edited = "Answer every complaint in public within the hour."  # same number of vectors
    write(folder.parent, "a.txt", f"Service\n{edited}\n")
    report = ingest(settings, embedder, open_store(settings), [open_root(folder.parent)])
    assert report.vectors_added == report.vectors_removed == 1
    assert edited in {h.text for h in retriever.search("complaints", k=5)}


def test_empty_query_returns_nothing(retriever) -> None:
    assert retriever.search("   ") == []


def test_a_corpus_without_glosses_or_expansions_still_answers(settings, embedder, tmp_path) -> None:
    """The shipped weights and the text guard, on a consultant's plain documents."""
    folder = tmp_path / "guidance"
    write(folder, "service.md", "# Comments\n\nNever delete critical comments on your Facebook page: "
          "answer them in public, calmly and quickly, and move personal details to a private message.\n")
    write(folder, "email.md", "# Email\n\nKeep your own email list of customers. Followers on a "
          "platform are rented, and the platform decides who sees your posts.\n")
    ingest(settings, embedder, open_store(settings), [open_root(folder)])
    retriever = Retriever(open_store(settings), embedder)
    weights = {**retriever.config.weights, "text": 0.0}  # the text view may weigh nothing in ranking
    retriever.config = retriever.config.model_copy(update={"weights": weights})
    assert retriever.guard_active()
    hits = retriever.search("Should we delete the critical comments people leave on our Facebook page?")
    assert hits and hits[0].source == "service.md"
    assert retriever.search("Can you recommend a good pizza place in Oslo?") == []


def test_a_consultants_document_without_gloss_or_questions_can_rank_first(
        bundled_store, bundled_settings, embedder, tmp_path) -> None:
    """Fusion must not bury passages that lack the curated views (their text is all they have)."""
    import shutil

    settings = bundled_settings.model_copy(update={"home": tmp_path / "copy"})
    shutil.copytree(bundled_settings.chroma_path, settings.chroma_path)
    folder = tmp_path / "consultant"
    write(folder, "bakery.txt", "Bakerier och TikTok\n\nEtt bageri bör filma korta videor av morgonens "
          "bakning och lägga upp dem på TikTok före klockan sju, när grannarna planerar sin frukost.\n")
    store = open_store(settings)
    ingest(settings, embedder, store, [open_root(folder)])
    hits = Retriever(store, embedder).search("Should my bakery post short morning baking videos on TikTok?",
                                             k=3)
    assert hits and hits[0].source == "bakery.txt", [h.source for h in hits]


def test_bm25_reads_a_compound_query_as_the_words_a_passage_writes_apart(settings, embedder,
                                                                          tmp_path) -> None:
    """``split_compounds`` on: the index vocabulary splits "sykkelverksted" into words it has."""
    docs = tmp_path / "docs"
    write(docs, "bikes.txt", "Sykler\nVi har et verksted for sykkel og ski i sentrum.\n")
    write(docs, "email.txt", "E-post\nKundelisten med e-postadresser er din egen.\n")
    ingest(settings, embedder, open_store(settings), [open_root(docs)])
    bm25 = {}
    for split in (False, True):
        retriever = Retriever(open_store(settings), embedder)
        retriever.config = retriever.config.model_copy(update={"split_compounds": split})
        bm25[split] = {s.chunk.source: s.bm25 for s in retriever.score("sykkelverksted")}
    assert bm25[False]["bikes.txt"] == 0.0
    assert bm25[True]["bikes.txt"] > 0.0 == bm25[True]["email.txt"]


def test_the_guard_judges_unexpanded_passages_by_their_gloss_with_its_own_pair() -> None:
    from bot.retrieval.retrieve import RetrievalConfig, ScopeEvidence, relevant

    config = RetrievalConfig.load()
    floor, margin = config.guard_gloss_floor, config.guard_gloss_margin
    outside = floor - margin - 0.02  # close enough that only the margin decides

    def evidence(gloss: float) -> ScopeEvidence:
        return ScopeEvidence(question=-1.0, text_unexpanded=-1.0, outside=outside, gloss_unexpanded=gloss)

    assert relevant(evidence(floor + 0.01), config)
    assert not relevant(evidence(floor - 0.01), config)  # under the floor
    assert not relevant(evidence(-1.0), config)  # no glossed passage without questions
    assert not relevant(ScopeEvidence(-1.0, -1.0, floor + 0.5, gloss_unexpanded=floor + 0.01),
                        config)  # an out-of-scope example is much closer


def test_feedback_moves_the_query_towards_the_feedback_passages() -> None:
    import numpy as np

    from bot.retrieval.retrieve import refine

    query = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    passages = [np.array([0.0, 1.0, 0.0], dtype=np.float32), None]  # a passage with no vector lends nothing
    refined = refine(query, passages, 0.5)
    assert abs(float(np.linalg.norm(refined)) - 1.0) < 1e-6
    assert float(refined @ passages[0]) > float(query @ passages[0])
    assert float(refined @ query) > 0.8  # the question as asked still dominates
    assert refine(query, [None], 0.5) is query


def test_feedback_rescores_the_views_for_fusion_and_leaves_the_guard_the_question(retriever) -> None:
    """Fusion reads similarities to the refined query; the guard's evidence stays the question's."""
    question = "Should I just delete the nasty comments on our page?"
    scored = {}
    for passages in (0, 3):
        config = retriever.config.model_copy(update={"feedback_passages": passages,
                                                     "feedback_weight": 0.4})
        probe = Retriever(retriever.store, retriever.embedder, config=config)
        scored[passages] = {s.chunk.chunk_id: s for s in probe.score(question)}
    first = max(scored[0].values(), key=lambda s: s.fused)  # a feedback passage
    assert all(not s.feedback for s in scored[0].values())
    assert {c: s.dense for c, s in scored[3].items()} == {c: s.dense for c, s in scored[0].items()}
    with_feedback = scored[3][first.chunk.chunk_id]
    assert with_feedback.feedback["gloss"] > with_feedback.dense["gloss"]
    assert with_feedback.fused != first.fused


def test_the_question_guard_compares_means_of_the_best_few_similarities(retriever) -> None:
    """guard_top k: the question pair weighs the mean of the k best similarities to expansion
    questions against the mean of the k best out-of-scope ones; the other pairs keep the best one."""
    import numpy as np

    question = "Should I just delete the nasty comments on our page?"
    vector = retriever.embedder.encode([question], query=True)[0]
    snap = retriever.snapshot()
    questions = np.sort(snap.views["question"].vectors @ vector)[::-1]
    outside = np.sort(snap.scope @ vector)[::-1]
    for top in (1, 5):
        probe = retriever.with_config(retriever.config.model_copy(update={"guard_top": top}))
        evidence = probe.scope_evidence(probe.snapshot(), probe.score(question), vector)
        assert evidence.question == pytest.approx(float(questions[:top].mean()), abs=1e-6)
        assert evidence.question_outside == pytest.approx(float(outside[:top].mean()), abs=1e-6)
        assert evidence.outside == pytest.approx(float(outside[0]), abs=1e-6)
    assert questions[0] > questions[:5].mean()  # so the two settings differ


def test_guard_evidence_built_by_hand_compares_with_the_best_outside_example() -> None:
    from bot.retrieval.retrieve import RetrievalConfig, ScopeEvidence, relevant

    config = RetrievalConfig.load().model_copy(update={"guard_floor": 0.5, "guard_margin": 0.01})
    assert relevant(ScopeEvidence(0.9, -1.0, 0.85), config)
    assert not relevant(ScopeEvidence(0.9, -1.0, 0.85, outside_top=0.895), config)
