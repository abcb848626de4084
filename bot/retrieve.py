"""Retrieval: one function from a question to the passages that answer it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.embed import ProjectEmbeddings
from bot.index import chunk_from_metadata, hit_from_chunk
from bot.store import ChromaStore
from bot.types import Hit


@dataclass
class Retriever:
    """Searches one index with the embedder that built it (checked on first use)."""

    store: ChromaStore
    embedder: ProjectEmbeddings
    _checked: bool = False

    def search(self, query: str, k: int = 5) -> list[Hit]:
        query = query.strip()
        if not query:
            return []
        if not self._checked:
            self.store.check_embedder(self.embedder.id)
            self._checked = True
        vector = self.embedder.encode([query], query=True)[0]
        matches = self.store.query(vector, k=4 * k)
        best: dict[str, Hit] = {}
        for match in matches:
            chunk = chunk_from_metadata(match.metadata)
            score = 1.0 - match.distance
            if chunk.chunk_id not in best or score > best[chunk.chunk_id].score:
                best[chunk.chunk_id] = hit_from_chunk(chunk, score)
        ranked = sorted(best.values(), key=lambda h: (-h.score, h.chunk_id))
        return ranked[:k]
