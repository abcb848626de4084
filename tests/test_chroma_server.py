"""Ingest and search through a real ``chroma run`` server on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.retrieve import Retriever
from bot.store import open_store
from ingest.pipeline import ingest
from ingest.sources import open_root
from tests.conftest import write

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    assert exe, "the chroma command ships with chromadb"
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = (data / "server.log").open("wb")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data / "server.log").read_text()[-2000:]) from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


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
