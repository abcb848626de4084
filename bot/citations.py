"""Citations as data: a quote from a stored passage, verified before anything shows it.

A ``Citation`` names the chunk it quotes and carries what a reader of another language needs
(original text's language, English gloss, document title and author). ``verify`` checks every
quote against the stored chunk text; a citation that does not resolve is an error, never shown.
``number`` gives citations their ``[n]`` markers in order of first appearance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.errors import SocialAuditError
from bot.types import Chunk, Hit

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"'«»“”(\[]?[A-ZÅÄÖÆØÜÉ0-9])")


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
    gloss: str = ""  # the English gloss of the whole passage, when there is one

    def to_json(self) -> dict[str, Any]:
        """The public shape ``{chunk_id, source, quote, lang, title, author, gloss}``."""
        return {"chunk_id": self.chunk_id, "source": self.source, "quote": self.quote,
                "lang": self.lang, "title": self.title, "author": self.author, "gloss": self.gloss}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Citation:
        return cls(**{k: str(data.get(k) or "") for k in
                      ("chunk_id", "source", "quote", "lang", "title", "author", "gloss")})


class Passages(Protocol):
    """Anything that can give back a stored chunk by id (the retriever does)."""

    def chunk(self, chunk_id: str) -> Chunk | None: ...


def sentences(text: str) -> list[str]:
    """The passage split into sentences, each a verbatim slice of ``text``."""
    out: list[str] = []
    for block in text.split("\n"):
        out.extend(s.strip() for s in _SENTENCE_END.split(block) if s.strip())
    return out


def cite(chunk: Chunk | Hit, quote: str | None = None) -> Citation:
    """A citation of ``chunk``; the quote defaults to the whole passage text."""
    return Citation(chunk_id=chunk.chunk_id, source=chunk.source, quote=(quote or chunk.text).strip(),
                    lang=chunk.lang, title=chunk.title, author=chunk.author, gloss=chunk.gloss)


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
