"""The schemas of ``bot/data/answers.yaml`` (the words the field parsers, ``bot/interview/fields.py``,
read answers by) and ``bot/data/grammar.yaml`` (the small words the reader builds its patterns from).

The parsers read answers.yaml as plain mappings; this schema checks it at load time, so that a missing
or misspelt key is a one-line error naming it, not a KeyError mid-conversation.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

PerLanguage = dict[str, list[str]]  # language (or "all") -> phrases
Labelled = dict[str, PerLanguage]  # label -> its phrases per language
Choice = PerLanguage | list[PerLanguage]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signals(_Strict):
    yes: PerLanguage
    no: PerLanguage
    maybe: PerLanguage
    skipped: PerLanguage
    unknown: PerLanguage
    refused: PerLanguage


class AnswersFile(_Strict):
    signals: Signals
    negators: PerLanguage
    negators_after: PerLanguage
    hardly: PerLanguage  # "Empfehlungen kommen leider kaum": no referrals (where deals close)
    inverted_subjects: PerLanguage  # "Kaltakquise mach ich nicht": the subject between verb and "not"
    priced: PerLanguage  # "En time koster 690": a duration before these is a thing sold
    one_off: PerLanguage  # "nur einmal 50 Euro probiert": money spent once is no budget
    enough: PerLanguage  # "Aufträge haben wir genug": what one has enough of is no goal
    clause_breaks: PerLanguage
    channels: Labelled
    sales_model: Labelled
    close_channels: Labelled
    number_words: dict[str, dict[str, float]]  # language -> word -> its number
    units: Labelled
    durations: Labelled  # hours -> phrases
    few: PerLanguage
    periods: Labelled
    approximately: PerLanguage
    guessed: PerLanguage  # "maybe 3 hrs a week?": a guess at a figure, not a question
    response_times: Labelled  # hours -> phrases
    currencies: dict[str, list[str]]
    currency_prefixes: dict[str, list[str]]
    multipliers: dict[str, list[str]]
    between_words: list[str]
    zero_amount: PerLanguage
    position: PerLanguage
    zero_hours: PerLanguage
    choices: dict[str, dict[str, Choice]]  # a set's name -> option -> its phrases
    post_counts: PerLanguage
    once: Labelled  # posts a week -> phrases


class Titles(_Strict):
    first: list[str]
    second: list[str]


class EveryN(_Strict):
    every: PerLanguage
    weeks: PerLanguage
    days: PerLanguage


def _claim_word(word: str) -> str:
    if not word.strip() or word != word.strip() or "*" in word[:-1] or word == "*":
        raise ValueError(f"{word!r}: a word or phrase, without spaces around it, with '*' (any ending) "
                         "only at its end")
    return word


def _pattern(text: str) -> str:
    try:
        re.compile(text)
    except re.error as err:
        raise ValueError(f"{text!r}: not a regular expression ({err})") from err
    return text


ClaimWord = Annotated[str, AfterValidator(_claim_word)]
ClaimWords = dict[str, list[ClaimWord]]  # language -> words ("artikel*": any ending)


class GlossWords(_Strict):
    """The English of the articles' sentences, negated crudely (``claims.negate``)."""

    negations: list[ClaimWord]
    negating_endings: list[ClaimWord]
    auxiliaries: list[ClaimWord]
    opposites: list[tuple[ClaimWord, ClaimWord]]  # words said the other way, swapped both ways


class Claims(_Strict):
    """grammar.yaml ``claims``: the words of the claim check (``bot/interview/claims.py``)."""

    negations: ClaimWords
    negating_endings: ClaimWords
    double_negators: ClaimWords
    negating_phrases: dict[str, list[Annotated[str, AfterValidator(_pattern)]]]
    exclusive_phrases: dict[str, list[Annotated[str, AfterValidator(_pattern)]]]  # "and no one else"
    says: ClaimWords
    by: ClaimWords
    by_after: ClaimWords
    that: ClaimWords
    that_not: dict[str, dict[ClaimWord, ClaimWord]]  # language -> a "that" with a negation -> the negation
    sources: ClaimWords
    source_parts: ClaimWords
    tells: ClaimWords
    in_source: ClaimWords
    about: ClaimWords
    tags: ClaimWords
    instructions: ClaimWords
    questions: ClaimWords
    gloss: GlossWords


class GrammarFile(_Strict):
    """``bot/data/grammar.yaml``: the small words the reader builds its patterns from."""

    range_words: PerLanguage
    range_marks: PerLanguage
    or_words: PerLanguage
    and_words: PerLanguage
    nor_words: PerLanguage
    krona: dict[str, str]  # language -> the currency code a bare "kr" is
    percent_words: PerLanguage
    rate_titles: dict[str, Titles]
    every_n: EveryN
    apostrophe_words: PerLanguage
    coordinators: PerLanguage
    list_glue: PerLanguage
    number_negators: PerLanguage
    abbreviations: PerLanguage
    claims: Claims
