"""Lexical retrieval across languages: per-language stemming, a domain lexicon, and BM25.

Documents are stemmed in their own language (glosses in English). A query's language is often
unknowable from a few words, so the query is stemmed with every language's stemmer. Lexicon
concepts ("customer-service" = kundservice, asiakaspalvelu, kliëntediens, …) become shared
``§concept`` tokens on both sides, which lets a Finnish query meet a Danish passage lexically.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot import datafiles
from bot import lang as langs
from bot.lang import detect

_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
COMPOUND_MIN = 6  # a lexicon term this long also matches inside compounds (asiakaspalvelukanavana)
SPLIT_MIN, PART_MIN = 8, 4  # a word this long may be split into two known words this long


MAX_QUERY_CHARS = 1000  # e5 reads at most 512 tokens; a longer query only costs time


def capped(query: str) -> str:
    """The part of a query retrieval reads: its first ``MAX_QUERY_CHARS`` characters."""
    return query[:MAX_QUERY_CHARS]


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u00a0", " ").casefold()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


@datafiles.cached
def _data() -> tuple[dict[str, Any], dict[str, frozenset[str]]]:
    lexicon, stop = langs.load("lexicon.yaml"), langs.load("stopwords.yaml")
    return lexicon, {lang: frozenset(normalise(str(w)) for w in words) for lang, words in stop.items()}


def stemmer_name(lang: str) -> str:
    """The Snowball stemmer of ``lang`` (``bot/data/languages.yaml``); English for an unknown one."""
    return next((x.stemmer for x in langs.registry().languages if x.code == lang), "english")


_THREAD = threading.local()
STEMS_KEPT = 1 << 16  # (stemmer, word) -> stem: a query is stemmed in every language, each time


def _stemmer(name: str) -> Any:
    """This thread's Snowball stemmer ``name``. A snowball stemmer keeps the word it is working on
    in itself, so threads sharing one (searches in a live server) garble each other's words."""
    stemmers: dict[str, Any] = _THREAD.__dict__.setdefault("stemmers", {})
    if name not in stemmers:
        import snowballstemmer

        stemmers[name] = snowballstemmer.stemmer(name)
    return stemmers[name]


@functools.lru_cache(maxsize=STEMS_KEPT)
def _stemmed(word: str, name: str) -> str:
    """A word's stem by the stemmer ``name``: a pure function of both, so it is remembered."""
    return str(_stemmer(name).stemWord(word))


def stem(words: Sequence[str], lang: str) -> list[str]:
    name = stemmer_name(lang)
    return [_stemmed(w, name) for w in words]


def split_compound(word: str, vocabulary: frozenset[str]) -> list[str]:
    """The two known words a long compound is made of (kundeservicen -> kunde, servicen), with a
    Nordic/German linking -s- or -e- allowed (markedsføring -> marked, føring); [] if none."""
    if len(word) < SPLIT_MIN or not vocabulary:
        return []
    for cut in range(len(word) - PART_MIN, PART_MIN - 1, -1):  # the longest known head first
        head, tail = word[:cut], word[cut:]
        if tail not in vocabulary:
            continue
        if head in vocabulary:
            return [head, tail]
        if head[-1] in "se" and len(head) > PART_MIN and head[:-1] in vocabulary:
            return [head[:-1], tail]
    return []


def vocabulary_of(texts: Iterable[str], stopwords: frozenset[str]) -> frozenset[str]:
    """Words a compound may be split into: every non-function word of ``texts`` this long."""
    return frozenset(w for text in texts for w in tokens(text)
                     if len(w) >= PART_MIN and w not in stopwords)


def _with_parts(words: list[str], vocabulary: frozenset[str]) -> list[str]:
    return words + [part for w in words for part in split_compound(w, vocabulary)]


