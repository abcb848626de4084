"""How a chunk is laid out in the vector index: one record per view, ids derived from content.

A chunk is indexed as its original text (with title and heading as context) and, when it has one,
as its English gloss with topic tags. Record ids hash what was embedded, so any change to a chunk,
its context or its gloss makes a new id and ingest can diff the index by ids alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from bot.types import Chunk, Hit

VIEWS = ("text", "gloss")


@dataclass(frozen=True)
class IndexRecord:
    id: str
    chunk_id: str
    view: str
    embed_text: str
    metadata: dict[str, Any]


def embed_text(chunk: Chunk, view: str) -> str:
    if view == "text":
        context = chunk.context()
        return f"{context}\n{chunk.text}" if context else chunk.text
    topics = f"\nTopics: {', '.join(chunk.tags)}" if chunk.tags else ""
    return f"{chunk.gloss}{topics}"


def records_for(chunk: Chunk, *, doc_key: str, root: str) -> list[IndexRecord]:
    """The index records of one chunk (the gloss view only when there is a gloss)."""
    base = {
        "chunk_id": chunk.chunk_id, "source": chunk.source, "doc_key": doc_key, "root": root,
        "lang": chunk.lang, "title": chunk.title, "heading": chunk.heading, "author": chunk.author,
        "position": chunk.position, "gloss": chunk.gloss, "tags": ",".join(chunk.tags),
        "doc_hash": chunk.doc_hash, "text": chunk.text,
    }
    records = []
    for view in VIEWS:
        if view == "gloss" and not chunk.gloss:
            continue
        text = embed_text(chunk, view)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
        records.append(IndexRecord(
            id=f"{chunk.chunk_id}.{view}.{digest}", chunk_id=chunk.chunk_id, view=view,
            embed_text=text, metadata={**base, "view": view},
        ))
    return records


def chunk_from_metadata(meta: dict[str, Any]) -> Chunk:
    tags = tuple(t for t in str(meta.get("tags", "")).split(",") if t)
    return Chunk(
        chunk_id=str(meta["chunk_id"]), source=str(meta.get("source", "")),
        text=str(meta.get("text", "")), lang=str(meta.get("lang", "")),
        title=str(meta.get("title", "")), heading=str(meta.get("heading", "")),
        author=str(meta.get("author", "")), position=int(meta.get("position", 0)),
        gloss=str(meta.get("gloss", "")), tags=tags, doc_hash=str(meta.get("doc_hash", "")),
    )


def hit_from_chunk(chunk: Chunk, score: float) -> Hit:
    return Hit(
        chunk_id=chunk.chunk_id, source=chunk.source, lang=chunk.lang, title=chunk.title,
        text=chunk.text, score=score, author=chunk.author, heading=chunk.heading,
        gloss=chunk.gloss,
    )
