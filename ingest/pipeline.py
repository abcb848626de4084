"""Ingest: load -> clean -> detect language -> chunk -> gloss -> embed -> upsert.

Glosses come from curated data beside the documents; with an LLM, a consultant's passages that
have none get a checked machine gloss (ingest/gloss.py), kept in the index's metadata so an
unchanged passage is never asked again.

Idempotent: record ids derive from content, so a second run finds nothing to do. New records are
written before stale ones are deleted, so a run stopped midway leaves a usable index that the
next run completes. A file that cannot be read is reported and skipped; its earlier chunks stay.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot import lang as langid
from bot.config import Settings
from bot.embed import ProjectEmbeddings
from bot.errors import LoadError
from bot.index import SCOPE_VIEW, IndexRecord, load_scope_questions, records_for, scope_records
from bot.store import ChromaStore
from bot.types import Chunk, IngestReport
from ingest.chunk import DocumentInfo, chunk
from ingest.clean import clean
from ingest.gloss import Glosser, cache_from
from ingest.load import load
from ingest.sources import BUNDLED_LABEL, Root, bundled_corpus, open_root

EMBED_BATCH = 128


@dataclass
class Plan:
    """What the index should hold (the corpus and the out-of-scope examples), before embedding."""

    records: list[IndexRecord] = field(default_factory=list)
    doc_keys: set[str] = field(default_factory=set)  # documents read successfully
    failed_keys: set[str] = field(default_factory=set)  # documents that could not be read
    languages: Counter[str] = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    dropped: list[tuple[str, str, str]] = field(default_factory=list)


def default_roots(settings: Settings) -> list[Root]:
    roots = [open_root(bundled_corpus(), label=BUNDLED_LABEL)]
    roots += [open_root(path) for path in settings.extra_corpus]
    return roots


def _attach_curation(chunks: list[Chunk], root: Root) -> list[Chunk]:
    """Glosses (when every paragraph of a chunk has one), tags and expansion questions."""
    out = []
    for item in chunks:
        parts = [(item.source, part.strip()) for part in item.text.split("\n")]
        found = [root.glosses.get(key) for key in parts]
        if found and all(found):
            glosses = [g for g in found if g]
            tags = tuple(dict.fromkeys(t for _, ts in glosses for t in ts))
            item = replace(item, gloss=" ".join(g for g, _ in glosses), tags=tags)
        questions = tuple(q for key in parts for q in root.questions.get(key, ()))
        if questions:
            item = replace(item, questions=questions)
        out.append(item)
    return out


def read_document(path: Path, root: Root) -> tuple[list[Chunk], list[tuple[str, str]]]:
    """The chunks of one document and the furniture dropped from it; raises ``LoadError``."""
    meta = root.manifest.get(path.name)
    blocks = load(path)
    kept, dropped = clean(blocks, author=meta.author if meta else "")
    if not kept:
        raise LoadError(f"{path.name}: nothing left after removing page furniture")
    doc_lang = (meta.lang if meta else "") or langid.detect(
        "\n".join(b.text for b in kept), default="und"
    ) or "und"
    info = DocumentInfo(
        source=path.name, key=root.doc_key(path), lang=doc_lang,
        title=meta.title if meta else "", author=meta.author if meta else "",
    )
    chunks = _attach_curation(chunk(kept, info), root)
    return chunks, [(d.rule, d.text) for d in dropped]


def plan(roots: Sequence[Root], glosser: Glosser | None = None) -> Plan:
    """What the index should hold; ``glosser`` fills in machine glosses for the consultant's
    passages that have no curated one (never for the bundled corpus)."""
    result = Plan()
    for root in roots:
        for path in root.files():
            key = root.doc_key(path)
            try:
                chunks, dropped = read_document(path, root)
            except LoadError as err:
                result.skipped.append((str(path), str(err)))
                result.failed_keys.add(key)
                continue
            except Exception as err:  # one bad document never stops the others
                result.skipped.append((str(path), f"{path.name}: {type(err).__name__}: {err}"))
                result.failed_keys.add(key)
                continue
            if glosser is not None and root.label != BUNDLED_LABEL:
                chunks = glosser.apply(chunks)
            result.doc_keys.add(key)
            result.dropped += [(path.name, rule, text) for rule, text in dropped]
            for item in chunks:
                result.languages[item.lang] += 1
                result.records += records_for(item, doc_key=key, root=root.label)
    result.records += scope_records(load_scope_questions())  # the guard's out-of-scope examples
    return result


def _write_new(records: list[IndexRecord], embedder: ProjectEmbeddings, store: ChromaStore,
               progress: bool) -> None:
    """Embed and write batch by batch: an ingest killed midway keeps what it wrote, and the next
    ingest (which only embeds records whose ids are missing) completes it."""
    from tqdm import tqdm

    bar = tqdm(total=len(records), desc="embedding", unit="passage", disable=not progress or None,
               leave=False)
    for start in range(0, len(records), EMBED_BATCH):
        batch = records[start : start + EMBED_BATCH]
        vectors = embedder.encode([r.embed_text for r in batch], query=False)
        store.upsert([r.id for r in batch], vectors, [r.embed_text for r in batch],
                     [r.metadata for r in batch])
        bar.update(len(batch))
    bar.close()


def ingest(
    settings: Settings,
    embedder: ProjectEmbeddings,
    store: ChromaStore,
    roots: Sequence[Root] | None = None,
    *,
    rebuild: bool = False,
    progress: bool = False,
    llm: Any | None = None,
) -> IngestReport:
    """Bring the index in line with ``roots``; with ``llm``, the consultant's passages that have
    no curated gloss get a checked machine gloss (ingest/gloss.py), once per unchanged passage."""
    started = time.perf_counter()
    roots = list(roots) if roots is not None else default_roots(settings)
    store.open_for_write(embedder.id, rebuild=rebuild)

    labels = {root.label for root in roots} | {SCOPE_VIEW}
    existing = {r.id: r.metadata for r in store.records() if r.metadata.get("root") in labels}
    glosser = Glosser(llm, embedder, cache_from(existing))
    wanted = plan(roots, glosser)
    existing_in_scope = {
        rid: meta for rid, meta in existing.items() if meta.get("doc_key") not in wanted.failed_keys
    }
    wanted_ids = {r.id for r in wanted.records}
    new = [r for r in wanted.records if r.id not in existing]
    stale = sorted(rid for rid in existing_in_scope if rid not in wanted_ids)
    refreshed = [r for r in wanted.records if r.id in existing and existing[r.id] != r.metadata]

    if new:
        _write_new(new, embedder, store, progress)
    if refreshed:
        store.update_metadata([r.id for r in refreshed], [r.metadata for r in refreshed])
    if stale:
        store.delete(stale)

    new_chunks = {r.chunk_id for r in new if r.chunk_id}
    all_chunks = {r.chunk_id for r in wanted.records if r.chunk_id}
    stale_chunks = {str(existing_in_scope[rid].get("chunk_id", "")) for rid in stale} - all_chunks - {""}
    return IngestReport(
        documents=len(wanted.doc_keys),
        chunks_added=len(new_chunks),
        chunks_kept=len(all_chunks - new_chunks),
        chunks_removed=len(stale_chunks),
        vectors_added=len(new),
        vectors_removed=len(stale),
        vectors_refreshed=len(refreshed),
        languages=dict(sorted(wanted.languages.items())),
        skipped=tuple(wanted.skipped),
        dropped=tuple(wanted.dropped),
        glosses_written=glosser.written,
        glosses_reused=glosser.reused,
        glosses_rejected=tuple(glosser.rejected),
        glosses_failed=tuple(glosser.failed),
        seconds=round(time.perf_counter() - started, 3),
    )