@dataclass(frozen=True)
class Lexicon:
    """Concept ids by stemmed phrase per language, and compound-friendly long terms."""

    phrases: dict[str, dict[tuple[str, ...], str]]  # lang -> stemmed phrase -> concept
    compounds: dict[str, list[tuple[str, str]]]  # lang -> [(term, concept)]
    stopwords: frozenset[str]

    @classmethod
    def load(cls) -> Lexicon:
        lexicon, stop = _data()
        codes = langs.codes("retrieval")
        phrases: dict[str, dict[tuple[str, ...], str]] = {lang: {} for lang in codes}
        compounds: dict[str, list[tuple[str, str]]] = {lang: [] for lang in codes}
        for concept in lexicon["concepts"]:
            for lang in codes:
                for term in concept.get(lang) or []:
                    words = tokens(str(term))
                    if not words:
                        continue
                    phrases[lang][tuple(stem(words, lang))] = concept["id"]
                    if len(words) == 1 and len(words[0]) >= COMPOUND_MIN and lang != "en":
                        compounds[lang].append((words[0], concept["id"]))
        return cls(phrases, compounds, frozenset().union(*stop.values()))

    def concepts(self, words: Sequence[str], lang: str) -> set[str]:
        """Concepts named in ``words`` (already tokenised) read as language ``lang``."""
        found: set[str] = set()
        stems = stem(words, lang)
        table = self.phrases.get(lang, {})
        longest = self.longest.get(lang, 1)
        for i in range(len(stems)):
            for n in range(1, min(longest, len(stems) - i) + 1):
                concept = table.get(tuple(stems[i : i + n]))
                if concept:
                    found.add(concept)
        joined = "\n".join(words)  # a term is one token (no newline): in the joined words = in one word
        for term, concept in self.compounds.get(lang, []):
            if term in joined:
                found.add(concept)
        return found

    @functools.cached_property
    def longest(self) -> dict[str, int]:
        """The most words of a phrase, per language."""
        return {lang: max((len(p) for p in table), default=1) for lang, table in self.phrases.items()}


def document_terms(lexicon: Lexicon, text: str, lang: str, gloss: str = "",
                   tags: Iterable[str] = (), extra: Sequence[str] = (), *,
                   vocabulary: frozenset[str] = frozenset()) -> list[str]:
    """The bag of terms of a passage: its stems, its gloss's English stems, tags and concepts.

    With a ``vocabulary``, a long compound also gives the stems of the two words it is made of.
    """
    words = _with_parts([w for w in tokens(text) if w not in lexicon.stopwords], vocabulary)
    gloss_words = [w for w in tokens(gloss) if w not in lexicon.stopwords]
    terms = stem(words, lang) + stem(gloss_words, "en")
    concepts = lexicon.concepts(words, lang) | lexicon.concepts(gloss_words, "en")
    for line in extra:  # expansion questions, in several languages: each in its own
        extra_words = _with_parts([w for w in tokens(line) if w not in lexicon.stopwords],
                                  vocabulary)
        extra_lang = detect(line, default="en") or "en"
        terms += stem(extra_words, extra_lang)
        concepts |= lexicon.concepts(extra_words, extra_lang)
    return terms + [f"§{t}" for t in tags] + [f"§{c}" for c in sorted(concepts)]


def query_terms(lexicon: Lexicon, query: str, *,
                vocabulary: frozenset[str] = frozenset()) -> list[str]:
    """Query stems in every language (deduplicated per word) plus the concepts it names (and, with
    a ``vocabulary``, the parts of long compounds, as in ``document_terms``)."""
    words = _with_parts([w for w in tokens(query) if w not in lexicon.stopwords], vocabulary)
    terms: list[str] = []
    concepts: set[str] = set()
    codes = langs.codes("retrieval")
    for lang in codes:
        concepts |= lexicon.concepts(words, lang)
    for word in words:
        terms.extend(sorted({stem([word], lang)[0] for lang in codes}))
    return terms + [f"§{c}" for c in sorted(concepts)]


@dataclass
class BM25:
    """Okapi BM25 over small in-memory corpora (the curated corpus is tens of passages)."""

    docs: list[Counter[str]]
    k1: float = 1.2
    b: float = 0.75
    idf: dict[str, float] = field(default_factory=dict)
    avgdl: float = 1.0

    def __post_init__(self) -> None:
        n = len(self.docs)
        df: Counter[str] = Counter()
        for doc in self.docs:
            df.update(doc.keys())
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.avgdl = (sum(sum(d.values()) for d in self.docs) / n) if n else 1.0
        self._lengths = [sum(d.values()) for d in self.docs]

    @classmethod
    def from_terms(cls, term_lists: Sequence[Sequence[str]]) -> BM25:
        return cls([Counter(terms) for terms in term_lists])

    def scores(self, query: Sequence[str]) -> list[float]:
        unique = [t for t in dict.fromkeys(query) if t in self.idf]
        out = []
        for doc, length in zip(self.docs, self._lengths, strict=True):
            norm = self.k1 * (1 - self.b + self.b * length / self.avgdl)
            total = 0.0
            for term in unique:
                tf = doc.get(term, 0)
                if tf:
                    total += self.idf[term] * tf * (self.k1 + 1) / (tf + norm)
            out.append(total)
        return out
