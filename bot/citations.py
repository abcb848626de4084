"""Citations as data: a quote from a stored passage, verified before anything shows it.

A ``Citation`` names the chunk it quotes and carries what a reader of another language needs
(original text's language, English gloss and who wrote it, document title and author). ``verify``
checks every quote against the stored chunk text; a citation that does not resolve is an error,
never shown.
``number`` gives citations their ``[n]`` markers in order of first appearance.

The gloss a citation carries is the English of its quote: ``quote_gloss`` takes the curated
glosses of exactly the sentences quoted, and the whole passage's gloss only when the quote is
the whole passage or the passage has no sentence glosses (a consultant's or a machine gloss).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.errors import SocialAuditError
from bot.retrieval.index import gloss_source
from bot.types import Chunk, Hit

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"'«»“”(\[]?[A-ZÅÄÖÆØÜÉ0-9])")


GLOSS_SOURCES = ("curated", "llm")


class CitationError(SocialAuditError):
    """A citation does not resolve to stored text: the answer or report must not be shown."""


@dataclass(frozen=True)
class Citation:
    chunk_id: str
    source: str
    quote: str  # verbatim from the chunk's text, in its original language
    lang: str
    title: str = ""
    author: str = ""
    gloss: str = ""  # the English of the quote (its sentences' glosses, else the passage's gloss)
    gloss_source: str = ""  # who wrote the gloss: "curated", "llm" (machine-written), "" none

    def to_json(self) -> dict[str, Any]:
        """The public shape ``{chunk_id, source, quote, lang, title, author, gloss, gloss_source}``."""
        return {"chunk_id": self.chunk_id, "source": self.source, "quote": self.quote,
                "lang": self.lang, "title": self.title, "author": self.author, "gloss": self.gloss,
                "gloss_source": self.gloss_source}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Citation:
        """Also reads the shape from before ``gloss_source``: its source is then unknown ("")."""
        fields = {k: str(data.get(k) or "") for k in
                  ("chunk_id", "source", "quote", "lang", "title", "author", "gloss", "gloss_source")}
        if not fields["gloss"] or fields["gloss_source"] not in GLOSS_SOURCES:
            fields["gloss_source"] = ""
        return cls(**fields)

    @property
    def machine_gloss(self) -> bool:
        """The gloss was written by an LLM, not by a person: readers must be told."""
        return bool(self.gloss) and self.gloss_source == "llm"


class Passages(Protocol):
    """Anything that can give back a stored chunk by id (the retriever does)."""

    def chunk(self, chunk_id: str) -> Chunk | None: ...


def sentences(text: str) -> list[str]:
    """The passage split into sentences, each a verbatim slice of ``text``."""
    out: list[str] = []
    for block in text.split("\n"):
        out.extend(s.strip() for s in _SENTENCE_END.split(block) if s.strip())
    return out


def quoted_sentences(text: str, quote: str) -> list[int]:
    """The indexes of the sentences of ``text`` (as ``sentences`` splits it) that the verbatim
    ``quote`` overlaps, in order; [] when the quote is not in the text."""
    start = text.find(quote.strip()) if quote.strip() else -1
    if start < 0:
        return []
    end, at, out = start + len(quote.strip()), 0, []
    for i, sentence in enumerate(sentences(text)):
        first = text.index(sentence, at)
        at = first + len(sentence)
        if first < end and start < at:
            out.append(i)
    return out


def quote_gloss(chunk: Chunk | Hit, quote: str) -> str:
    """The English of ``quote``: the curated glosses of the sentences it spans, in order; the
    passage's gloss when it spans them all, when the passage has no sentence glosses (or they no
    longer line up with its sentences) or when the quote is not in the passage."""
    glosses = chunk.sentence_glosses
    if not chunk.gloss or not glosses or gloss_source(chunk) != "curated":
        return chunk.gloss
    if len(glosses) != len(sentences(chunk.text)):
        return chunk.gloss
    spanned = quoted_sentences(chunk.text, quote)
    if not spanned or len(spanned) == len(glosses):
        return chunk.gloss
    return " ".join(glosses[i] for i in spanned)


def cite(chunk: Chunk | Hit, quote: str | None = None) -> Citation:
    """A citation of ``chunk``; the quote defaults to the whole passage text, its gloss is the
    English of the quote (``quote_gloss``). It says who wrote the gloss
    (``bot.retrieval.index.gloss_source``): "llm" for a machine gloss, else "curated"."""
    quote = (quote or chunk.text).strip()
    return Citation(chunk_id=chunk.chunk_id, source=chunk.source, quote=quote, lang=chunk.lang,
                    title=chunk.title, author=chunk.author, gloss=quote_gloss(chunk, quote),
                    gloss_source=gloss_source(chunk))


def problem(citation: Citation, passages: Passages) -> str | None:
    """Why ``citation`` does not resolve, or None when its quote is verbatim in its chunk."""
    if not citation.quote.strip():
        return f"citation of {citation.chunk_id} has an empty quote"
    chunk = passages.chunk(citation.chunk_id)
    if chunk is None:
        return f"citation of {citation.chunk_id} ({citation.source}): no such passage in the index"
    if citation.quote not in chunk.text:
        return f"citation of {citation.chunk_id} ({citation.source}): quote is not in the passage"
    if citation.source != chunk.source:
        return f"citation of {citation.chunk_id}: source {citation.source!r} is {chunk.source!r}"
    return None


def verify(citations: Iterable[Citation], passages: Passages) -> None:
    """Raise ``CitationError`` naming every citation that does not resolve to stored text."""
    problems = [p for c in citations if (p := problem(c, passages)) is not None]
    if problems:
        raise CitationError("; ".join(problems) + " — re-run `social-audit ingest` or fix the rule")


def number(citations: Sequence[Citation]) -> dict[Citation, int]:
    """``[n]`` markers from 1 in order of first appearance; a repeated citation keeps its number."""
    out: dict[Citation, int] = {}
    for citation in citations:
        out.setdefault(citation, len(out) + 1)
    return out
