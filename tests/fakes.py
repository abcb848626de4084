"""Fakes for what cannot run here: a remote LLM, served as a real OpenAI-compatible HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@contextmanager
def openai_stub(reply: Callable[[dict[str, Any]], str | None]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A loopback server answering /v1/chat/completions with ``reply(request)``; yields
    (base_url, the requests it received: path, JSON body and HTTP headers). A reply of None
    answers HTTP 500 (a server error), as a failing model server would."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append({"path": self.path, "body": body, "headers": dict(self.headers.items())})
            content = reply(body)
            if content is None:
                error = json.dumps({"error": {"message": "stub server error", "type": "server_error"}})
                self.send_response(500)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(error.encode())))
                self.end_headers()
                self.wfile.write(error.encode())
                return
            payload = json.dumps({
                "id": "chatcmpl-stub", "object": "chat.completion", "created": 0,
                "model": body.get("model", "stub"),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": content}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", received
    finally:
        server.shutdown()
        server.server_close()
