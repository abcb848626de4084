"""The JSON API's docs (``/api/v1/docs``) work offline: Swagger UI comes from the app itself.

A fast test reads the page with the test client (only the app's own URLs, each served, and a CSP
that allows the one inline script by its hash); a browser test opens the page in Debian's headless
Chromium with every request to another host refused and finds the API's operations listed.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPO
from tests.web_kit import brand, live, make_app

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, bundled_retriever: Any) -> Any:
    return make_app(tmp_path_factory.mktemp("docs-home"), bundled_retriever, brand())


def referenced(html: str) -> list[str]:
    """Every URL the page loads: src and href attributes, and the schema's ``url: '…'``."""
    return [a or b for a, b in re.findall(r"""(?:src|href)="([^"]+)"|url: '([^']+)'""", html)]


def test_the_docs_page_loads_only_the_apps_own_files_and_allows_its_inline_script_by_hash(app: Any) -> None:
    client = TestClient(app)
    res = client.get("/api/v1/docs")  # no key needed, like the schema
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/html")
    html = res.text
    assert not re.search(r"https?://|//[a-z]", html), "the docs page names another host"
    urls = referenced(html)
    assert {"/api/v1/openapi.json", "/api/v1/docs/static/swagger-ui-bundle.js",
            "/api/v1/docs/static/swagger-ui.css", "/api/v1/docs/static/favicon-32x32.png"} <= set(urls)
    kinds = {".js": "javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json"}
    for url in urls:
        assert url.startswith("/api/v1/"), url
        got = client.get(url)
        assert got.status_code == 200, url
        assert kinds[Path(url).suffix] in got.headers["content-type"], (url, got.headers["content-type"])
    assert b"SwaggerUIBundle" in client.get("/api/v1/docs/static/swagger-ui-bundle.js").content

    policy = res.headers["content-security-policy"]
    inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(inline) == 1 and "SwaggerUIBundle(" in inline[0]
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'", f"'sha256-{digest}'"]
    assert "frame-ancestors 'self'" in policy and "default-src 'none'" in policy
    assert "unsafe" not in policy
    assert res.headers["x-frame-options"] == "SAMEORIGIN"
    assert "unsafe" not in client.get("/healthz").headers["content-security-policy"]  # the app's, as before


def test_swagger_ui_files_are_not_an_api_path_that_takes_other_methods(app: Any) -> None:
    client = TestClient(app)
    assert client.get("/api/v1/docs/static/no-such-file.js").status_code == 404
    missing = client.get("/api/v1/no-such-path")
    assert missing.status_code == 404 and "/api/v1/docs" in missing.json()["detail"]



@pytest.mark.browser
def test_the_docs_list_the_apis_operations_with_every_other_host_refused(app: Any, browser: Any) -> None:
    shots = Path(os.environ.get("SOCIAL_AUDIT_SCREENSHOTS") or REPO / "reports" / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    refused: list[str] = []
    problems: list[str] = []

    def only_local(route: Any) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with live(app) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        context.route("**/*", only_local)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: problems.append(str(err)))
        page.goto(f"{url}/api/v1/docs")
        page.wait_for_selector(".opblock")
        operations = page.locator(".opblock")
        texts = [operations.nth(i).inner_text() for i in range(operations.count())]
        page.screenshot(path=shots / "api-docs.png", full_page=True)
        context.close()
    assert any("/api/v1/sessions/{session_id}/messages" in t for t in texts), texts
    assert sum("/api/v1/sessions" in t for t in texts) == 8, texts  # every operation of the API
    assert refused == [] and problems == [], (refused, problems)
