"""Matching labelled phrases in an answer, by the rules of ``bot/data/answers.yaml``.

The lower half of the interview's reader: ``normalise`` a message, compile ``{label: phrases}``
once (``phrase_matcher``) and find them (``find_phrases``), or find them with the negation rules
(``mentions``: a label negated in its stretch of meaning is left out, and so is a list after a
negator: "not on TikTok, Snapchat or X"; ``negated`` and ``says_not`` ask the same of a position
or a whole text). The field parsers (``bot.interview.fields``) and the cue words
(``bot.interview.cues``) are built on it. The words (negators, clause breaks, the vocabularies)
live in ``answers.yaml``, whose header gives the matching rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot import datafiles
from bot.vocabulary import AnswersFile, GrammarFile

Span = tuple[int, int, str]

_PUNCT_BREAK = re.compile(r"[;!?\n()]|[.:](?!\w)")
_WORD = re.compile(r"\w+")

_FRACTION = re.compile(r"(?:([0-9])\s?)?([½¼¾])")
_FRACTIONS = {"½": ".5", "¼": ".25", "¾": ".75"}
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "–": "-", "—": "-", "−": "-"})


def normalise(text: str) -> str:
    """NFKC, case-folded, with one kind of apostrophe and dash, and ½ written as .5."""
    text = _FRACTION.sub(lambda m: (m.group(1) or "0") + _FRACTIONS[m.group(2)], text)
    return unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)


def answer_words() -> dict[str, Any]:
    """``bot/data/answers.yaml``: the vocabularies, by name."""
    data: dict[str, Any] = datafiles.load_checked("answers.yaml", AnswersFile)
    return data


def grammar() -> GrammarFile:
    """``bot/data/grammar.yaml``: the small words of the reader (joiners, negators, abbreviations)."""
    return datafiles.load("grammar.yaml", GrammarFile)


def words_of(table: Mapping[str, Iterable[str]]) -> list[str]:
    """The words of a table of ``grammar()`` in every language, each once, in the file's order."""
    return list(dict.fromkeys(w for words in table.values() for w in words))


def alternatives(words: Iterable[str]) -> str:
    """``words`` as a regex alternation, each matched as written ("to|till|til")."""
    return "|".join(re.escape(w) for w in words)


@datafiles.cached
def _apostrophe_words() -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'])(?:{alternatives(words_of(grammar().apostrophe_words))})(?!\w)")


@datafiles.cached
def _list_gap() -> re.Pattern[str]:
    """Between two items of one list: commas, signs and the words of a list ("or", "and", "nor")."""
    g = grammar()
    words = dict.fromkeys(w for lang in g.or_words
                          for table in (g.or_words, g.and_words, g.nor_words) for w in table.get(lang, []))
    return re.compile(rf"[\s,/&+]*(?:(?:{alternatives(words)})[\s,/&+]*)?")


def phrase_list(node: Any) -> list[str]:
    """A list of phrases (or of such mappings), or a mapping language -> list, flattened; a
    phrase with a word owners often type without its apostrophe (grammar.yaml, Afrikaans "'n")
    also as they type it ("3 keer n week")."""
    if isinstance(node, str):
        plain = _apostrophe_words().sub(lambda m: m.group(0).replace("'", ""), node)
        return [node] if plain == node else [node, plain]
    if isinstance(node, Mapping):
        return [p for value in node.values() for p in phrase_list(value)]
    return [p for item in node for p in phrase_list(item if isinstance(item, Mapping) else str(item))]


def words_pattern(phrase: str) -> str:
    """The regex of a phrase's words: spaces match spaces or hyphens, hyphens are optional."""
    return r"[\s\-]+".join(re.escape(w).replace(r"\-", r"[\s\-]?") for w in phrase.split())


def _pattern(phrase: str) -> str:
    exact, prefix = phrase.startswith("="), phrase.endswith("*")
    core = phrase.strip("=*").strip()
    body = words_pattern(core) + (r"\w*" if prefix else "")
    if exact:
        return rf"^[\W_]*{body}[\W_]*$"
    head = r"(?<!\w)" if re.match(r"\w", core) else ""
    tail = r"(?!\w)" if prefix or re.search(r"\w$", core) else ""
    return head + body + tail


@dataclass(frozen=True)
class PhraseMatcher:
    """Labelled phrases, longest first, in one regex."""

    regex: re.Pattern[str] | None
    labels: tuple[str, ...]

    def find(self, text: str) -> list[Span]:
        if self.regex is None:
            return []
        return [(m.start(), m.end(), self.labels[(m.lastindex or 1) - 1]) for m in self.regex.finditer(text)]


