"""The JSON API under ``/api/v1``, for consultants who build their own front end.

Every route needs an API key (``Authorization: Bearer KEY`` or ``X-API-Key: KEY``; see
``bot/web/security.py``). The schema is FastAPI's, at ``/api/v1/openapi.json`` (docs at
``/api/v1/docs``). Errors are ``{"detail": "one line saying what to do"}`` with 400 (unreadable
body), 401/403 (key), 404, 405, 409 (audit before the interview ends), 413 (message too long), 422,
429 (with Retry-After) or 503 (knowledge base unreadable); each operation declares the ones it can
return, so the schema can be checked against the server (tests/test_web_api_schema.py).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, Security
from fastapi.security import APIKeyHeader, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot import lang as langs
from bot.citations import Citation
from bot.interview.read import EDITABLE
from bot.interview.state import InterviewState, Reply
from bot.web.leads import EMAIL_PATTERN, MAX_FIELD, make_lead
from bot.web.render import checklist
from bot.web.security import authorise
from bot.web.service import BUSINESS_CHARS, FORMATS, WebService


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    detail: str = Field(description="One line saying what went wrong and what to do")


_WHY = {400: "The body is not JSON", 401: "No API key, or a wrong one", 403: "The API is closed: no keys",
        404: "No such session", 409: "The interview is not finished",
        413: "The message or body is too long", 422: "A field is missing, malformed or not allowed",
        429: "Too many requests: wait Retry-After seconds", 503: "The knowledge base cannot be read"}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}}}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for the error statuses an operation can return, each ``{"detail": ...}``
    (401 and 403 come with every operation: the key is checked first; 422 too, in place of FastAPI's
    list-shaped validation error, which the app turns into one line)."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in sorted({401, 403, 422, *codes}):
        out[code] = {"model": ErrorOut, "description": _WHY[code]}
        if code == 429:
            out[code]["headers"] = _RETRY_AFTER
    return out


class NewSession(_Body):
    lang: str | None = Field(None, description="A language of the web app (bot/data/languages.yaml); "
                                               "default: the brand's",
                             json_schema_extra=lambda schema: schema.update(enum=[*langs.codes("ui"), None]))


class MessageIn(_Body):
    text: str = Field(min_length=1, description="What the owner says. A message longer than the "
                                                "brand's limits.max_message_chars characters is read by "
                                                "its start and the reply says so; a body over about four "
                                                "times that is refused (413)")


class LangIn(_Body):
    lang: str = Field(json_schema_extra=lambda schema: schema.update(enum=list(langs.codes("ui"))))


class EditIn(_Body):
    path: str = Field(description="A profile path, e.g. resources.hours_per_week",
                      json_schema_extra={"enum": list(EDITABLE)})
    answer: str = Field(min_length=1, description="The right answer in the owner's words, e.g. '5 hours'")


class LeadIn(_Body):
    name: str = Field("", max_length=MAX_FIELD)
    email: str = Field(max_length=MAX_FIELD, json_schema_extra={"pattern": EMAIL_PATTERN.pattern})
    phone: str = Field("", max_length=MAX_FIELD)
    message: str = Field("", max_length=4 * MAX_FIELD)
    consent: bool = Field(description="Must be true: the owner agreed to the consent text",
                          json_schema_extra={"const": True})
    consent_text: str = Field(min_length=1, description="The consent sentence the owner agreed to")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL_PATTERN.fullmatch(value):
            raise ValueError("give an e-mail address like name@example.com")
        return value


class Stored(BaseModel):
    status: Literal["stored"]


class CitationOut(BaseModel):
    chunk_id: str
    source: str
    quote: str
    lang: str
    title: str
    author: str
    gloss: str
    gloss_source: Literal["curated", "llm", ""] = Field(
        description='who wrote the gloss: "curated", "llm" (machine translation), "" no gloss')

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


_KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key")
_BEARER = HTTPBearer(auto_error=False, description="The same API key as a bearer token")
_DECLARE_KEY, _DECLARE_BEARER = Security(_KEY_HEADER), Security(_BEARER)
_SESSION_LINKS = {name: {"operationId": op, "parameters": {"session_id": "$response.body#/session_id"}}
                  for name, op in (("SendMessage", "send_message"), ("ReadSession", "read_session"),
                                   ("SetLanguage", "set_language"), ("EditAnswer", "edit_answer"),
                                   ("FetchAudit", "fetch_audit"), ("AddLead", "add_lead"),
                                   ("DeleteSession", "delete_session"))}


def router(service: WebService, keys: frozenset[str], open_local: bool) -> APIRouter:
    def require_key(request: Request, _key: Any = _DECLARE_KEY, _bearer: Any = _DECLARE_BEARER) -> None:
        """The key check; the two ``Security`` parameters only declare the schemes in the schema."""
        result = authorise(keys, open_local, request.headers, request.client.host if request.client else None)
        if not result.ok:
            headers = {"WWW-Authenticate": "Bearer"} if result.status == 401 else None
            raise HTTPException(result.status, result.detail, headers=headers)

    api = APIRouter(prefix="/api/v1", dependencies=[Depends(require_key)], tags=["sessions"])

    @api.post("/sessions", status_code=201, response_model=Started, operation_id="create_session",
              responses={201: {"links": _SESSION_LINKS}, **errors(400, 413, 422, 429, 503)})
    def create_session(request: Request, body: NewSession | None = None) -> Started:
        """Start an interview; the reply holds the first question."""
        session_id, reply = service.start(client_ip(request), body.lang if body else None)
        return Started(session_id=session_id, reply=ReplyOut.of(reply))

    @api.post("/sessions/{session_id}/messages", response_model=ReplyOut, operation_id="send_message",
              responses=errors(400, 404, 413, 422, 429, 503))
    def send_message(session_id: str, body: MessageIn, request: Request) -> ReplyOut:
        """Send the owner's message; the reply holds the next question (``done`` at the end)."""
        return ReplyOut.of(service.send(session_id, body.text, client_ip(request)))

    @api.get("/sessions/{session_id}", response_model=SessionOut, operation_id="read_session",
             responses=errors(404))
    def read_session(session_id: str) -> SessionOut:
        """The session: language, whether it is done, the checklist and the whole state."""
        return session_out(session_id, service.state(session_id))

    @api.post("/sessions/{session_id}/lang", response_model=SessionOut, operation_id="set_language",
              responses=errors(400, 404, 413, 422, 503))
    def set_language(session_id: str, body: LangIn) -> SessionOut:
        """Switch the interview's language; the open question is asked again in it."""
        service.set_lang(session_id, body.lang)
        return session_out(session_id, service.state(session_id))

    @api.post("/sessions/{session_id}/edits", response_model=SessionOut, operation_id="edit_answer",
              responses=errors(400, 404, 413, 422, 429, 503))
    def edit_answer(session_id: str, body: EditIn, request: Request) -> SessionOut:
        """Correct one answer of the profile, in the owner's words (422 when it cannot be read)."""
        return session_out(session_id, service.edit(session_id, body.path, body.answer, client_ip(request)))

    @api.get("/sessions/{session_id}/audit", operation_id="fetch_audit", responses={
        200: {"description": "The audit", "content": {v[0].split(";")[0]: {} for v in FORMATS.values()}},
        **errors(404, 409, 422, 503)})
    def fetch_audit(session_id: str,
                    format: Literal["json", "md", "html", "pdf"] = Query("json"),  # noqa: A002
                    business: str | None = Query(None, max_length=BUSINESS_CHARS, description=(
                        "The business's name for the file name: audit-<business>-<date>.<ext>"))) -> Response:
        """The audit of a finished interview as JSON, Markdown, HTML or PDF."""
        data = service.rendered(session_id, format)
        media, ext = FORMATS[format]
        if format == "json":
            return Response(json.dumps(json.loads(data), ensure_ascii=False), media_type=media)
        name = service.file_name(session_id, format, business)
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        if format == "html":  # shown from our origin: let it run nothing
            headers["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'; " \
                                                 "img-src data:; frame-ancestors 'none'"
        return Response(data, media_type=media, headers=headers)

    @api.post("/sessions/{session_id}/leads", status_code=201, response_model=Stored, operation_id="add_lead",
              responses=errors(400, 404, 413, 422, 429))
    def add_lead(session_id: str, body: LeadIn, request: Request) -> Stored:
        """Store the owner's contact for the consultant, only with ``consent: true``."""
        state = service.state(session_id)
        lead = make_lead(session_id, body.name, body.email, body.consent, body.consent_text, state.lang,
                         body.phone, body.message)
        service.add_lead(lead, client_ip(request))
        return Stored(status="stored")

    @api.delete("/sessions/{session_id}", status_code=204, operation_id="delete_session",
                responses={204: {"description": "Deleted"}, **errors(404)})
    def delete_session(session_id: str) -> Response:
        """Delete the session and everything stored with it (transcript, audit exports, leads)."""
        service.delete(session_id)
        return Response(status_code=204)

    return api
