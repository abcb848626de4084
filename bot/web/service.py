"""What the web UI and the JSON API both do, in one place: sessions behind the abuse limits, the
audit built once per profile, per-session deletion (transcript, exports and leads).

The interview's ``Sessions`` does the conversation; this adds the limits, a per-session lock (one
turn at a time per session, so concurrent clicks never interleave), the audit cache and the
export files. Exports live in ``<home>/exports/<session id>/`` (named ``audit-<business>-<date>.<ext>``,
with the business name the owner gave, kept there as ``business.txt``) and go with the session.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from bot import lang as langs
from bot.errors import SocialAuditError
from bot.interview.state import InterviewState, Reply
from bot.web.brand import Brand
from bot.web.filenames import download_name
from bot.web.leads import Lead, LeadStore
from bot.web.limits import RateLimiter

BUSINESS_CHARS = 200
FORMATS = {"md": ("text/markdown; charset=utf-8", "md"), "html": ("text/html; charset=utf-8", "html"),
           "json": ("application/json", "json"), "pdf": ("application/pdf", "pdf")}


class SessionNotFoundError(SocialAuditError):
    def __init__(self, session_id: str) -> None:
        super().__init__(f"no session {session_id!r}; start one with POST /api/v1/sessions")


class AuditNotReadyError(SocialAuditError):
    def __init__(self) -> None:
        super().__init__("the interview is not finished yet; answer its questions first")


class BadLanguageError(SocialAuditError):
    def __init__(self, lang: str) -> None:
        super().__init__(f"unknown language {lang!r}; choose one of: {', '.join(langs.codes('ui'))}")


class SessionsLike(Protocol):
    """The interview's ``Sessions`` as this module uses it."""

    def start(self, session_id: str | None = None, lang: str | None = None) -> tuple[str, Reply]: ...

    def send(self, session_id: str, message: str, max_chars: int | None = None) -> Reply: ...

    def state(self, session_id: str) -> InterviewState: ...

    def set_lang(self, session_id: str, lang: str) -> Any: ...

    def edit(self, session_id: str, path: str, raw_answer: str) -> InterviewState: ...

    def delete(self, session_id: str) -> Any: ...


class AuditBuilder(Protocol):
    def __call__(self, state: InterviewState) -> Any: ...


class AuditRenderer(Protocol):
    def __call__(self, audit: Any, fmt: str) -> str | bytes: ...


