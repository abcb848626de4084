"""Retrieval: one function from a question to the passages that answer it, in any language.

Hybrid: dense similarity (multilingual e5) over each view of a passage (its original text, its
English gloss, the questions it answers), and BM25 over stems and lexicon concepts, fused by
reciprocal rank. A guard returns nothing when no passage is close enough to the question.
All weights and the guard threshold are data (``bot/data/retrieval.yaml``), tuned on the tune
half of the eval set only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel

from bot.embed import ProjectEmbeddings
from bot.index import VIEWS, chunk_from_metadata, hit_from_chunk
from bot.lexical import BM25, Lexicon, document_terms, query_terms
from bot.store import ChromaStore
from bot.types import Chunk, Hit


class RetrievalConfig(BaseModel):
    candidates: int = 40  # nearest records fetched from the store per view
    fusion: Literal["linear", "rrf"] = "linear"
    rrf_k: float = 60.0
    weights: dict[str, float] = {"text": 1.0, "gloss": 1.0, "question": 1.0, "bm25": 1.0}
    guard: float = 0.0  # a best dense similarity below this means "nothing relevant"
    guard_bm25: float = 0.0  # ... unless BM25 finds at least this much evidence

    @classmethod
    def load(cls) -> RetrievalConfig:
        text = (resources.files("bot") / "data" / "retrieval.yaml").read_text(encoding="utf-8")
        return cls.model_validate(yaml.safe_load(text) or {})


@dataclass
class Scored:
    """A chunk's evidence for one query, per signal."""

    chunk: Chunk
    dense: dict[str, float] = field(default_factory=dict)  # view -> best similarity
    bm25: float = 0.0
    fused: float = 0.0

    @property
    def best_dense(self) -> float:
        return max(self.dense.values(), default=0.0)


@dataclass
class _Snapshot:
    chunks: dict[str, Chunk]
    order: list[str]
    bm25: BM25


@dataclass
class Retriever:
    """Searches one index with the embedder that built it (checked on first use)."""

    store: ChromaStore
    embedder: ProjectEmbeddings
    config: RetrievalConfig = field(default_factory=RetrievalConfig.load)
    lexicon: Lexicon | None = None
    _snapshot: _Snapshot | None = None

    def _load(self) -> _Snapshot:
        if self._snapshot is None:
            self.store.check_embedder(self.embedder.id)
            self.lexicon = self.lexicon or Lexicon.load()
            chunks: dict[str, Chunk] = {}
            for record in self.store.records():
                chunks.setdefault(str(record.metadata["chunk_id"]), chunk_from_metadata(record.metadata))
            order = sorted(chunks)
            terms = [
                document_terms(self.lexicon, c.text, c.lang, c.gloss, c.tags, c.questions)
                for c in (chunks[i] for i in order)
            ]
            self._snapshot = _Snapshot(chunks, order, BM25.from_terms(terms))
        return self._snapshot

    def refresh(self) -> None:
        """Forget the cached index, e.g. after an ingest."""
        self._snapshot = None

    def score(self, query: str) -> list[Scored]:
        """Every candidate chunk with its evidence, best fused first."""
        snap = self._load()
        assert self.lexicon is not None
        scored: dict[str, Scored] = {}
        vector = self.embedder.encode([query], query=True)[0]
        for view in self.dense_views():
            for match in self.store.query(vector, k=self.config.candidates, where={"view": view}):
                chunk_id = str(match.metadata["chunk_id"])
                entry = scored.setdefault(chunk_id, Scored(snap.chunks[chunk_id]))
                entry.dense[view] = max(entry.dense.get(view, -1.0), 1.0 - match.distance)
        bm25 = snap.bm25.scores(query_terms(self.lexicon, query))
        for chunk_id, value in zip(snap.order, bm25, strict=True):
            if value > 0:
                scored.setdefault(chunk_id, Scored(snap.chunks[chunk_id])).bm25 = value
        self._fuse(list(scored.values()))
        return sorted(scored.values(), key=lambda s: (-s.fused, s.chunk.chunk_id))

    def dense_views(self) -> list[str]:
        return [v for v, w in self.config.weights.items() if v in VIEWS and w > 0]

    def _fuse(self, entries: list[Scored]) -> None:
        if self.config.fusion == "linear":
            self._fuse_linear(entries)
        else:
            self._fuse_rrf(entries)

    def _fuse_linear(self, entries: list[Scored]) -> None:
        """Weighted sum of each view's similarity (a view not among the candidates counts as the
        lowest similarity seen for it) and of BM25 relative to the best BM25 of the query."""
        weights = self.config.weights
        floors = {v: min((e.dense[v] for e in entries if v in e.dense), default=0.0)
                  for v in self.dense_views()}
        top_bm25 = max((e.bm25 for e in entries), default=0.0) or 1.0
        for entry in entries:
            entry.fused = sum(weights[v] * entry.dense.get(v, floor) for v, floor in floors.items())
            entry.fused += weights.get("bm25", 0.0) * entry.bm25 / top_bm25

    def _fuse_rrf(self, entries: list[Scored]) -> None:
        weights, k = self.config.weights, self.config.rrf_k
        signals: dict[str, list[tuple[float, Scored]]] = {name: [] for name in weights}
        for entry in entries:
            for view, sim in entry.dense.items():
                if view in signals:
                    signals[view].append((sim, entry))
            if entry.bm25 > 0 and "bm25" in signals:
                signals["bm25"].append((entry.bm25, entry))
        for name, values in signals.items():
            values.sort(key=lambda pair: (-pair[0], pair[1].chunk.chunk_id))
            for rank, (_, entry) in enumerate(values, 1):
                entry.fused += weights[name] / (k + rank)

    def relevant(self, ranked: list[Scored]) -> bool:
        """The "nothing relevant" guard, on the best candidate's evidence."""
        if not ranked:
            return False
        top_dense = max(s.best_dense for s in ranked[:3])
        top_bm25 = max(s.bm25 for s in ranked[:3])
        return top_dense >= self.config.guard or (
            self.config.guard_bm25 > 0 and top_bm25 >= self.config.guard_bm25
        )

    def search(self, query: str, k: int = 5) -> list[Hit]:
        query = query.strip()
        if not query:
            return []
        ranked = self.score(query)
        if not self.relevant(ranked):
            return []
        return [hit_from_chunk(s.chunk, s.fused) for s in ranked[:k]]

