"""Retrieval: the embedder seam (``embed``), the vector store seam (``store``), how a passage is
laid out in the index (``index``), the lexical side (``lexical``) and the retriever that fuses
them (``retrieve``). ``open_retriever`` is the one way the product, ingest and the evals get a
retriever. Importing the package loads nothing heavy: the factory imports on call."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.retrieval.embed import ProjectEmbeddings
    from bot.retrieval.retrieve import RetrievalConfig, Retriever

__all__ = ["open_retriever"]


def open_retriever(settings: Settings, *, embedder: ProjectEmbeddings | None = None,
                   config: RetrievalConfig | None = None) -> Retriever:
    """The retriever of the index ``settings`` names, searched with the embedder they name (or
    ``embedder``, one already loaded) under ``config`` (default ``bot/data/retrieval.yaml``).
    Opening is cheap: the index is read on the first query, which raises the store's one-line
    error when there is none ("run `social-audit ingest` first")."""
    from bot.retrieval.embed import get_embedder
    from bot.retrieval.retrieve import RetrievalConfig, Retriever
    from bot.retrieval.store import open_store

    return Retriever(open_store(settings), embedder or get_embedder(settings.embedder),
                     config or RetrievalConfig.load())
