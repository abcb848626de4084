"""Cut a cleaned document into chunks of whole paragraphs that carry their title and heading."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.types import Chunk
from ingest.load import Block

MIN_CHARS = 80  # a shorter paragraph joins its neighbour rather than stand alone
_NUMBERED = re.compile(r"^(\d+\s*[.:)]|.{0,40}#\s*\d+\s*:)\s*\S")
_BULLET = re.compile(r"^\s*[-•*–]\s+")


@dataclass(frozen=True)
class DocumentInfo:
    source: str  # file name shown in citations
    key: str  # unique key of the document within the index (root label + relative path)
    lang: str
    title: str = ""
    author: str = ""


def stable_id(*parts: str, length: int = 16) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def classify(block: Block, index: int) -> str:
    """The kind of a block: loaders of structured formats know it, plain text is judged here."""
    if block.kind:
        return block.kind
    text = block.text.rstrip()
    if _BULLET.match(text) and len(text) < 200:
        return "list-item"
    if len(text) > 100 or text.endswith((".", "!", "?", ":", "”", '"', "»", ",", ";")):
        return "paragraph"
    return "heading" if index > 0 or _NUMBERED.match(text) else "title"


def _groups(blocks: list[Block]) -> list[tuple[str, str, list[str]]]:
    """(title, heading, paragraphs) groups: list items join their lead-in; tiny paragraphs merge."""
    title, heading = "", ""
    groups: list[tuple[str, str, list[str]]] = []
    for index, block in enumerate(blocks):
        kind = classify(block, index)
        if kind == "title" and not title:
            title = block.text
            continue
        if kind in ("title", "heading"):
            if block.text != title:  # a title repeated further down is not a new section
                heading = block.text
            continue
        last = groups[-1] if groups and groups[-1][1] == heading else None
        if last is not None and (
            kind == "list-item"
            or len(block.text) < MIN_CHARS
            or len("\n".join(last[2])) < MIN_CHARS
        ):
            last[2].append(block.text)
        else:
            groups.append((title, heading, [block.text]))
    return groups


def chunk(blocks: list[Block], info: DocumentInfo) -> list[Chunk]:
    """Chunks in document order; ids derive from the document key, context and text."""
    doc_hash = stable_id(info.key, *(b.text for b in blocks), length=24)
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for title, heading, parts in _groups(blocks):
        text = "\n".join(parts)
        doc_title = info.title or title
        chunk_id = stable_id(info.key, doc_title, heading, text)
        if chunk_id in seen:  # the same paragraph twice under the same heading adds nothing
            continue
        seen.add(chunk_id)
        chunks.append(Chunk(
            chunk_id=chunk_id, source=info.source, text=text, lang=info.lang, title=doc_title,
            heading=heading, author=info.author, position=len(chunks), doc_hash=doc_hash,
        ))
    return chunks
