"""``create_app``: the whole web app as one FastAPI application.

- ``/``        the Gradio page for business owners
- ``/embed``   the same conversation without header and footer, for consultants' iframes
- ``/api/v1``  the JSON API (keys required; schema at ``/api/v1/openapi.json``, docs at ``/api/v1/docs``
               from the app's own copy of Swagger UI, see ``bot/web/docs.py``)
- ``/healthz`` liveness and readiness, no key
- ``/brand/logo`` the brand's logo, when it is a local file
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response

from bot.config import Settings
from bot.errors import SocialAuditError, StoreError
from bot.interview.errors import EditError
from bot.web.brand import Brand
from bot.web.leads import LeadError, LeadStore, LeadStoreError, open_leads
from bot.web.limits import MemoryRateStore, MessageTooLongError, RateLimitedError, RateLimiter, RateStore
from bot.web.security import SecurityHeaders, api_keys
from bot.web.service import AuditNotReadyError, BadLanguageError, SessionNotFoundError, WebService

log = logging.getLogger(__name__)
STORE_DOWN = ("the knowledge base cannot be read; the operator should run "
              "`social-audit ingest --rebuild` (the details are in the server log)")


@dataclass
class Parts:
    """What the app is made of; tests and a scaled-out deployment may pass their own."""

    retriever: Any = None  # bot.retrieval.retrieve.Retriever; None: open the index from settings
    llm: Any = None  # a chat model; None: the one settings name (settings.llm, usually none)
    sessions: Any = None  # the interview's Sessions; None: Sessions(settings, context)
    rate_store: RateStore | None = None
    leads: LeadStore | None = None


def _status(err: Exception) -> int:
    table: list[tuple[type[Exception], int]] = [
        (SessionNotFoundError, 404), (AuditNotReadyError, 409), (MessageTooLongError, 413),
        (RateLimitedError, 429), (BadLanguageError, 422), (LeadError, 422), (EditError, 422),
        (StoreError, 503), (LeadStoreError, 503)]
    return next((code for kind, code in table if isinstance(err, kind)), 400)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(SocialAuditError)
    async def domain_error(_request: Request, err: SocialAuditError) -> JSONResponse:
        headers = {"Retry-After": str(err.retry_after)} if isinstance(err, RateLimitedError) else None
        return JSONResponse({"detail": _detail(err)}, status_code=_status(err), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, err: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_detail(err.errors())}, status_code=422)


def validation_detail(problems: Any) -> str:
    """FastAPI's list of validation problems as the API's one line: the first problem, and how many more."""
    problems = list(problems)
    if not problems:
        return "the request is not valid; see /api/v1/docs"
    first = problems[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body") or "body"
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    line = " ".join(f"{where[:80]}: {first.get('msg', 'not valid')}".split())  # one line, whatever the input
    return f"{line[:300]}{more}; see /api/v1/docs"


_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]


def api_miss(routes: list[Any], request: Request) -> JSONResponse:
    """An ``/api/`` request no route takes: 405 with ``Allow`` when the path exists with other methods,
    else 404 (without this, the page mounted at ``/`` would answer for the API)."""
    from starlette.routing import Match, Route

    allowed: set[str] = set()
    for route in routes:
        if isinstance(route, Route) and route.methods:
            match, _ = route.matches(request.scope)
            if match == Match.PARTIAL:
                allowed |= route.methods
    if not allowed:
        return JSONResponse({"detail": "no such API path; see /api/v1/docs"}, status_code=404)
    allow = ", ".join(sorted(allowed))
    return JSONResponse({"detail": f"{request.method} is not allowed here; use {allow}"}, status_code=405,
                        headers={"Allow": allow})


def _detail(err: SocialAuditError) -> str:
    """The one-line message for the client; a store's path and cause stay in the server log."""
    if isinstance(err, StoreError):
        log.error("knowledge base unreadable: %s", err)
        return STORE_DOWN
    return str(err)


