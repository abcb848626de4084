"""How a chunk is laid out in the vector index: one record per view, ids derived from content.

A chunk is indexed as its original text (with title and heading as context) and, when it has them,
as its English gloss with topic tags and as each question it answers (document expansion).
Record ids hash what was embedded, so any change to a chunk, its context, gloss or questions
makes a new id and ingest can diff the index by ids alone. The curated glosses of each sentence
travel in the metadata, never embedded: a change to them refreshes the records, not the vectors.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.types import Chunk, Hit

VIEWS = ("text", "gloss", "question")
SCOPE_VIEW = "scope"  # out-of-scope example questions, for the "nothing relevant" guard


@dataclass(frozen=True)
class IndexRecord:
    id: str
    chunk_id: str
    view: str
    embed_text: str
    metadata: dict[str, Any]


def view_texts(chunk: Chunk) -> list[tuple[str, str]]:
    """(view, text to embed) pairs: the text with its context, the gloss, each question."""
    context = chunk.context()
    views = [("text", f"{context}\n{chunk.text}" if context else chunk.text)]
    if chunk.gloss:
        topics = f"\nTopics: {', '.join(chunk.tags)}" if chunk.tags else ""
        views.append(("gloss", f"{chunk.gloss}{topics}"))
    views += [("question", q) for q in chunk.questions]
    return list(dict.fromkeys(views))


def records_for(chunk: Chunk, *, doc_key: str, root: str) -> list[IndexRecord]:
    """The index records of one chunk (the gloss view only when there is a gloss)."""
    base = {
        "chunk_id": chunk.chunk_id, "source": chunk.source, "doc_key": doc_key, "root": root,
        "lang": chunk.lang, "title": chunk.title, "heading": chunk.heading, "author": chunk.author,
        "position": chunk.position, "gloss": chunk.gloss, "tags": ",".join(chunk.tags),
        "doc_hash": chunk.doc_hash, "text": chunk.text, "questions": "\n".join(chunk.questions),
    }
    if chunk.gloss_source:  # only machine glosses are marked: curated records stay as they were
        base["gloss_source"] = chunk.gloss_source
    if chunk.sentence_glosses:  # shown under quotes, never embedded: the vectors stay as they were
        base["sentence_glosses"] = "\n".join(chunk.sentence_glosses)
    records = []
    for view, text in view_texts(chunk):
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
        records.append(IndexRecord(
            id=f"{chunk.chunk_id}.{view}.{digest}", chunk_id=chunk.chunk_id, view=view,
            embed_text=text, metadata={**base, "view": view},
        ))
    return records


def scope_records(questions: list[str]) -> list[IndexRecord]:
    """Out-of-scope example questions as index records (never returned as passages)."""
    records = []
    for question in dict.fromkeys(q.strip() for q in questions if q.strip()):
        digest = hashlib.sha256(question.encode("utf-8")).hexdigest()[:16]
        records.append(IndexRecord(
            id=f"scope.{digest}", chunk_id="", view=SCOPE_VIEW, embed_text=question,
            metadata={"view": SCOPE_VIEW, "root": SCOPE_VIEW, "doc_key": "scope", "text": question},
        ))
    return records


class ScopeFile(BaseModel):
    """``bot/data/out_of_scope.yaml``: questions the product does not answer, for the guard."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    description: str = ""
    questions: tuple[str, ...]


def load_scope_questions() -> list[str]:
    """The product's out-of-scope examples (``bot/data/out_of_scope.yaml``)."""
    from bot import datafiles

    return list(datafiles.load("out_of_scope.yaml", ScopeFile).questions)


def chunk_from_metadata(meta: dict[str, Any]) -> Chunk:
    tags = tuple(t for t in str(meta.get("tags", "")).split(",") if t)
    questions = tuple(q for q in str(meta.get("questions", "")).split("\n") if q)
    return Chunk(
        chunk_id=str(meta["chunk_id"]), source=str(meta.get("source", "")),
        text=str(meta.get("text", "")), lang=str(meta.get("lang", "")),
        title=str(meta.get("title", "")), heading=str(meta.get("heading", "")),
        author=str(meta.get("author", "")), position=int(meta.get("position", 0)),
        gloss=str(meta.get("gloss", "")), gloss_source=str(meta.get("gloss_source", "")),
        tags=tags, questions=questions, doc_hash=str(meta.get("doc_hash", "")),
        sentence_glosses=tuple(g for g in str(meta.get("sentence_glosses", "")).split("\n") if g),
    )


def hit_from_chunk(chunk: Chunk, score: float) -> Hit:
    return Hit(
        chunk_id=chunk.chunk_id, source=chunk.source, lang=chunk.lang, title=chunk.title,
        text=chunk.text, score=score, author=chunk.author, heading=chunk.heading,
        gloss=chunk.gloss, gloss_source=gloss_source(chunk), sentence_glosses=chunk.sentence_glosses,
    )


def gloss_source(chunk: Chunk | Hit) -> str:
    """Who wrote a passage's gloss: "llm", "curated", or "" when it has none."""
    if not chunk.gloss:
        return ""
    return "llm" if chunk.gloss_source == "llm" else "curated"