@dataclass
class WebService:
    sessions: SessionsLike
    brand: Brand
    limiter: RateLimiter
    leads: LeadStore
    build_audit: AuditBuilder
    render_audit: AuditRenderer
    exports: Path
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _audits: OrderedDict[str, tuple[str, Any, dict[str, bytes]]] = field(default_factory=OrderedDict)

    def _lock(self, session_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(session_id, threading.Lock())

    def _lang(self, lang: str | None) -> str:
        lang = lang or self.brand.default_lang
        if lang not in langs.codes("ui"):
            raise BadLanguageError(lang)
        return lang

    def start(self, ip: str, lang: str | None = None) -> tuple[str, Reply]:
        self.limiter.request(ip)
        self.limiter.new_session(ip)
        return self.sessions.start(lang=self._lang(lang))

    def send(self, session_id: str, message: str, ip: str) -> Reply:
        """One message: a longer one than the brand's ``max_message_chars`` is cut there and read
        (the reply says so), not refused; the body-size guard still refuses a raw body too big."""
        self.limiter.request(ip)
        self.limiter.message(session_id, message, refuse_long=False)
        with self._lock(session_id):
            self.state(session_id)
            return self.sessions.send(session_id, message, self.brand.limits.max_message_chars)

    def state(self, session_id: str) -> InterviewState:
        from bot.interview.errors import SessionNotFound

        try:
            return self.sessions.state(session_id)
        except (SessionNotFound, KeyError) as err:
            raise SessionNotFoundError(session_id) from err

    def exists(self, session_id: str | None) -> bool:
        if not session_id:
            return False
        try:
            self.state(session_id)
        except SessionNotFoundError:
            return False
        return True

    def set_lang(self, session_id: str, lang: str) -> None:
        lang = self._lang(lang)
        with self._lock(session_id):
            self.state(session_id)
            self.sessions.set_lang(session_id, lang)

    def edit(self, session_id: str, path: str, raw_answer: str, ip: str) -> InterviewState:
        self.limiter.request(ip)
        self.limiter.message(session_id, raw_answer)
        with self._lock(session_id):
            self.state(session_id)
            return self.sessions.edit(session_id, path, raw_answer)

    def audit(self, session_id: str) -> Any:
        """The audit of a finished interview, built once per profile and language."""
        return self._entry(session_id)[1]

    def _entry(self, session_id: str) -> tuple[str, Any, dict[str, bytes]]:
        """(profile key, audit, rendered formats) of a finished interview, cached per process."""
        state = self.state(session_id)
        if not state.done:
            raise AuditNotReadyError()
        key = hashlib.sha256(json.dumps([state.profile.to_dict(), state.lang], sort_keys=True,
                                        default=str).encode()).hexdigest()
        with self._guard:
            cached = self._audits.get(session_id)
        if cached and cached[0] == key:
            return cached
        entry: tuple[str, Any, dict[str, bytes]] = (key, self.build_audit(state), {})
        with self._guard:
            self._audits[session_id] = entry
            self._audits.move_to_end(session_id)
            while len(self._audits) > 256:
                self._audits.popitem(last=False)
        return entry

    def rendered(self, session_id: str, fmt: str) -> bytes:
        if fmt not in FORMATS:
            raise SocialAuditError(f"unknown audit format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        _, audit, formats = self._entry(session_id)
        if fmt not in formats:
            out = self.render_audit(audit, fmt)
            formats[fmt] = out.encode("utf-8") if isinstance(out, str) else bytes(out)
        return formats[fmt]

    def set_business(self, session_id: str, name: str) -> None:
        """The business name for the audit's file names ("" forgets it)."""
        self.state(session_id)
        folder = self.exports / _safe(session_id)
        name = " ".join(name.split())[:BUSINESS_CHARS]
        if name:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "business.txt").write_text(name, encoding="utf-8")
        else:
            (folder / "business.txt").unlink(missing_ok=True)

    def business(self, session_id: str) -> str:
        path = self.exports / _safe(session_id) / "business.txt"
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def file_name(self, session_id: str, fmt: str, business: str | None = None) -> str:
        """``audit-<business>-<today>.<ext>``: ``business``, else the name the owner gave, else none."""
        name = self.business(session_id) if business is None else business
        return download_name(FORMATS[fmt][1], datetime.now(UTC).date(), name)

    def export(self, session_id: str, fmt: str) -> Path:
        """The audit as a file under ``exports/<session id>/`` (for the page's download buttons);
        an earlier file of the format under another name (business or day changed) is removed."""
        data = self.rendered(session_id, fmt)
        folder = self.exports / _safe(session_id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.file_name(session_id, fmt)
        for old in folder.glob(f"audit*.{FORMATS[fmt][1]}"):
            if old != path:
                old.unlink(missing_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        return path

    def add_lead(self, lead: Lead, ip: str) -> None:
        self.limiter.request(ip)
        self.state(lead.session_id)
        self.leads.add(lead)

    def delete(self, session_id: str) -> None:
        """Forget the session: its transcript and profile, its audit, its export files, its leads."""
        with self._lock(session_id):
            self.state(session_id)
            self.sessions.delete(session_id)
        self.leads.delete_session(session_id)
        shutil.rmtree(self.exports / _safe(session_id), ignore_errors=True)
        with self._guard:
            self._audits.pop(session_id, None)
            self._locks.pop(session_id, None)

    def sweep(self) -> list[str]:
        """Forget what this process still holds of sessions deleted through another process (export
        files, cached audits); the ids swept. ``social-audit serve`` runs it every minute."""
        from bot.web.sweep import sweep_folders

        with self._guard:
            cached = list(self._audits)
        gone = {sid for sid in cached if not self.exists(sid)}
        with self._guard:
            for sid in gone:
                self._audits.pop(sid, None)
                self._locks.pop(sid, None)
        return sorted(gone | set(sweep_folders(self.exports, self.exists)))


def _safe(session_id: str) -> str:
    """A session id as a folder name (ids are ours, but never trust a path component)."""
    cleaned = "".join(c for c in session_id if c.isalnum() or c in "-_")
    if not cleaned or cleaned != session_id:
        raise SessionNotFoundError(session_id)
    return cleaned
