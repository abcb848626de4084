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


def _corpus_tokens() -> list[str]:
    """Every token of the bundled articles, in order."""
    from tests.conftest import CORPUS

    return tokens(" ".join(p.read_text(encoding="utf-8") for p in sorted((CORPUS / "documents").glob("*"))))


def test_remembered_stems_are_the_stemmers_own_in_every_language() -> None:
    """Stems are remembered by (stemmer, word): each is what a fresh Snowball stemmer gives."""
    import snowballstemmer

    from bot import lang as langs
    from bot.retrieval.lexical import stem, stemmer_name

    words = sorted(set(_corpus_tokens()))
    assert len(words) > 1000
    for lang in langs.codes("retrieval"):
        fresh = snowballstemmer.stemmer(stemmer_name(lang)).stemWords(words)
        assert stem(words, lang) == fresh, lang
        assert stem(words, lang) == fresh, lang  # the second time from memory


def test_concepts_are_those_of_every_phrase_and_compound_in_the_words() -> None:
    """``Lexicon.concepts`` against its definition, written plainly, on the corpus's words."""
    from bot import lang as langs
    from bot.retrieval.lexical import stem

    lexicon = Lexicon.load()
    words = _corpus_tokens()
    for lang in langs.codes("retrieval"):
        for start in range(0, len(words), 97):  # windows of running text, where phrases are
            window = words[start:start + 40]
            stems = stem(window, lang)
            table = lexicon.phrases.get(lang, {})
            want = {c for i in range(len(stems)) for j in range(i + 1, len(stems) + 1)
                    if (c := table.get(tuple(stems[i:j])))}
            want |= {c for term, c in lexicon.compounds.get(lang, []) if any(term in w for w in window)}
            assert lexicon.concepts(window, lang) == want, (lang, start)
