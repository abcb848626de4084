from __future__ import annotations

from bot.retrieval.lexical import (
    BM25,
    Lexicon,
    document_terms,
    normalise,
    query_terms,
    split_compound,
    tokens,
    vocabulary_of,
)


def test_tokens_fold_case_width_and_no_break_spaces() -> None:
    assert tokens("E-posten\u00a0GLÖMMER ingen") == ["e", "posten", "glömmer", "ingen"]
    assert normalise("Ｆａｃｅｂｏｏｋ") == "facebook"


def test_concepts_bridge_languages() -> None:
    lexicon = Lexicon.load()
    finnish = set(query_terms(lexicon, "Miten asiakaspalvelu kannattaa hoitaa somessa?"))
    danish = set(document_terms(lexicon, "Kundeservice er rykket på sociale medier.", "da"))
    shared = {t for t in finnish & danish if t.startswith("§")}
    assert "§customer-service" in shared


def test_function_words_are_left_out() -> None:
    terms = query_terms(Lexicon.load(), "och det är inte så att vi")
    assert terms == []


def test_bm25_prefers_the_document_with_the_rare_matching_term() -> None:
    bm25 = BM25.from_terms([["email", "list", "own"], ["facebook", "reach"], ["email", "tone"]])
    scores = bm25.scores(["reach"])
    assert scores[1] > 0 and scores[0] == scores[2] == 0
    assert bm25.scores(["email", "own"])[0] > bm25.scores(["email", "own"])[2]


def test_a_compound_splits_into_two_known_words_with_a_linking_s() -> None:
    known = frozenset({"sykkel", "verkstedet", "marked", "planen"})
    assert split_compound("sykkelverkstedet", known) == ["sykkel", "verkstedet"]
    assert split_compound("markedsplanen", known) == ["marked", "planen"]  # linking -s-
    assert split_compound("sykkelhjelmen", known) == []  # one part unknown
    assert split_compound("sykkel", known) == []  # too short to be a compound
    assert split_compound("sykkelverkstedet", frozenset()) == []


def test_compound_parts_meet_the_same_words_written_apart() -> None:
    lexicon = Lexicon.load()
    passage = "Vi har et verksted for sykkel og ski."
    vocabulary = vocabulary_of([passage], lexicon.stopwords)
    words = set(document_terms(lexicon, passage, "nb", vocabulary=vocabulary))
    alone = set(query_terms(lexicon, "sykkelverksted"))
    split = set(query_terms(lexicon, "sykkelverksted", vocabulary=vocabulary))
    assert not alone & words
    assert {"sykkel", "verksted"} <= split & words
    compound_passage = set(document_terms(lexicon, "Et godt sykkelverksted.", "nb",
                                          vocabulary=vocabulary))
    assert {"sykkel", "verksted"} <= compound_passage  # the passage side splits too


def test_stemming_on_several_threads_gives_what_one_thread_gives() -> None:
    """Searches in a live server stem on many threads at once; a shared stemmer garbles words."""
    import threading

    from bot.retrieval.lexical import stem

    words = tokens("Kundeservicen svarer på kommentarene og anmeldelsene hver eneste morgen, "
                   "og markedsføringen følger kampanjene gjennom sesongene") * 20
    alone = stem(words, "nb")
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        for _ in range(200):
            try:
                results.append(stem(words, "nb"))
            except BaseException as err:  # noqa: BLE001  (reported below)
                errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and all(r == alone for r in results), (errors[:1], len(results))
