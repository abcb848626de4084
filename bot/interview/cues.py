"""Cue words (``bot/data/cues.yaml``): which field a stretch of a message talks about.

A message in one language is matched against that language's cues and the English ones.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot import datafiles
from bot.interview.fields import parse_hours
from bot.interview.phrases import PhraseMatcher, find_phrases, normalise, phrase_matcher, word_list
from bot.links import unquestioned

Spans = dict[str, list[tuple[int, int, str]]]


PerLanguage = dict[str, list[str]]  # language -> phrases


class Polite(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    please: PerLanguage
    can_you: PerLanguage


class CuesFile(BaseModel):
    """``bot/data/cues.yaml``: cue phrases per language."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    cues: dict[str, PerLanguage] = Field(min_length=1)  # a field's key -> its cue words
    consumer_venues: PerLanguage
    interrogatives: PerLanguage
    question_endings: PerLanguage  # a question particle's endings ("onko")
    polite: Polite
    requests: PerLanguage
    instructions: PerLanguage
    kind_phrases: dict[str, PerLanguage]  # a message kind -> the phrases that give it
    bot_topics: PerLanguage  # what a question about the bot talks about ("who made you", "my answers")
    code_marks: list[str] = Field(min_length=1)  # regexes: marks of code, data and logs
    keyboard_rows: list[str] = Field(min_length=1)  # keys in a row, left to right
    language_targets: dict[str, list[str]]  # a language's code -> how a message asks for it
    switch_words: PerLanguage
    language_names: dict[str, list[str]]  # a language's code -> its names in any language

    @field_validator("kind_phrases")
    @classmethod
    def _known_kinds(cls, table: dict[str, PerLanguage]) -> dict[str, PerLanguage]:
        from bot.interview.kinds import KINDS

        unknown = sorted(set(table) - set(KINDS))
        if unknown:
            raise ValueError(f"kind_phrases: unknown kind {', '.join(unknown)}; "
                             f"choose among {', '.join(KINDS)}")
        return table

    @field_validator("code_marks")
    @classmethod
    def _patterns(cls, marks: list[str]) -> list[str]:
        for mark in marks:
            try:
                re.compile(mark)
            except re.error as err:
                raise ValueError(f"code_marks: {mark!r} is no regular expression ({err}); "
                                 "fix or remove it") from err
        return marks

    @field_validator("keyboard_rows")
    @classmethod
    def _rows(cls, rows: list[str]) -> list[str]:
        short = [r for r in rows if len(r) < 5 or r != r.casefold()]
        if short:
            raise ValueError(f"keyboard_rows: {short} must be lower-case rows of at least 5 keys")
        return rows


def data() -> CuesFile:
    return datafiles.load("cues.yaml", CuesFile)


def _phrases(table: PerLanguage, lang: str) -> list[str]:
    return [*table.get(lang, []), *(table.get("en", []) if lang != "en" else [])]


@datafiles.cached
def matcher(key: str, lang: str) -> PhraseMatcher:
    """One cue key's phrases in ``lang`` and English."""
    named = {"consumer_venues": data().consumer_venues, "requests": data().requests}
    table = named[key] if key in named else data().cues[key]
    return phrase_matcher({key: _phrases(table, lang)})


def cues(text: str, lang: str) -> Spans:
    """Every cue key found in ``text`` (already normalised: ``phrases.normalise``), with its spans."""
    found: Spans = {}
    for key in data().cues:
        spans = matcher(key, lang).find(text)
        if spans:
            found[key] = spans
    return found


def venue(text: str, lang: str) -> bool:
    return bool(find_phrases(text, matcher("consumer_venues", lang)))


@datafiles.cached
def _interrogatives(lang: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _phrases(data().interrogatives, lang))


def _alternatives(table: dict[str, list[str]]) -> str:
    return "|".join(re.escape(normalise(w)) for w in sorted({w for ws in table.values() for w in ws},
                                                             key=len, reverse=True))


@datafiles.cached
def _polite() -> re.Pattern[str]:
    """The polite opening of a request, in any language (``polite`` in cues.yaml)."""
    please, can_you = (_alternatives(table) for table in (data().polite.please, data().polite.can_you))
    return re.compile(rf"^\s*(?:(?:{please})[\s,]+)?(?:(?:{can_you})[\s,]+(?:(?:{please})[\s,]+)?)?")


def opens_request(text: str, lang: str) -> bool:
    """Whether ``text`` (one sentence) opens by asking the bot for something: "give me …",
    "please cite …", "can you show me …", "kerro …", "ge mig …"."""
    norm = normalise(text)
    start = _polite().match(norm)
    offset = start.end() if start else 0
    return any(s == offset for s, _, _ in matcher("requests", lang).find(norm))


@datafiles.cached
def _instructions() -> PhraseMatcher:
    table = data().instructions
    return phrase_matcher({"instruction": [p for phrases in table.values() for p in phrases]})


def instructs(text: str) -> bool:
    """Whether ``text`` tries to instruct the bot ("ignore your instructions", "du är nu …"), in
    any of the languages."""
    return bool(find_phrases(text, _instructions()))


@datafiles.cached
def _language_names() -> PhraseMatcher:
    return phrase_matcher(data().language_names)


@datafiles.cached
def _language_targets() -> PhraseMatcher:
    return phrase_matcher(data().language_targets)


