"""The JSON API under ``/api/v1``, for consultants who build their own front end.

Every route needs an API key (``Authorization: Bearer KEY`` or ``X-API-Key: KEY``; see
``bot/web/security.py``). The schema is FastAPI's, at ``/api/v1/openapi.json`` (docs at
``/api/v1/docs``). Errors are ``{"detail": "one line saying what to do"}`` with 400, 401, 403,
404, 409 (audit before the interview ends), 413 (message too long), 422 or 429 (with Retry-After).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from bot.citations import Citation
from bot.interview.state import InterviewState, Reply
from bot.web.leads import make_lead
from bot.web.render import checklist
from bot.web.security import authorise
from bot.web.service import FORMATS, WebService


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewSession(_Body):
    lang: str | None = Field(None, description="en, sv, da, nb, fi, de or af; default: the brand's")


class MessageIn(_Body):
    text: str = Field(min_length=1, description="What the owner says (at most the brand's "
                                                "limits.max_message_chars characters, else 413)")


class LangIn(_Body):
    lang: str


class EditIn(_Body):
    path: str = Field(description="A profile path, e.g. resources.hours_per_week")
    answer: str = Field(min_length=1, description="The right answer in the owner's words, e.g. '5 hours'")


class LeadIn(_Body):
    name: str = ""
    email: str
    phone: str = ""
    message: str = ""
    consent: bool = Field(description="Must be true: the owner agreed to the consent text")
    consent_text: str = Field(min_length=1, description="The consent sentence the owner agreed to")


class CitationOut(BaseModel):
    chunk_id: str
    source: str
    quote: str
    lang: str
    title: str
    author: str
    gloss: str

    @classmethod
    def of(cls, c: Citation) -> CitationOut:
        return cls(**c.to_json())


class ReplyOut(BaseModel):
    text: str
    lang: str
    quick_replies: list[str]
    citations: list[CitationOut]
    question: str | None
    done: bool

    @classmethod
    def of(cls, r: Reply) -> ReplyOut:
        return cls(text=r.text, lang=r.lang, quick_replies=list(r.quick_replies),
                   citations=[CitationOut.of(c) for c in r.citations], question=r.question, done=r.done)


class Started(BaseModel):
    session_id: str
    reply: ReplyOut


class ChecklistItem(BaseModel):
    topic: str
    status: Literal["answered", "skipped", "missing", "not_needed"]


class SessionOut(BaseModel):
    session_id: str
    lang: str
    done: bool
    pending: str | None
    checklist: list[ChecklistItem]
    state: dict[str, Any] = Field(description="The whole interview state: profile, transcript, …")


def session_out(session_id: str, state: InterviewState) -> SessionOut:
    from bot.interview.policy import load

    items = [ChecklistItem(topic=topic, status=status)  # type: ignore[arg-type]
             for topic, status in checklist(load(), state, state.lang)]
    return SessionOut(session_id=session_id, lang=state.lang, done=state.done, pending=state.pending,
                      checklist=items, state=state.to_dict())


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def router(service: WebService, keys: frozenset[str], open_local: bool) -> APIRouter:
    def require_key(request: Request) -> None:
        result = authorise(keys, open_local, request.headers, request.client.host if request.client else None)
        if not result.ok:
            headers = {"WWW-Authenticate": "Bearer"} if result.status == 401 else None
            raise HTTPException(result.status, result.detail, headers=headers)

    api = APIRouter(prefix="/api/v1", dependencies=[Depends(require_key)], tags=["sessions"])

    @api.post("/sessions", status_code=201, response_model=Started)
    def create_session(request: Request, body: NewSession | None = None) -> Started:
        """Start an interview; the reply holds the first question."""
        session_id, reply = service.start(client_ip(request), body.lang if body else None)
        return Started(session_id=session_id, reply=ReplyOut.of(reply))

    @api.post("/sessions/{session_id}/messages", response_model=ReplyOut)
    def send_message(session_id: str, body: MessageIn, request: Request) -> ReplyOut:
        """Send the owner's message; the reply holds the next question (``done`` at the end)."""
        return ReplyOut.of(service.send(session_id, body.text, client_ip(request)))

    @api.get("/sessions/{session_id}", response_model=SessionOut)
    def read_session(session_id: str) -> SessionOut:
        """The session: language, whether it is done, the checklist and the whole state."""
        return session_out(session_id, service.state(session_id))

    @api.post("/sessions/{session_id}/lang", response_model=SessionOut)
    def set_language(session_id: str, body: LangIn) -> SessionOut:
        service.set_lang(session_id, body.lang)
        return session_out(session_id, service.state(session_id))

    @api.post("/sessions/{session_id}/edits", response_model=SessionOut)
    def edit_answer(session_id: str, body: EditIn, request: Request) -> SessionOut:
        """Correct one answer of the profile, in the owner's words."""
        return session_out(session_id, service.edit(session_id, body.path, body.answer, client_ip(request)))

    @api.get("/sessions/{session_id}/audit", responses={
        200: {"content": {v[0].split(";")[0]: {} for v in FORMATS.values()}},
        409: {"description": "The interview is not finished"}})
    def fetch_audit(session_id: str,
                    format: Literal["json", "md", "html", "pdf"] = Query("json")) -> Response:  # noqa: A002
        """The audit of a finished interview as JSON, Markdown, HTML or PDF."""
        data = service.rendered(session_id, format)
        media, ext = FORMATS[format]
        if format == "json":
            return Response(json.dumps(json.loads(data), ensure_ascii=False), media_type=media)
        headers = {"Content-Disposition": f'attachment; filename="audit.{ext}"'}
        if format == "html":  # shown from our origin: let it run nothing
            headers["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'; " \
                                                 "img-src data:; frame-ancestors 'none'"
        return Response(data, media_type=media, headers=headers)

    @api.post("/sessions/{session_id}/leads", status_code=201)
    def add_lead(session_id: str, body: LeadIn, request: Request) -> dict[str, str]:
        """Store the owner's contact for the consultant, only with ``consent: true``."""
        state = service.state(session_id)
        lead = make_lead(session_id, body.name, body.email, body.consent, body.consent_text, state.lang,
                         body.phone, body.message)
        service.add_lead(lead, client_ip(request))
        return {"status": "stored"}

    @api.delete("/sessions/{session_id}", status_code=204)
    def delete_session(session_id: str) -> Response:
        """Delete the session and everything stored with it (transcript, audit exports, leads)."""
        service.delete(session_id)
        return Response(status_code=204)

    return api
