from __future__ import annotations

from bot.lexical import BM25, Lexicon, document_terms, normalise, query_terms, tokens


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
