"""Cue words (``bot/data/cues.yaml``): which field a stretch of a message talks about.

A message in one language is matched against that language's cues and the English ones.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from bot import lang as langs
from bot.parse import PhraseMatcher, find_phrases, normalise, phrase_matcher

Spans = dict[str, list[tuple[int, int, str]]]


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (resources.files("bot") / "data" / "cues.yaml").read_text(encoding="utf-8"))
    return langs.require("cues.yaml", loaded)


def _phrases(table: dict[str, list[str]], lang: str) -> list[str]:
    return [*table.get(lang, []), *(table.get("en", []) if lang != "en" else [])]


@lru_cache(maxsize=256)
def matcher(key: str, lang: str) -> PhraseMatcher:
    """One cue key's phrases in ``lang`` and English."""
    table = data()[key] if key in ("consumer_venues", "requests") else data()["cues"][key]
    return phrase_matcher({key: _phrases(table, lang)})


def cues(text: str, lang: str) -> Spans:
    """Every cue key found in ``text`` (already normalised: ``bot.parse.normalise``), with its spans."""
    found: Spans = {}
    for key in data()["cues"]:
        spans = matcher(key, lang).find(text)
        if spans:
            found[key] = spans
    return found


def venue(text: str, lang: str) -> bool:
    return bool(find_phrases(text, matcher("consumer_venues", lang)))


@lru_cache(maxsize=16)
def _interrogatives(lang: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _phrases(data()["interrogatives"], lang))


def _alternatives(table: dict[str, list[str]]) -> str:
    return "|".join(re.escape(normalise(w)) for w in sorted({w for ws in table.values() for w in ws},
                                                             key=len, reverse=True))


@lru_cache(maxsize=1)
def _polite() -> re.Pattern[str]:
    """The polite opening of a request, in any language (``polite`` in cues.yaml)."""
    please, can_you = (_alternatives(data()["polite"][k]) for k in ("please", "can_you"))
    return re.compile(rf"^\s*(?:(?:{please})[\s,]+)?(?:(?:{can_you})[\s,]+(?:(?:{please})[\s,]+)?)?")


def opens_request(text: str, lang: str) -> bool:
    """Whether ``text`` (one sentence) opens by asking the bot for something: "give me …",
    "please cite …", "can you show me …", "kerro …", "ge mig …"."""
    norm = normalise(text)
    start = _polite().match(norm)
    offset = start.end() if start else 0
    return any(s == offset for s, _, _ in matcher("requests", lang).find(norm))


@lru_cache(maxsize=1)
def _instructions() -> PhraseMatcher:
    table = data()["instructions"]
    return phrase_matcher({"instruction": [p for phrases in table.values() for p in phrases]})


def instructs(text: str) -> bool:
    """Whether ``text`` tries to instruct the bot ("ignore your instructions", "du är nu …"), in
    any of the languages."""
    return bool(find_phrases(text, _instructions()))


@lru_cache(maxsize=1)
def _language_names() -> PhraseMatcher:
    return phrase_matcher(data()["language_names"])


def named_language(text: str) -> str | None:
    """The one conversation language ``text`` names ("in English please" -> "en"), else None."""
    named = {label for *_, label in find_phrases(text, _language_names())}
    return named.pop() if len(named) == 1 else None


def looks_like_question(text: str, lang: str) -> bool:
    """A question mark, a first word that opens a question ("why", "hur", "miksi", "onko"), or a
    request to the bot ("give me …", "kerro …")."""
    if opens_request(text, lang):
        return True
    if "?" in text:
        return bool(text.strip().strip("?").strip())
    first = re.match(r"\s*([^\W\d_]+(?:'[^\W\d_]+)?)", text.casefold())
    if not first:
        return False
    word = first.group(1)
    particle = len(word) > 3 and word.endswith(tuple(data()["question_endings"].get(lang, ())))
    return word in _interrogatives(lang) or particle