def build_service(settings: Settings, brand: Brand, parts: Parts) -> WebService:
    from bot.interview.sessions import Sessions
    from bot.interview.state import Context
    from bot.llm import chat_model

    retriever = parts.retriever
    if retriever is None:
        from bot.retrieval import open_retriever

        retriever = open_retriever(settings)
    llm = parts.llm if parts.llm is not None else chat_model(settings)
    sessions = parts.sessions or Sessions(settings, Context(retriever=retriever, llm=llm))

    def build(state: Any) -> Any:
        from bot.audit import build_audit, report_lang

        return build_audit(state.profile, retriever, lang=report_lang(state.lang), llm=llm)

    def render(audit: Any, fmt: str) -> str | bytes:
        from bot.audit import render as render_audit

        out: str | bytes = render_audit(audit, fmt)
        return out

    return WebService(
        sessions=sessions, brand=brand,
        limiter=RateLimiter(brand.limits, parts.rate_store or MemoryRateStore()),
        leads=parts.leads or open_leads(settings), build_audit=build, render_audit=render,
        exports=settings.home / "exports")


def create_app(settings: Settings, brand: Brand | None = None, parts: Parts | None = None) -> FastAPI:
    """The web app: UI at ``/``, embed at ``/embed``, JSON API at ``/api/v1``, ``/healthz``."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: never phone home
    import gradio as gr

    from bot.interview.policy import load as load_policy
    from bot.web.api import router
    from bot.web.docs import add_docs
    from bot.web.handlers import Handlers
    from bot.web.ui import CSS, WebUI, browser_secret, theme

    brand = brand or Brand()
    service = build_service(settings, brand, parts or Parts())
    keys = api_keys(brand)
    app = FastAPI(title=f"{brand.product_name} API", version="1", docs_url=None,
                  redoc_url=None, openapi_url="/api/v1/openapi.json")
    app.state.service = service
    _errors(app)
    api = router(service, keys, brand.api.open_local)
    app.include_router(api)
    add_docs(app)  # Swagger UI from the app, not a CDN; before the /api/ catch-all below

    @app.api_route("/api/{rest:path}", methods=_METHODS, include_in_schema=False)
    def api_fallback(request: Request) -> JSONResponse:
        docs = [r for r in app.router.routes if getattr(r, "path", "").startswith("/api/v1/")]  # schema, docs
        return api_miss([*api.routes, *docs], request)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/brand/logo", include_in_schema=False)
    def logo() -> Response:
        path = brand.logo_path()
        return FileResponse(path) if path and path.is_file() else Response(status_code=404)

    @app.get("/embed.js", include_in_schema=False)
    def embed_js(request: Request) -> Response:
        """A stable address for Gradio's web component (``<gradio-app src=…/embed/>``): it loads the
        bundle this Gradio version serves under /embed/assets (nothing from a CDN)."""
        base = str(request.base_url).rstrip("/")
        return Response(f'import("{base}/embed/assets/{web_component_bundle()}");\n',
                        media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    handlers = Handlers(service, brand, load_policy())
    secret = browser_secret(settings.home, settings.browser_secret)
    look: dict[str, Any] = {"theme": theme(brand), "css": CSS, "ssr_mode": False}
    embed = WebUI(handlers, brand, secret).build(chrome=False)
    gr.mount_gradio_app(app, embed, path="/embed", footer_links=[], run_history=False,
                        allowed_paths=[str(service.exports)], **look)
    page = WebUI(handlers, brand, secret).build(chrome=True)
    # Gradio's footer ("Use via API") is English only: the page shows its own (WebUI.footer)
    gr.mount_gradio_app(app, page, path="/", footer_links=[], run_history=False,
                        allowed_paths=[str(service.exports)], **look)
    # Outermost: CORS for the allowed origins only, then the security headers and body-size guard.
    app.add_middleware(SecurityHeaders, allowed_origins=brand.allowed_origins,
                       max_body=brand.limits.max_message_chars * 4 + 4096)
    app.add_middleware(CORSMiddleware, allow_origins=brand.allowed_origins, allow_credentials=False,
                       allow_methods=["GET", "POST", "DELETE"],
                       allow_headers=["*"], max_age=600)
    return app


def web_component_bundle() -> str:
    """The file name of the bundle that defines ``<gradio-app>`` in the installed Gradio."""
    import re

    import gradio

    loader = Path(gradio.__file__).parent / "templates" / "frontend" / "gradio.js"
    found = re.search(r"assets/(index-[\w-]+\.js)", loader.read_text(encoding="utf-8"))
    if found is None:
        raise SocialAuditError(f"cannot find the web component bundle in {loader}; use the iframe snippet")
    return found.group(1)
