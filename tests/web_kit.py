"""Helpers of the web tests: the real app over the shared bundled index, served on loopback."""

from __future__ import annotations

import functools
import http.server
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bot.config import Settings
from bot.web.brand import Brand

# Debian's chromium: .ci/run installs it; tests marked browser skip without it, or fail when
# $SOCIAL_AUDIT_REQUIRE names chromium (tests/conftest.py).
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium driven by Playwright, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()

KEY = "test-key-0123456789abcdef"


def brand(**data: Any) -> Brand:
    return Brand.model_validate({"api": {"keys": [KEY]}, **data})


def make_app(home: Path, retriever: Any, the_brand: Brand) -> Any:
    from bot.web.app import Parts, create_app

    return create_app(Settings(home=home), the_brand, Parts(retriever=retriever))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live(app: Any, port: int | None = None) -> Iterator[str]:
    """``app`` served by a real uvicorn on 127.0.0.1 in a thread; yields its base URL."""
    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start within 30 s")
        time.sleep(0.05)
    assert httpx.get(f"{url}/healthz", timeout=10).json() == {"status": "ok"}
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: Any) -> None:
        pass


@contextmanager
def static_site(folder: Path, port: int | None = None) -> Iterator[str]:
    """A plain static web server for ``folder`` on 127.0.0.1 (another origin than the app)."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port or 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
