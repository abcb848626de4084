"""API keys, security headers and the request-size guard: the edges every request passes.

API keys come from ``SOCIAL_AUDIT_API_KEYS`` (comma-separated), the brand file's ``api.keys_file``
(one key a line, ``#`` comments) and ``api.keys``. Without any key the API is closed (403), unless
``api.open_local`` is set: then clients on a loopback address need no key (local development only;
behind a reverse proxy on the same machine every client looks local, so do not set it there).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.errors import ConfigError
from bot.web.brand import Brand

KEYS_ENV = "SOCIAL_AUDIT_API_KEYS"
MIN_KEY_CHARS = 16

Scope = dict[str, Any]


def api_keys(brand: Brand, environ: Mapping[str, str] = os.environ) -> frozenset[str]:
    """Every configured key; ConfigError for a key too short to be a secret."""
    keys = [k.strip() for k in environ.get(KEYS_ENV, "").split(",")]
    if brand.api.keys_file is not None:
        try:
            lines = brand.api.keys_file.read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise ConfigError(f"cannot read API keys file {brand.api.keys_file}: {err.strerror}") from err
        keys += [line.split("#", 1)[0].strip() for line in lines]
    keys += [k.strip() for k in brand.api.keys]
    keys = [k for k in keys if k]
    if short := [k for k in keys if len(k) < MIN_KEY_CHARS]:
        raise ConfigError(f"{len(short)} API key(s) shorter than {MIN_KEY_CHARS} characters; "
                          "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
    return frozenset(keys)


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def presented_keys(headers: Mapping[str, str]) -> list[str]:
    """Every key the request presents: ``Authorization: Bearer KEY`` and ``X-API-Key: KEY``
    (an empty one counts: it is a wrong key, not a missing one). Other schemes, such as a proxy's
    Basic auth, are not keys of this API."""
    found = []
    auth = headers.get("authorization")
    if auth is not None:
        scheme, _, token = auth.strip().partition(" ")
        if scheme.lower() == "bearer":
            found.append(token.strip())
    if (header := headers.get("x-api-key")) is not None:
        found.append(header.strip())
    return found


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The first key in ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``, if any."""
    return next(iter(presented_keys(headers)), None)


@dataclass(frozen=True)
class AuthResult:
    ok: bool
    status: int = 200
    detail: str = ""


def _known(key: str, keys: frozenset[str]) -> bool:
    return bool(key) and any(hmac.compare_digest(key.encode(), k.encode()) for k in keys)


def authorise(keys: frozenset[str], open_local: bool, headers: Mapping[str, str],
              client_host: str | None) -> AuthResult:
    """May this request use the API? A pure decision; the API turns a refusal into its status.
    Every key presented must be valid: a right key next to a wrong one is refused."""
    presented = presented_keys(headers)
    if presented:
        if all(_known(key, keys) for key in presented):
            return AuthResult(True)
        return AuthResult(False, 401, "invalid API key")
    if open_local and is_loopback(client_host):
        return AuthResult(True)
    if not keys:
        return AuthResult(False, 403, f"the API is closed: set {KEYS_ENV} (or api.keys_file in the "
                                      "brand file) and send Authorization: Bearer <key>")
    return AuthResult(False, 401, "missing API key: send Authorization: Bearer <key> or X-API-Key")


def csp(path: str, allowed_origins: list[str]) -> str:
    """The Content-Security-Policy for a response: only ``/embed`` may be framed by other origins."""
    ancestors = ["'self'"]
    if path == "/embed" or path.startswith("/embed/"):
        ancestors += allowed_origins
    return f"frame-ancestors {' '.join(ancestors)}; object-src 'none'; base-uri 'self'"


class SecurityHeaders:
    """ASGI middleware: security headers on every HTTP response, and 413 for an API request whose
    body is larger than ``max_body`` bytes (declared or streamed)."""

    def __init__(self, app: Any, allowed_origins: list[str], max_body: int) -> None:
        self.app, self.allowed_origins, self.max_body = app, allowed_origins, max_body

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        extra = [(b"content-security-policy", csp(path, self.allowed_origins).encode()),
                 (b"x-content-type-options", b"nosniff"),
                 (b"referrer-policy", b"strict-origin-when-cross-origin")]
        if not (path == "/embed" or path.startswith("/embed/")):
            extra.append((b"x-frame-options", b"SAMEORIGIN"))

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[(n, v) for n, v in extra if n not in names]]
            await send(message)

        if not path.startswith("/api/"):
            await self.app(scope, receive, send_with_headers)
            return
        if self._declared_too_big(scope):
            await _too_large(send_with_headers, self.max_body)
            return
        body = await self._read(receive)
        if body is None:
            await _too_large(send_with_headers, self.max_body)
            return
        await self.app(scope, _replay(body, receive), send_with_headers)

    def _declared_too_big(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    return int(value) > self.max_body
                except ValueError:
                    return True
        return False

    async def _read(self, receive: Any) -> bytes | None:
        """The whole request body (API bodies are small), or None once it passes ``max_body``."""
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive: Any) -> Any:
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        message: dict[str, Any] = await receive()
        return message

    return replay


async def _too_large(send: Any, limit: int) -> None:
    body = json.dumps({"detail": f"request body larger than {limit} bytes: send a shorter message"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
