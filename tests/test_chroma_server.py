"""Ingest and search through a real ``chroma run`` server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.retrieval.retrieve import Retriever
from bot.retrieval.store import open_store
from ingest.pipeline import ingest
from ingest.sources import open_root
from tests.conftest import write
from tests.servers import chroma_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


def test_ingest_and_search_through_a_chroma_server(chroma_url, embedder, tmp_path) -> None:
    settings = Settings(home=tmp_path / "home", chroma_url=chroma_url, collection="server_test")
    folder = write(tmp_path / "docs", "service.txt",
                   "Customer service\nStaff the customer service inbox so that someone answers "
                   "complaints quickly.\n")
    write(folder.parent, "email.txt", "Email\nYour subscriber list belongs to you and nobody else.\n")
    first = ingest(settings, embedder, open_store(settings), [open_root(folder.parent)])
    assert first.chunks_added == 2
    again = ingest(settings, embedder, open_store(settings), [open_root(folder.parent)])
    assert not again.changed
    hits = Retriever(open_store(settings), embedder).search("who staffs our customer service?", k=1)
    assert hits[0].source == "service.txt"
    assert not (tmp_path / "home" / "chroma").exists()  # nothing was written locally