@datafiles.cached
def _switch_words() -> PhraseMatcher:
    return phrase_matcher({"switch": [p for phrases in data().switch_words.values() for p in phrases]})


def _asked_for(text: str) -> str | None:
    """The one language ``text`` asks for ("på svenska", "auf Deutsch"), else None."""
    asked = {label for *_, label in find_phrases(text, _language_targets())}
    return asked.pop() if len(asked) == 1 else None


def named_language(text: str) -> str | None:
    """The language ``text`` asks for ("kan vi köra på svenska?" in a message that also says "my
    English is not so good" -> "sv"; "kan vi snakke engelsk i stedet? skriver dårlig norsk" -> "en"),
    else the one it names ("English please" -> "en"), else None."""
    asked = _asked_for(text) or _spoken_language(text)
    if asked is not None:
        return asked
    named = {label for *_, label in find_phrases(text, _language_names())}
    return named.pop() if len(named) == 1 else None


@datafiles.cached
def _kind_phrases() -> PhraseMatcher:
    table = data().kind_phrases
    return phrase_matcher({kind: [p for phrases in table[kind].values() for p in phrases] for kind in table})


def phrased_kind(text: str) -> str | None:
    """The kind a phrase of ``kind_phrases`` gives the message ("skip the questions" asks for the
    audit, "why do you need to know" asks about the bot), in any language; None for none or two."""
    kinds = {label for *_, label in find_phrases(text, _kind_phrases())}
    return kinds.pop() if len(kinds) == 1 else None


@datafiles.cached
def _bot_topics() -> PhraseMatcher:
    return phrase_matcher({"bot": [p for phrases in data().bot_topics.values() for p in phrases]})


@datafiles.cached
def _any_interrogative() -> frozenset[str]:
    return frozenset(w.casefold() for ws in data().interrogatives.values() for w in ws)


def asks_about_bot(text: str) -> bool:
    """Whether ``text`` asks about the bot itself (``bot_topics``: how it works, who made it, what
    becomes of the owner's answers), in any language: a question mark or a first word that asks,
    with one of those phrases. "My answers are short" asks nothing."""
    if not find_phrases(text, _bot_topics()):
        return False
    plain = unquestioned(text)
    first = re.match(r"\s*([^\W\d_]+)", plain.casefold())
    return "?" in plain or bool(first and first.group(1) in _any_interrogative())


@datafiles.cached
def _spoken_in() -> re.Pattern[str]:
    """A verb of speaking or writing (``switch_words``), then at most one word, then a language's
    name (``language_names``): "kan vi snakke engelsk", "can we speak English"."""
    names = _alternatives(data().language_names)
    verbs = _alternatives(data().switch_words)
    return re.compile(rf"(?<!\w)(?:{verbs})\s+(?:\w+\s+)?({names})(?!\w)")


def _spoken_language(text: str) -> str | None:
    """The one language a question or polite request asks to speak ("kan vi snakke engelsk i
    stedet?"), else None; "we speak English with customers" asks nothing."""
    norm = normalise(text)
    polite = _polite().match(norm)
    if "?" not in unquestioned(text) and not (polite and polite.group(0).strip()):
        return None
    named = {label for m in _spoken_in().finditer(norm)
             for *_, label in find_phrases(m.group(1), _language_names())}
    return named.pop() if len(named) == 1 else None


def asks_for_language(text: str) -> str | None:
    """The language a message asks to go on in: one asked for ("auf Deutsch", "suomeksi") with a
    word of asking or a question mark ("Können wir bitte auf Deutsch weitermachen?"), else None.
    "We sell in Swedish shops" asks for nothing; long messages are answers, not requests."""
    if len(text.split()) > _SWITCH_WORDS_MAX:
        return None
    asked = _asked_for(text) or _spoken_language(text)
    if asked is None or not ("?" in text or find_phrases(text, _switch_words())):
        return None
    return asked


_SWITCH_WORDS_MAX = 30


def guessed_figure(sentence: str) -> bool:
    """Whether a sentence that ends in "?" is the owner's guess at a figure, not a question: it
    holds a number and a word of guessing ("between us maybe 3 hrs a week?", "seker so 2 uur 'n
    week?") and opens with no question word or request of any language ("Is maybe 3 hours enough?"
    asks)."""
    plain = sentence.strip().rstrip("?").strip()
    figure = re.search(r"\d", plain) or parse_hours(plain) is not None  # "kanskje en time i uka?"
    if not figure or not word_list("guessed").find(normalise(plain)):
        return False
    return not any(looks_like_question(plain, lang) for lang in data().interrogatives)


def looks_like_question(text: str, lang: str) -> bool:
    """A question mark (not one in a web address), a first word that opens a question ("why",
    "hur", "miksi", "onko"), or a request to the bot ("give me …", "kerro …")."""
    if opens_request(text, lang):
        return True
    plain = unquestioned(text)  # "nettbutikken (se https://…/tilbud?utm=x)" asks nothing
    if "?" in plain:
        return bool(plain.strip().strip("?").strip())
    first = re.match(r"\s*([^\W\d_]+(?:'[^\W\d_]+)?)", text.casefold())
    if not first:
        return False
    word = first.group(1)
    particle = len(word) > 3 and word.endswith(tuple(data().question_endings.get(lang, ())))
    return word in _interrogatives(lang) or particle
