"""The JSON API's docs at ``/api/v1/docs``: Swagger UI served by the app itself, so they work offline.

Swagger UI's files come from the ``fastapi-swagger`` package (Swagger UI 5, which reads the OpenAPI
3.1 schema FastAPI writes; ``swagger-ui-bundle`` ships Swagger UI 4, which refuses it) and are
served under ``/api/v1/docs/static``. The page has a Content-Security-Policy of its own: scripts,
styles, images and requests from the app only, and the one inline script (Swagger UI's start)
allowed by its hash, not by ``'unsafe-inline'``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from bot.web.security import csp

DOCS = "/api/v1/docs"
STATIC = "/api/v1/docs/static"
_INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def swagger_ui_folder() -> Path:
    """The folder of Swagger UI's files in the installed ``fastapi-swagger`` package."""
    from importlib.resources import files

    return Path(str(files("fastapi_swagger") / "resources"))


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def docs_csp(html: str) -> str:
    """The docs page's policy: the app's own (frame-ancestors, object-src, base-uri), nothing from
    another origin, and the page's inline scripts by hash."""
    scripts = " ".join(script_hash(s) for s in _INLINE.findall(html))
    return (f"{csp(DOCS, [])}; default-src 'none'; script-src 'self' {scripts}; style-src 'self'; "
            "img-src 'self' data:; connect-src 'self'; form-action 'self'")


def docs_page(root: str, openapi_url: str, title: str) -> HTMLResponse:
    """Swagger UI for the schema at ``root + openapi_url``, every file from ``root + STATIC``."""
    from fastapi.openapi.docs import get_swagger_ui_html

    page = get_swagger_ui_html(
        openapi_url=root + openapi_url, title=title,
        swagger_js_url=f"{root}{STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{STATIC}/swagger-ui.css",
        swagger_favicon_url=f"{root}{STATIC}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None})  # never ask an online validator
    html = bytes(page.body).decode("utf-8")
    return HTMLResponse(html, headers={"Content-Security-Policy": docs_csp(html)})


def add_docs(app: FastAPI) -> None:
    """Serve the docs page and Swagger UI's files (before any catch-all ``/api/`` route)."""
    from fastapi.staticfiles import StaticFiles

    app.mount(STATIC, StaticFiles(directory=swagger_ui_folder()), name="swagger-ui")
    openapi_url, title = app.openapi_url or "/api/v1/openapi.json", f"{app.title} - Swagger UI"

    @app.get(DOCS, include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        return docs_page(str(request.scope.get("root_path", "")).rstrip("/"), openapi_url, title)
