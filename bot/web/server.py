"""``social-audit serve``: open the index, warm it, build the app, run uvicorn, say when it is ready."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.web.brand import Brand


def warm(settings: Settings) -> Any:
    """The retriever with its snapshot loaded and the embedder warm, so the first turn is fast.
    Raises the store's one-line error (e.g. "no index found …; run `social-audit ingest` first")."""
    from bot.retrieval import open_retriever

    retriever = open_retriever(settings)
    retriever.search("how often should we post on social media", k=1)
    return retriever


def _import_gradio() -> None:
    import gradio  # noqa: F401


def warm_while(settings: Settings, work: Callable[[], None]) -> Any:
    """``warm(settings)`` in a thread while ``work`` runs here: loading the index and importing
    the UI framework overlap (most of the index load runs outside the GIL). Raises warm's error."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["retriever"] = warm(settings)
        except BaseException as err:  # re-raised in the caller's thread
            box["error"] = err

    thread = threading.Thread(target=run, name="warm-index", daemon=True)
    thread.start()
    work()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["retriever"]


def serve(settings: Settings, brand: Brand, host: str, port: int, *, started: float | None = None,
          say: Callable[[str], None] = print) -> None:
    import uvicorn

    from bot.web.app import Parts, create_app

    t0 = started if started is not None else time.perf_counter()
    from bot.web.sweep import Sweeper

    app = create_app(settings, brand, Parts(retriever=warm_while(settings, _import_gradio)))
    sweeper = Sweeper(app.state.service.sweep).start()  # sessions deleted through other processes

    class _Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                shown = f"[{host}]" if ":" in host else host
                say(f"{brand.product_name} ready at http://{shown}:{port}/ (embed: /embed, "
                    f"API: /api/v1/docs) in {time.perf_counter() - t0:.1f} s")

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=True,
                            timeout_graceful_shutdown=5)
    try:
        _Server(config).run()
    finally:
        sweeper.stop()
