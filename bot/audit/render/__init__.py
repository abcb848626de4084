"""Renderers: one module per format, each a pure function of the audit."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bot.audit.model import Audit
from bot.errors import UnknownNameError

Format = Literal["md", "html", "json", "pdf"]
FORMATS: tuple[str, ...] = ("md", "html", "json", "pdf")


def render(audit: Audit, fmt: Format | str, created: datetime | None = None) -> bytes | str:
    """``audit`` as Markdown, HTML or JSON text, or PDF bytes (created at ``created``, default now)."""
    if fmt == "md":
        from bot.audit.render.md import render_md

        return render_md(audit)
    if fmt == "html":
        from bot.audit.render.html import render_html

        return render_html(audit)
    if fmt == "json":
        from bot.audit.render.json import render_json

        return render_json(audit)
    if fmt == "pdf":
        from bot.audit.render.pdf import render_pdf

        return render_pdf(audit, created)
    raise UnknownNameError("report format", str(fmt), list(FORMATS))
