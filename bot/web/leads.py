"""Lead contacts from the call-to-action form: stored only with consent, deletable per session.

Where: with sessions in PostgreSQL (``SOCIAL_AUDIT_SESSIONS=postgresql://…``), the table
``social_audit_leads`` of that database, which every app process shares; otherwise
``<home>/leads/leads.jsonl``, one JSON object a line, locked across the processes sharing that home.
Each lead holds the time, session id, name, email, phone, message, the consent text the person
agreed to, and its language. Nothing else is stored about a lead; a session's deletion, through any
process, removes its leads too.
"""

from __future__ import annotations

import fcntl
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from bot.config import Settings
from bot.errors import SocialAuditError

# An e-mail address: no '@', '<', '>', control character or whitespace in its parts. Spelled out so
# that every regex engine reads it alike: the API's schema publishes it for ECMA clients.
_PART = r"[^@<>\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
EMAIL_PATTERN = re.compile(rf"^{_PART}@{_PART}\.{_PART}$")
MAX_FIELD = 500


class LeadError(SocialAuditError):
    """A lead cannot be stored as given."""


class LeadStoreError(SocialAuditError):
    """The place leads are kept cannot be reached: nothing was stored."""


@dataclass(frozen=True)
class Lead:
    session_id: str
    name: str
    email: str
    consent_text: str
    lang: str
    phone: str = ""
    message: str = ""
    created: str = ""


def make_lead(session_id: str, name: str, email: str, consent: bool, consent_text: str, lang: str,
              phone: str = "", message: str = "") -> Lead:
    """A checked lead; LeadError when consent is missing or the contact is unusable."""
    if not consent:
        raise LeadError("tick the consent box to send your contact details; nothing was stored")
    name, email, phone, message = (v.strip() for v in (name, email, phone, message))
    if not EMAIL_PATTERN.fullmatch(email):
        raise LeadError("give an e-mail address like name@example.com")
    if any(len(v) > MAX_FIELD for v in (name, email, phone)) or len(message) > 4 * MAX_FIELD:
        raise LeadError(f"a contact field is too long (at most {MAX_FIELD} characters)")
    return Lead(session_id, name, email, consent_text, lang, phone, message,
                datetime.now(UTC).isoformat(timespec="seconds"))


class LeadStore(Protocol):
    def add(self, lead: Lead) -> None: ...

    def delete_session(self, session_id: str) -> int: ...


class JsonlLeadStore:
    """Leads appended to one JSON-lines file; deletion rewrites it without the session's lines. A
    lock file serialises writers across the threads and processes that share the home."""

    def __init__(self, home: Path) -> None:
        self.path = home / "leads" / "leads.jsonl"
        self._lock = threading.Lock()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, (self.path.parent / "leads.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def add(self, lead: Lead) -> None:
        with self._locked(), self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(lead), ensure_ascii=False) + "\n")

    def all(self) -> list[Lead]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [Lead(**json.loads(line)) for line in lines if line.strip()]

    def delete_session(self, session_id: str) -> int:
        with self._locked():
            leads = self.all()
            kept = [lead for lead in leads if lead.session_id != session_id]
            if len(kept) != len(leads):
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text("".join(json.dumps(asdict(x), ensure_ascii=False) + "\n" for x in kept),
                               encoding="utf-8")
                tmp.replace(self.path)
            return len(leads) - len(kept)


_LEADS_TABLE = """CREATE TABLE IF NOT EXISTS social_audit_leads (
    id BIGSERIAL PRIMARY KEY, session_id TEXT NOT NULL, lead JSONB NOT NULL)"""
_LEADS_INDEX = "CREATE INDEX IF NOT EXISTS social_audit_leads_session ON social_audit_leads (session_id)"
_LEADS_SETUP = (0x5A_0D17 + 2, 0)  # an advisory lock of our own: one process creates the table


class PostgresLeadStore:
    """Leads in the sessions' PostgreSQL database, so that every app process stores them in one place
    and a deletion through any process removes them. One short connection per call: leads are rare."""

    def __init__(self, url: str) -> None:
        from bot.interview.backends import redact

        self.url, self.where = url, redact(url)
        with self._connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", _LEADS_SETUP)
            conn.execute(_LEADS_TABLE)
            conn.execute(_LEADS_INDEX)

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        import psycopg

        try:
            with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as conn:
                yield conn
        except psycopg.Error as err:
            reason = " ".join(str(err).split())[:300] or type(err).__name__
            raise LeadStoreError(f"the leads table in {self.where} failed: {reason}; check that the "
                                 "server is running and SOCIAL_AUDIT_SESSIONS") from err

    def add(self, lead: Lead) -> None:
        with self._connection() as conn:
            conn.execute("INSERT INTO social_audit_leads (session_id, lead) VALUES (%s, %s)",
                         (lead.session_id, json.dumps(asdict(lead), ensure_ascii=False)))

    def all(self) -> list[Lead]:
        with self._connection() as conn:
            rows = conn.execute("SELECT lead::text FROM social_audit_leads ORDER BY id").fetchall()
        return [Lead(**json.loads(row[0])) for row in rows]

    def delete_session(self, session_id: str) -> int:
        with self._connection() as conn:
            cursor = conn.execute("DELETE FROM social_audit_leads WHERE session_id = %s", (session_id,))
            return int(cursor.rowcount)


def open_leads(settings: Settings) -> LeadStore:
    """Where leads go: the sessions' PostgreSQL database when there is one, else a file under home."""
    from bot.interview.backends import backend_name

    if backend_name(settings.sessions_url) in ("postgresql", "postgres"):
        return PostgresLeadStore(str(settings.sessions_url))
    return JsonlLeadStore(settings.home)