@lru_cache(maxsize=128)
def _compile(entries: tuple[tuple[str, str], ...]) -> PhraseMatcher:
    """One regex, phrases grouped by first letter so that a position tries only its own letter's
    phrases; longest first within a group, whole-answer (=) phrases before all."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for phrase, label in sorted(set(entries), key=lambda e: (-len(e[0].strip("=*")), e)):
        core = phrase.strip("=*").strip()
        if core:
            key = "" if phrase.startswith("=") or not re.match(r"\w", core) else core[0]
            groups.setdefault(key, []).append((phrase, label))
    if not groups:
        return PhraseMatcher(None, ())
    labels: list[str] = []
    parts = []
    for key in sorted(groups):
        labels += [label for _, label in groups[key]]
        alternatives = "|".join(f"({_pattern(p)})" for p, _ in groups[key])
        parts.append(f"(?={re.escape(key)})(?:{alternatives})" if key else alternatives)
    # The guard skips the middle of words at once instead of trying every phrase there.
    return PhraseMatcher(re.compile(r"(?:(?<!\w)|(?!\w))(?:" + "|".join(parts) + ")"), tuple(labels))


def phrase_matcher(table: Mapping[str, Any], with_names: bool = False) -> PhraseMatcher:
    """Compile ``{label: phrases}`` (phrases a list, or lists per language) once, for ``find_phrases``;
    ``with_names``: each label also matches itself, "_" read as a space (an option set's names)."""
    entries = [(normalise(p), str(label)) for label, node in table.items() for p in phrase_list(node)]
    if with_names:
        entries += [(normalise(str(label).replace("_", " ")), str(label)) for label in table]
    return _compile(tuple(entries))


@datafiles.cached
def vocabulary(key: str) -> PhraseMatcher:
    """The labelled vocabulary ``key`` of answers.yaml (``{label: phrases}``), compiled."""
    return phrase_matcher(answer_words()[key])


@datafiles.cached
def word_list(key: str) -> PhraseMatcher:
    """The word list ``key`` of answers.yaml (phrases, or lists per language), each labelled ``key``."""
    return _compile(tuple((normalise(p), key) for p in phrase_list(answer_words()[key])))


def find_phrases(text: str, matcher: PhraseMatcher) -> list[Span]:
    """(start, end, label) of each phrase found in ``normalise(text)``, in order; no negation rules."""
    return matcher.find(normalise(text))


def mask(text: str, spans: Iterable[tuple[int, int, Any]]) -> str:
    """``text`` with each span (start, end, ...) blanked out by spaces, so that offsets stay put."""
    out, pos = [], 0
    for start, end, *_ in sorted(spans):
        if start >= pos:
            out += [text[pos:start], " " * (end - start)]
            pos = end
    return "".join(out) + text[pos:]


def _clauses(norm: str) -> list[tuple[int, str]]:
    """Stretches of text split at sentence punctuation and at words like "but", "men", "mutta"."""
    cuts = sorted([(m.start(), m.end()) for m in _PUNCT_BREAK.finditer(norm)]
                  + [(s, e) for s, e, _ in word_list("clause_breaks").find(norm)])
    out, pos = [], 0
    for start, end in cuts:
        if start >= pos:
            out.append((pos, norm[pos:start]))
            pos = end
    return [*out, (pos, norm[pos:])]


def _negated(clause: str, start: int, negators: list[Span]) -> bool:
    return any(end <= start and "," not in clause[end:start] and len(_WORD.findall(clause[end:start])) <= 2
               for _, end, _ in negators)


_INVERTED_GAP = 3  # words: a verb and its subject (and one more) between a name and its "not"


def _said_none_of(clause: str, end: int, after: list[Span], negators: list[Span],
                  subjects: list[Span]) -> bool:
    """A name followed at once by "we don't have" ("Instagramia ei ole", "Instagram har vi inte"),
    or by a "not" with only a verb and its subject before it ("Kaltakquise mach ich nicht",
    "Tenders doen ons nie meer nie")."""
    if any(s >= end and not clause[end:s].strip(" -") for s, _, _ in after):
        return True
    return any(s >= end and "," not in clause[end:s] and len(_WORD.findall(clause[end:s])) <= _INVERTED_GAP
               and any(end <= a < s for a, _, _ in subjects) for s, _, _ in negators)


def says_not(text: str) -> bool:
    """Whether ``text`` holds a negation ("haven't sent anything in a year")."""
    return bool(word_list("negators").find(normalise(text)))


def says_hardly(text: str) -> bool:
    """Whether ``text`` says something hardly happens ("Empfehlungen kommen leider kaum")."""
    return bool(word_list("hardly").find(normalise(text)))


def clause_texts(norm: str) -> list[str]:
    """The stretches of ``norm`` that negation reaches across (see ``mentions``)."""
    return [clause for _, clause in _clauses(norm)]


def mentions(norm: str, matcher: PhraseMatcher) -> list[Span]:
    """Labels named in ``norm`` (normalised), minus those negated ("not on TikTok, Snapchat or X"),
    and minus labels starting with "_" (consumed, but they say nothing)."""
    found: list[Span] = []
    for offset, clause in _clauses(norm):
        negators = word_list("negators").find(clause)
        after = word_list("negators_after").find(clause)
        subjects = word_list("inverted_subjects").find(clause)
        negated_end = -1
        for start, end, label in matcher.find(clause):
            listed = negated_end >= 0 and _list_gap().fullmatch(clause[negated_end:start]) is not None
            negated = listed or _negated(clause, start, negators) or _said_none_of(
                clause, end, after, negators, subjects)
            negated_end = end if negated else -1
            if not negated and not label.startswith("_"):
                found.append((offset + start, offset + end, label))
    return found


def negated(text: str, start: int, end: int | None = None) -> bool:
    """Whether a negator ("not", "inte", "ei", …) stands just before position ``start`` of
    ``normalise(text)``, in the same stretch of meaning; with ``end`` (the end of a verb), also
    just after it, where Scandinavian, German and Afrikaans put it ("vi raderar aldrig", "wir
    löschen sie nie"), or inside the span ("tar aldrig bort")."""
    norm = normalise(text)
    for offset, clause in _clauses(norm):
        if offset <= start <= offset + len(clause):
            negators = word_list("negators").find(clause)
            inside = end is not None and any(start - offset <= s < end - offset for s, _, _ in negators)
            if inside or _negated(clause, start - offset, negators):
                return True
            if end is None:
                return False
            after = end - offset
            return any(s >= after and "," not in clause[after:s] and len(_WORD.findall(clause[after:s])) <= 2
                       for s, _, _ in negators)
    return False
