"""The phrase matcher: a caller's own labelled phrases found by the rules of answers.yaml, and the
negation scope the field parsers and the reader share."""

from __future__ import annotations

from bot import datafiles
from bot.interview.phrases import (
    find_phrases,
    grammar,
    mask,
    mentions,
    negated,
    normalise,
    phrase_list,
    phrase_matcher,
    says_not,
)


def test_normalise_folds_case_quotes_dashes_and_fractions() -> None:
    assert normalise("We DON’T – 1½ h") == "we don't - 1.5 h"
    assert normalise("½ timme") == "0.5 timme"


def test_a_phrase_of_one_label_found_in_any_of_its_languages() -> None:
    matcher = phrase_matcher({"ads": {"en": ["ad", "ads", "advert*"], "sv": ["annons*"]}})
    assert [label for *_, label in find_phrases("Ads? Vi annonserar sällan", matcher)] == ["ads", "ads"]
    assert find_phrases("a shadow of a doubt", matcher) == []  # whole words only


def test_the_longest_phrase_wins_and_whole_answer_phrases_match_only_alone() -> None:
    matcher = phrase_matcher({"yes": ["absolut"], "no": ["absolut inte", "=nope"]})
    assert [label for *_, label in find_phrases("absolut inte", matcher)] == ["no"]
    assert [label for *_, label in find_phrases("Nope.", matcher)] == ["no"]
    assert find_phrases("nope, we do", matcher) == []


def test_option_names_match_themselves_with_names() -> None:
    table = {"web_shop": ["online store"]}
    assert find_phrases("our web shop", phrase_matcher(table)) == []
    assert [label for *_, label in find_phrases("our web shop", phrase_matcher(table, with_names=True))] == [
        "web_shop"]


def test_an_afrikaans_article_is_also_matched_without_its_apostrophe() -> None:
    assert phrase_list({"af": ["3 keer 'n week"]}) == ["3 keer 'n week", "3 keer n week"]


def test_mentions_leave_out_what_is_negated_and_the_list_after_it() -> None:
    matcher = phrase_matcher({c: [c] for c in ("facebook", "tiktok", "snapchat", "x")})
    norm = normalise("Facebook, but not on TikTok, Snapchat or X")
    assert [label for *_, label in mentions(norm, matcher)] == ["facebook"]
    assert [label for *_, label in mentions(normalise("TikTok, not Facebook"), matcher)] == ["tiktok"]


def test_mask_blanks_spans_and_keeps_offsets() -> None:
    assert mask("ab cd ef", [(3, 5, "x")]) == "ab    ef"


def test_says_not_in_every_language_it_knows() -> None:
    assert says_not("we haven't sent anything in a year")
    assert says_not("vi har inte något nyhetsbrev")
    assert not says_not("we send one every week")


def test_negation_before_after_and_inside_a_phrase() -> None:
    def at(text: str, word: str) -> bool:
        start = normalise(text).index(word)
        return negated(text, start, start + len(word))

    assert at("we don't have a newsletter", "newsletter")
    assert not at("we have a newsletter", "newsletter")
    assert at("vi raderar aldrig kritik", "raderar")
    assert at("wir löschen sie nie", "löschen")
    assert at("vi tar aldrig bort kritik", "tar aldrig bort")
    assert not at("vi raderar kritik, aldrig beröm", "raderar")
    assert not negated("vi raderar aldrig kritik", normalise("vi raderar aldrig kritik").index("raderar"))


def test_the_list_after_a_negator_is_joined_by_the_list_words_of_grammar_yaml() -> None:
    matcher = phrase_matcher({c: [c] for c in ("tiktok", "snapchat")})
    norm = normalise("not on tiktok zorp snapchat")
    assert [label for *_, label in mentions(norm, matcher)] == ["snapchat"]
    data = grammar().model_dump()
    data["or_words"]["en"].append("zorp")
    with datafiles.data_override("grammar.yaml", data):
        assert mentions(norm, matcher) == []
    assert [label for *_, label in mentions(norm, matcher)] == ["snapchat"]
