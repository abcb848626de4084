"""The interview's errors: one line each, saying what to do."""

from __future__ import annotations

from bot.errors import SocialAuditError


class SessionNotFound(SocialAuditError):
    """No interview session has this id."""

    def __init__(self, session_id: str) -> None:
        super().__init__(f"no interview session {session_id!r}; start one with `social-audit chat` "
                         "or list them with Sessions.list()")


class EditError(SocialAuditError):
    """A profile edit or a language switch could not be applied."""


class SessionIdError(SocialAuditError):
    """A session id that cannot be stored (empty, too long, or with control characters)."""

    def __init__(self, session_id: str) -> None:
        shown = session_id if len(session_id) <= 40 else session_id[:40] + "…"
        super().__init__(f"session id {shown!r} cannot be used; leave it out to get a fresh one, or use "
                         "up to 256 printable characters (letters, digits, '-' and '_' are safest)")
