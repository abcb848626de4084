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

import numpy as np

from bot import lang as langid
from bot.config import Settings
from bot.errors import LoadError
from bot.retrieval.embed import ProjectEmbeddings
from bot.retrieval.index import SCOPE_VIEW, IndexRecord, load_scope_questions, records_for, scope_records
from bot.retrieval.store import ChromaStore
from bot.types import Chunk, IngestReport
from ingest import shipped
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


def bundled_plan() -> Plan:
    """What ingest plans for the bundled corpus alone (with the out-of-scope examples): the
    records whose vectors ship with the package (ingest/shipped.py)."""
    return plan([open_root(bundled_corpus(), label=BUNDLED_LABEL)])


def _attach_curation(chunks: list[Chunk], root: Root) -> list[Chunk]:
    """Glosses (when every paragraph of a chunk has one), tags, sentence glosses (when every
    paragraph has them) and expansion questions."""
    out = []
    for item in chunks:
        parts = [(item.source, part.strip()) for part in item.text.split("\n")]
        found = [root.glosses.get(key) for key in parts]
        glosses = [g for g in found if g is not None]
        if glosses and len(glosses) == len(found):
            tags = tuple(dict.fromkeys(t for g in glosses for t in g.tags))
            each = tuple(s for g in glosses for s in g.sentences) if all(g.sentences for g in glosses) else ()
            item = replace(item, gloss=" ".join(g.text for g in glosses), tags=tags, sentence_glosses=each)
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


@dataclass
class Written:
    embedded: int = 0
    loaded: int = 0  # vectors taken from the shipped file (ingest/shipped.py)
    note: str = ""  # why shipped vectors could not be used, said once


def _split_shipped(records: list[IndexRecord], embedder: ProjectEmbeddings, folder: Path | None,
                   written: Written) -> tuple[list[IndexRecord], list[IndexRecord], np.ndarray]:
    """(records to embed, records with a shipped vector, those vectors)."""
    empty = np.zeros((0, 0), dtype=np.float32)
    if folder is None:
        return records, [], empty
    found, written.note = shipped.load(embedder, folder)
    if found is None:
        return records, [], empty
    pairs = [(r, found.get(r.embed_text)) for r in records]
    hits = [(r, v) for r, v in pairs if v is not None]
    if not hits:
        return records, [], empty
    if not found.verify(embedder, [r.embed_text for r, _ in hits]):
        written.note = (f"the shipped vectors differ from what {embedder.id} gives now; embedding "
                        f"instead (regenerate with `{shipped.REGENERATE}`)")
        return records, [], empty
    rest = [r for r, v in pairs if v is None]
    return rest, [r for r, _ in hits], np.vstack([v for _, v in hits])


def _write_new(records: list[IndexRecord], embedder: ProjectEmbeddings, store: ChromaStore,
               progress: bool, shipped_folder: Path | None) -> Written:
    """Shipped vectors first (one write), then embed and write batch by batch: an ingest killed
    midway keeps what it wrote, and the next ingest (which only embeds records whose ids are
    missing) completes it."""
    from tqdm import tqdm

    written = Written()
    to_embed, loaded, vectors = _split_shipped(records, embedder, shipped_folder, written)
    if loaded:
        store.upsert([r.id for r in loaded], vectors, [r.embed_text for r in loaded],
                     [r.metadata for r in loaded])
        written.loaded = len(loaded)
    bar = tqdm(total=len(to_embed), desc="embedding", unit="passage",
               disable=not progress or not to_embed or None, leave=False)
    for start in range(0, len(to_embed), EMBED_BATCH):
        batch = to_embed[start : start + EMBED_BATCH]
        batch_vectors = embedder.encode([r.embed_text for r in batch], query=False)
        store.upsert([r.id for r in batch], batch_vectors, [r.embed_text for r in batch],
                     [r.metadata for r in batch])
        written.embedded += len(batch)
        bar.update(len(batch))
    bar.close()
    return written


def ingest(
    settings: Settings,
    embedder: ProjectEmbeddings,
    store: ChromaStore,
    roots: Sequence[Root] | None = None,
    *,
    rebuild: bool = False,
    progress: bool = False,
    llm: Any | None = None,
    shipped_vectors: Path | None = shipped.FOLDER,
) -> IngestReport:
    """Bring the index in line with ``roots``; with ``llm``, the consultant's passages that have
    no curated gloss get a checked machine gloss (ingest/gloss.py), once per unchanged passage.
    Texts whose vectors ship in ``shipped_vectors`` (ingest/shipped.py) are loaded, not embedded;
    ``None`` embeds everything."""
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

    written = _write_new(new, embedder, store, progress, shipped_vectors) if new else Written()
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
        vectors_embedded=written.embedded,
        vectors_loaded=written.loaded,
        shipped_note=written.note,
        languages=dict(sorted(wanted.languages.items())),
        skipped=tuple(wanted.skipped),
        dropped=tuple(wanted.dropped),
        glosses_written=glosser.written,
        glosses_reused=glosser.reused,
        glosses_rejected=tuple(glosser.rejected),
        glosses_failed=tuple(glosser.failed),
        seconds=round(time.perf_counter() - started, 3),
    )
