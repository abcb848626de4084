"""The store seam: a Chroma collection, local under the data directory or on a Chroma server.

Only this module imports chromadb. Vectors are always computed by our own embedder and passed in;
the collection is created without an embedding function, so Chroma never falls back to its own
default model (which would try to download one).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import numpy as np

from bot.config import Settings
from bot.errors import EmbedderMismatchError, IndexMissingError, StoreError

log = logging.getLogger(__name__)
SCHEMA_VERSION = 1
_PAGE = 1000


@dataclass(frozen=True)
class StoredRecord:
    """One vector in the index: a view ("text" or "gloss") of one chunk."""

    id: str
    metadata: dict[str, Any]
    document: str = ""
    vector: np.ndarray | None = None


@dataclass(frozen=True)
class Match:
    id: str
    distance: float
    metadata: dict[str, Any]


def _client_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _make_client(settings: Settings, *, repair: bool = False) -> tuple[Any, str]:
    import chromadb

    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise StoreError(
                f"SOCIAL_AUDIT_CHROMA_URL={settings.chroma_url!r} is not a URL; "
                "use e.g. http://127.0.0.1:8000"
            )
        port = url.port or (443 if url.scheme == "https" else 8000)
        try:
            client = chromadb.HttpClient(
                host=url.hostname, port=port, ssl=url.scheme == "https", settings=_client_settings()
            )
            client.heartbeat()
        except Exception as err:
            raise StoreError(
                f"cannot reach the Chroma server at {settings.chroma_url} ({type(err).__name__}); "
                "start it with `chroma run` or fix SOCIAL_AUDIT_CHROMA_URL"
            ) from err
        return client, settings.chroma_url
    path = settings.chroma_path
    try:
        path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(path), settings=_client_settings())
    except Exception as err:
        if not repair:
            raise StoreError(
                f"cannot open the index at {path} ({err}); "
                "rebuild it with `social-audit ingest --rebuild`"
            ) from err
        aside = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
        path.rename(aside)  # kept for inspection, never deleted by us
        log.warning("the index at %s could not be opened (%s); moved it to %s", path, err, aside)
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()  # chroma caches the failed system per path
        return _make_client(settings, repair=False)
    return client, str(path)


class ChromaStore:
    """A Chroma collection that knows which embedder built it."""

    def __init__(self, settings: Settings, *, repair: bool = False) -> None:
        self.settings = settings
        self._client, self.where = _make_client(settings, repair=repair)
        self._collection: Any = None
        self._cached_count: int | None = None  # for query sizes; reset by every write

    # -- the collection -------------------------------------------------------------------
    def _existing(self) -> Any:
        if self._collection is None:
            try:
                self._collection = self._client.get_collection(
                    self.settings.collection, embedding_function=None
                )
            except Exception:
                return None
        return self._collection

    def exists(self) -> bool:
        return self._existing() is not None

    def embedder_id(self) -> str | None:
        collection = self._existing()
        return None if collection is None else (collection.metadata or {}).get("embedder")

    def open_for_write(self, embedder_id: str, *, rebuild: bool = False) -> None:
        """Create the collection for ``embedder_id``, or check that the existing one matches."""
        if rebuild and self.exists():
            self._client.delete_collection(self.settings.collection)
            self._collection = None
        if self.exists():
            self.check_embedder(embedder_id)
            return
        self._collection = self._client.create_collection(
            self.settings.collection,
            embedding_function=None,
            metadata={"embedder": embedder_id, "schema": SCHEMA_VERSION},
            configuration={"hnsw": {"space": "cosine"}},
        )

    def check_embedder(self, embedder_id: str) -> None:
        """Refuse to mix vectors of two models: the error says to re-ingest."""
        collection = self._existing()
        if collection is None:
            raise IndexMissingError(self.where)
        built_with = (collection.metadata or {}).get("embedder")
        if built_with != embedder_id:
            raise EmbedderMismatchError(str(built_with), embedder_id)

    def _require(self) -> Any:
        collection = self._existing()
        if collection is None:
            raise IndexMissingError(self.where)
        return collection

    # -- reading ---------------------------------------------------------------------------
    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Chroma's own errors while reading mean a damaged index: say how to repair it."""
        from chromadb.errors import ChromaError

        try:
            yield
        except ChromaError as err:
            raise self._damaged(err) from err

    def _damaged(self, err: Exception) -> StoreError:
        return StoreError(f"the index at {self.where} is damaged ({type(err).__name__}: {err}); "
                          "repair it with `social-audit ingest --rebuild`")

    def count(self) -> int:
        collection = self._existing()
        return 0 if collection is None else int(collection.count())

    def records(self, *, documents: bool = False, vectors: bool = False) -> Iterator[StoredRecord]:
        """Every record, page by page (ids and metadata; documents and vectors on request)."""
        collection = self._require()
        include = ["metadatas"] + (["documents"] if documents else []) + (
            ["embeddings"] if vectors else [])
        offset = 0
        while True:
            with self._reading():
                page = collection.get(include=include, limit=_PAGE, offset=offset)
            ids = page["ids"]
            for i, record_id in enumerate(ids):
                doc = page["documents"][i] if documents else ""
                vec = np.asarray(page["embeddings"][i], dtype=np.float32) if vectors else None
                yield StoredRecord(record_id, dict(page["metadatas"][i] or {}), doc or "", vec)
            if len(ids) < _PAGE:
                return
            offset += _PAGE

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[Match]:
        """The ``k`` nearest records to one query vector, nearest first (cosine distance)."""
        collection = self._require()
        k = max(1, min(k, self._count(collection)))
        with self._reading():
            result = collection.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
                n_results=k,
                where=where,
                include=["metadatas", "distances"],
            )
        return [
            Match(rid, float(dist), dict(meta or {}))
            for rid, dist, meta in zip(
                result["ids"][0], result["distances"][0], result["metadatas"][0], strict=True
            )
        ]

    def revision(self) -> str:
        """Changes with every write to the index, also when made by another process."""
        from chromadb.errors import ChromaError, NotFoundError

        try:
            fresh = self._client.get_collection(self.settings.collection, embedding_function=None)
            return f"{(fresh.metadata or {}).get('revision', '')}:{fresh.count()}"
        except NotFoundError as err:  # e.g. another process is rebuilding it right now
            raise IndexMissingError(self.where) from err
        except ChromaError as err:
            raise self._damaged(err) from err
        except Exception as err:  # e.g. the Chroma server went away
            raise StoreError(f"cannot read the index at {self.where} ({type(err).__name__}: {err}); "
                             "check that it is reachable, or repair it with `social-audit ingest --rebuild`"
                             ) from err

    def _touch(self) -> None:
        """Record a new revision (Chroma replaces metadata whole, so merge into a fresh read)."""
        self._cached_count = None
        fresh = self._client.get_collection(self.settings.collection, embedding_function=None)
        self._require().modify(metadata={**(fresh.metadata or {}), "revision": uuid.uuid4().hex})

    def _count(self, collection: Any) -> int:
        if self._cached_count is None:
            self._cached_count = int(collection.count()) or 1
        return self._cached_count

    # -- writing ---------------------------------------------------------------------------
    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        collection = self._require()
        for start in range(0, len(ids), _PAGE):
            end = start + _PAGE
            collection.upsert(
                ids=list(ids[start:end]),
                embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                documents=list(documents[start:end]),
                metadatas=list(metadatas[start:end]),
            )
        self._touch()

    def update_metadata(self, ids: Sequence[str], metadatas: Sequence[dict[str, Any]]) -> None:
        """Refresh what is stored beside vectors that stay (no re-embedding)."""
        collection = self._require()
        for start in range(0, len(ids), _PAGE):
            end = start + _PAGE
            collection.update(ids=list(ids[start:end]), metadatas=list(metadatas[start:end]))
        self._touch()

    def delete(self, ids: Sequence[str]) -> None:
        collection = self._require()
        for start in range(0, len(ids), _PAGE):
            collection.delete(ids=list(ids[start : start + _PAGE]))
        self._touch()

    def as_langchain(self, embeddings: Any) -> Any:
        """This collection as a langchain ``VectorStore`` (with our embedder, never Chroma's)."""
        from langchain_chroma import Chroma

        self._require()
        return Chroma(
            collection_name=self.settings.collection,
            client=self._client,
            embedding_function=embeddings,
        )


def open_store(settings: Settings, *, repair: bool = False) -> ChromaStore:
    """The index of ``settings``. With ``repair``, a local index that cannot be opened is moved
    aside (``chroma.broken-<time>``) and an empty one is created in its place, for a rebuild."""
    return ChromaStore(settings, repair=repair)
