"""The project's own data types: frozen dataclasses, free of any library's classes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage: one or more whole paragraphs of one document."""

    chunk_id: str
    source: str  # file name (relative path for consultant folders), the citation's anchor
    text: str  # the passage exactly as in the document
    lang: str
    title: str = ""
    heading: str = ""
    author: str = ""
    position: int = 0  # order within the document
    gloss: str = ""  # faithful English rendering, when curated or generated
    gloss_source: str = ""  # "llm" for a machine gloss ("llm-rejected": asked, refused); "" curated
    tags: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()  # questions the passage answers (document expansion)
    doc_hash: str = ""  # hash of the whole cleaned document; a change replaces its chunks
    # curated English of each sentence, aligned with ``bot.citations.sentences(text)``; () none
    sentence_glosses: tuple[str, ...] = ()

    def context(self) -> str:
        """Title and heading, the context a chunk carries into its embedding."""
        return " — ".join(p for p in (self.title, self.heading) if p and p != self.text)


@dataclass(frozen=True)
class Hit:
    """A passage found for a query, with what a reader of another language needs to use it."""

    chunk_id: str
    source: str
    lang: str
    title: str
    text: str
    score: float
    author: str = ""
    heading: str = ""
    gloss: str = ""
    gloss_source: str = ""  # "curated" or "llm" (machine-written) when there is a gloss
    sentence_glosses: tuple[str, ...] = ()  # as ``Chunk.sentence_glosses`` (not in the public shape)

    def to_json(self) -> dict[str, Any]:
        """The public ``--batch`` / ``--json`` shape. Keep it stable."""
        return {
            "chunk_id": self.chunk_id,
            "source": self.source,
            "lang": self.lang,
            "title": self.title,
            "text": self.text,
            "score": round(self.score, 6),
            "author": self.author,
            "heading": self.heading,
            "gloss": self.gloss,
            "gloss_source": self.gloss_source,
        }


@dataclass(frozen=True)
class IngestReport:
    """What one ingest run did."""

    documents: int = 0
    chunks_added: int = 0
    chunks_kept: int = 0
    chunks_removed: int = 0
    vectors_added: int = 0  # index records (views of chunks) written
    vectors_removed: int = 0
    vectors_refreshed: int = 0  # kept vectors whose stored metadata (gloss, author, …) changed
    vectors_embedded: int = 0  # of vectors_added, those computed by the embedder in this run
    vectors_loaded: int = 0  # of vectors_added, those taken from the vectors shipped with the package
    shipped_note: str = ""  # why the shipped vectors could not be used ("" when fine or not ours)
    languages: dict[str, int] = field(default_factory=dict)
    skipped: tuple[tuple[str, str], ...] = ()  # (file, reason)
    dropped: tuple[tuple[str, str, str], ...] = ()  # (file, rule, text) page furniture removed
    glosses_written: int = 0  # machine glosses asked of the LLM, verified and stored
    glosses_reused: int = 0  # machine glosses (or refusals) of unchanged passages, kept from the index
    glosses_rejected: tuple[tuple[str, str], ...] = ()  # (passage, reason) refused by the checks
    glosses_failed: tuple[tuple[str, str], ...] = ()  # (passage, reason) the LLM gave no usable reply
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.vectors_added or self.vectors_removed or self.vectors_refreshed)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
