"""Lead contacts from the call-to-action form: stored only with consent, deletable per session.

Where: ``<home>/leads/leads.jsonl``, one JSON object a line (time, session id, name, email, phone,
message, the consent text the person agreed to, and its language). Nothing else is stored about a
lead; a session's deletion removes its leads too.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from bot.errors import SocialAuditError

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_MAX_FIELD = 500


class LeadError(SocialAuditError):
    """A lead cannot be stored as given."""


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
    if not _EMAIL.match(email):
        raise LeadError("give an e-mail address like name@example.com")
    if any(len(v) > _MAX_FIELD for v in (name, email, phone)) or len(message) > 4 * _MAX_FIELD:
        raise LeadError(f"a contact field is too long (at most {_MAX_FIELD} characters)")
    return Lead(session_id, name, email, consent_text, lang, phone, message,
                datetime.now(UTC).isoformat(timespec="seconds"))


class LeadStore(Protocol):
    def add(self, lead: Lead) -> None: ...

    def delete_session(self, session_id: str) -> int: ...


class JsonlLeadStore:
    """Leads appended to one JSON-lines file; deletion rewrites it without the session's lines."""

    def __init__(self, home: Path) -> None:
        self.path = home / "leads" / "leads.jsonl"
        self._lock = threading.Lock()

    def add(self, lead: Lead) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(asdict(lead), ensure_ascii=False) + "\n")

    def all(self) -> list[Lead]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [Lead(**json.loads(line)) for line in lines if line.strip()]

    def delete_session(self, session_id: str) -> int:
        with self._lock:
            leads = self.all()
            kept = [lead for lead in leads if lead.session_id != session_id]
            if len(kept) != len(leads):
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text("".join(json.dumps(asdict(x), ensure_ascii=False) + "\n" for x in kept),
                               encoding="utf-8")
                tmp.replace(self.path)
            return len(leads) - len(kept)
