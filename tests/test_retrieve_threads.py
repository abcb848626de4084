"""Searches on several threads while an ingest rewrites the index (real Chroma in a temp folder, the
real bundled embedder): every result is the answer of one snapshot of the index, never a mix.

Every read of the index the retriever makes is recorded at the store. Afterwards each recorded
read is written into a fresh Chroma of its own and searched there alone, single-threaded: each
result seen on a thread must be exactly (same passages in the same order, same scores) the result
of one of those reads. A search that mixed two revisions (its evidence from one, its feedback or
guard from another) gives a ranking no single read gives, or fails with an IndexError.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.config import Settings
from bot.retrieval import open_retriever
from bot.retrieval import retrieve as retrieve_module
from bot.retrieval.retrieve import RetrievalConfig
from bot.retrieval.store import StoredRecord, open_store
from ingest.pipeline import ingest
from ingest.sources import open_root
from tests.conftest import write

COMPLAINTS = "Service\n\nAnswer every complaint in public, quickly, and never delete a critical comment.\n"
COMPLAINTS_2 = "Service\n\nAnswer each complaint in public within the hour, then move details to a message.\n"
EMAIL = "Email\n\nYour mailing list of subscribers belongs to you alone; followers are rented.\n"
POSTING = "Posting\n\nPost two or three times a week at the hours your customers read, not every day.\n"
POSTING_2 = "Posting\n\nA short video every morning beats a long one each month for a bakery on TikTok.\n"
ADS = "Ads\n\nA small paid budget aimed at your own town reaches more customers than posting alone.\n"
# Each state adds, replaces or removes documents, so the number and order of passages change.
STATES: list[dict[str, str]] = [
    {"a.txt": COMPLAINTS, "b.txt": EMAIL},
    {"a.txt": COMPLAINTS, "b.txt": EMAIL, "c.txt": POSTING},
    {"a.txt": COMPLAINTS_2, "c.txt": POSTING},
    {"b.txt": EMAIL, "c.txt": POSTING_2, "d.txt": ADS},
]
QUERIES = ("How should we answer complaints?", "Who owns my list of newsletter subscribers?",
           "How often should a bakery post videos?", "Is advertising worth it for a small shop?")
THREADS, ROUNDS = 4, 3

Result = list[tuple[str, float]]


def _show(folder: Path, state: dict[str, str]) -> None:
    for path in folder.glob("*.txt"):
        if path.name not in state:
            path.unlink()
    for name, text in state.items():
        write(folder, name, text)


def _key(records: list[StoredRecord]) -> str:
    return json.dumps([(r.id, r.metadata, r.vector.round(6).tolist() if r.vector is not None else None)
                       for r in records], sort_keys=True)


def _answer_of(read: list[StoredRecord], home: Path, embedder: Any, config: RetrievalConfig,
               ) -> dict[str, Result]:
    """Each query's result on an index holding exactly ``read``, searched alone."""
    settings = Settings(home=home)
    store = open_store(settings)
    store.open_for_write(embedder.id)
    store.upsert([r.id for r in read], np.vstack([r.vector for r in read]),
                 [str(r.metadata.get("text", "")) for r in read], [r.metadata for r in read])
    retriever = open_retriever(settings, embedder=embedder, config=config)
    return {q: [(h.chunk_id, h.score) for h in retriever.search(q, k=3)] for q in QUERIES}


def _same(seen: Result, expected: Result) -> bool:
    return ([c for c, _ in seen] == [c for c, _ in expected]
            and all(s == pytest.approx(e, rel=1e-5, abs=1e-6)
                    for (_, s), (_, e) in zip(seen, expected, strict=True)))


def test_searches_during_an_ingest_each_read_one_snapshot(settings, embedder, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(retrieve_module, "REFRESH_SECONDS", 0.0)  # every query checks the revision
    folder = tmp_path / "docs"
    _show(folder, STATES[0])
    ingest(settings, embedder, open_store(settings), [open_root(folder)])
    # the guard off, so that every query ranks passages (feedback on, as shipped)
    config = RetrievalConfig.load().model_copy(update={"guard": False})
    assert config.feedback_passages > 0
    retriever = open_retriever(settings, embedder=embedder, config=config)

    reads: list[list[StoredRecord]] = []  # every state of the index the retriever read
    read_records = retriever.store.records

    def recording(**kwargs: Any) -> Any:
        records = list(read_records(**kwargs))
        reads.append(records)
        return iter(records)

    monkeypatch.setattr(retriever.store, "records", recording)
    seen: list[tuple[str, Result]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def search(offset: int) -> None:
        n = offset
        while not stop.is_set():
            query = QUERIES[n % len(QUERIES)]
            n += 1
            try:
                seen.append((query, [(h.chunk_id, h.score) for h in retriever.search(query, k=3)]))
            except BaseException as err:  # noqa: BLE001  (reported below, with the others)
                errors.append(err)

    threads = [threading.Thread(target=search, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(ROUNDS):
            for state in [*STATES[1:], STATES[0]]:
                _show(folder, state)
                ingest(settings, embedder, open_store(settings), [open_root(folder)])
    finally:
        stop.set()
        for thread in threads:
            thread.join()

    assert not errors, [repr(e) for e in errors[:3]]
    distinct = list({_key(r): r for r in reads}.values())
    assert len(distinct) >= 3, "the searches should have seen the index change"
    answers = [_answer_of(read, tmp_path / f"alone-{i}", embedder, config)
               for i, read in enumerate(distinct)]
    matched = [next((i for i, answer in enumerate(answers) if _same(r, answer[q])), None) for q, r in seen]
    mixed = [result for result, i in zip(seen, matched, strict=True) if i is None]
    assert not mixed, f"{len(mixed)} of {len(seen)} results match no single read, e.g. {mixed[:2]}"
    assert len(seen) >= 20 and len(set(matched)) >= 2, "searches should have run on several revisions"
