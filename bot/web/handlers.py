"""The web page's event handlers as plain functions of plain values: each returns a ``View`` (what
the page should show), the Gradio layer only copies it into components. Tests call these directly.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot import lang as langs
from bot.errors import SocialAuditError, StoreError
from bot.interview.policy import Policy
from bot.interview.state import InterviewState
from bot.l10n import number
from bot.web import render
from bot.web.brand import Brand, localise
from bot.web.leads import LeadError, make_lead
from bot.web.limits import MessageTooLongError, RateLimitedError
from bot.web.service import FORMATS, SessionNotFoundError, WebService
from bot.web.strings import t

STREAM_PIECES = 6  # a finished reply is shown in this many growing pieces
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class View:
    session_id: str
    lang: str
    messages: list[dict[str, str]]
    quick: tuple[str, ...] = ()
    checklist: str = ""
    profile: str = ""
    edit_choices: list[tuple[str, str]] = field(default_factory=list)
    done: bool = False
    audit: str = ""
    downloads: dict[str, Path] = field(default_factory=dict)
    business: str = ""  # the name the download files are named with, as the owner gave it
    notice: str = ""
    clear_input: bool = False
    lead_status: str = ""
    partial: bool = False  # a streaming step: only ``messages`` is meant to change


def pieces(text: str, n: int = STREAM_PIECES) -> list[str]:
    """Growing prefixes of ``text`` cut at word boundaries, the last one the whole text."""
    words = text.split(" ")
    step = max(1, -(-len(words) // n))
    return [" ".join(words[:i]) for i in range(step, len(words), step)] + [text]


@dataclass
class Handlers:
    service: WebService
    brand: Brand
    policy: Policy

    def _lang(self, lang: str | None, state: InterviewState | None = None) -> str:
        codes = langs.codes("ui")
        if state is not None and state.lang in codes:
            return state.lang
        return lang if lang in codes else self.brand.default_lang

    def _quick(self, state: InterviewState) -> tuple[str, ...]:
        if state.done:
            return ()
        last = next((turn for turn in reversed(state.transcript) if turn.role == "bot"), None)
        if last is not None and last.lang == state.lang and last.quick_replies:
            return last.quick_replies
        if state.pending:
            try:
                question = self.policy.question(state.pending)
            except KeyError:
                return ()
            return question.quick.get(state.lang) or question.quick.get("en", ())
        return ()

    def _welcome(self, lang: str) -> list[dict[str, str]]:
        welcome = localise(self.brand.welcome, lang, self.brand.default_lang)
        return [{"role": "assistant", "content": render.text(welcome)}] if welcome else []

    @staticmethod
    def _store_down(err: StoreError, lang: str) -> str:
        """The page names the repair command; the index's path and cause go to the server log only."""
        log.error("knowledge base unreadable: %s", err)
        return t("store_down", lang)

    def view(self, session_id: str, notice: str = "", **extra: object) -> View:
        """Everything the page shows for a session, in the session's language."""
        state = self.service.state(session_id)
        lang = self._lang(None, state)
        items = render.checklist(self.policy, state, lang)
        rows = render.understood(self.policy, state.profile, lang)
        base = View(
            session_id=session_id, lang=lang,
            messages=self._welcome(lang) + render.chat_messages(state.transcript, lang),
            quick=self._quick(state), checklist=render.checklist_html(items, lang),
            profile=render.profile_html(rows, lang),
            edit_choices=render.editable(self.policy, state.profile, lang), done=state.done, notice=notice)
        if state.done:
            try:
                base = replace(base, audit=self.service.rendered(session_id, "md").decode("utf-8"),
                               downloads={fmt: self.service.export(session_id, fmt) for fmt in FORMATS},
                               business=self.service.business(session_id))
            except SocialAuditError as err:  # e.g. a citation that no longer resolves: say so
                base = replace(base, audit=render.text(t("error", lang, error=str(err))))
        return replace(base, **extra)  # type: ignore[arg-type]

    def _fresh(self, lang: str | None, ip: str, notice: str = "") -> View:
        lang = self._lang(lang)
        try:
            session_id, _ = self.service.start(ip, lang)
        except RateLimitedError as err:  # no session to show: only the notice
            return View(session_id="", lang=lang, messages=self._welcome(lang),
                        notice=t("rate_limited", lang, seconds=err.retry_after))
        except StoreError as err:  # a damaged or unreachable index: say so, never a traceback
            return View(session_id="", lang=lang, messages=self._welcome(lang),
                        notice=self._store_down(err, lang))
        return self.view(session_id, notice=notice)

    def load(self, stored: str | None, lang: str | None, ip: str) -> View:
        """Page opened or reloaded: resume the stored session, or start one."""
        if stored and self.service.exists(stored):
            return self.view(stored)
        return self._fresh(lang, ip)

    def send(self, session_id: str | None, lang: str | None, message: str, ip: str) -> Iterator[View]:
        """The owner's message: shown at once, then the reply in growing pieces, then the full view."""
        message = (message or "").strip()
        if not session_id or not self.service.exists(session_id):
            yield self._fresh(lang, ip, notice=t("no_session", self._lang(lang)))
            return
        before = self.view(session_id)
        if not message:
            yield before
            return
        shown = [*before.messages, {"role": "user", "content": render.text(message)}]
        try:
            reply = self.service.send(session_id, message, ip)
        except MessageTooLongError as err:
            size, limit = (number(n, before.lang) for n in (err.size, err.limit))
            yield replace(before, notice=t("too_long", before.lang, size=size, limit=limit))
            return
        except RateLimitedError as err:
            yield replace(before, notice=t("rate_limited", before.lang, seconds=err.retry_after))
            return
        except StoreError as err:  # the turn was not stored: the owner can send it again later
            yield replace(before, notice=self._store_down(err, before.lang))
            return
        for piece in pieces(reply.text)[:-1]:
            yield replace(before, messages=[*shown, {"role": "assistant", "content": render.text(piece)}],
                          quick=(), partial=True, clear_input=True)
        yield self.view(session_id, clear_input=True)

    def new(self, lang: str | None, ip: str) -> View:
        return self._fresh(lang, ip)

    def delete(self, session_id: str | None, lang: str | None, ip: str) -> View:
        """Delete everything stored about this conversation, then start a new one."""
        lang = self._lang(lang)
        if session_id:
            with contextlib.suppress(SessionNotFoundError):
                self.service.delete(session_id)
        return self._fresh(lang, ip, notice=t("deleted", lang))

    def switch_lang(self, session_id: str | None, lang: str, ip: str) -> View:
        if not session_id or not self.service.exists(session_id):
            return self._fresh(lang, ip)
        try:
            self.service.set_lang(session_id, lang)
        except StoreError as err:
            return self.view(session_id, notice=self._store_down(err, self._lang(lang)))
        return self.view(session_id)

    def edit(self, session_id: str | None, path: str | None, answer: str, ip: str) -> View:
        """A correction from the side panel, in the owner's words."""
        if not session_id or not self.service.exists(session_id):
            return self._fresh(None, ip)
        lang = self.service.state(session_id).lang
        if not path or not (answer or "").strip():
            return self.view(session_id)
        from bot.interview.errors import EditError
        from bot.interview.messages import field_name, show

        name = field_name(path, lang)
        try:
            state = self.service.edit(session_id, path, answer.strip(), ip)
        except EditError:
            return self.view(session_id, notice=t("edit_unreadable", lang, answer=answer.strip(), field=name))
        except SocialAuditError as err:
            return self.view(session_id, notice=t("error", lang, error=str(err)))
        leaf = state.profile.get(path)
        value = show(path, leaf.value, lang) if leaf.value is not None else t("skipped", lang)
        return self.view(session_id, notice=t("edit_saved", lang, field=name, value=value))

    def business(self, session_id: str | None, name: str, ip: str) -> View:
        """The business name the download files are named with (``audit-<business>-<date>.pdf``)."""
        if not session_id or not self.service.exists(session_id):
            return self._fresh(None, ip)
        try:
            self.service.limiter.request(ip)
        except RateLimitedError as err:
            lang = self.service.state(session_id).lang
            return self.view(session_id, notice=t("rate_limited", lang, seconds=err.retry_after))
        self.service.set_business(session_id, name or "")
        return self.view(session_id)

    def lead(self, session_id: str | None, name: str, email: str, phone: str, consent: bool,
             ip: str) -> View:
        """The lead form: stored only when the consent box is ticked."""
        if not session_id or not self.service.exists(session_id):
            return self._fresh(None, ip)
        lang = self.service.state(session_id).lang
        if not consent:
            return self.view(session_id, lead_status=t("lead_need_consent", lang))
        consent_text = t("lead_consent", lang, product=self.brand.product_name)
        try:
            lead = make_lead(session_id, name or "", email or "", consent, consent_text, lang, phone or "")
        except LeadError:
            return self.view(session_id, lead_status=t("lead_bad_email", lang))
        try:
            self.service.add_lead(lead, ip)
        except RateLimitedError as err:
            return self.view(session_id, lead_status=t("rate_limited", lang, seconds=err.retry_after))
        return self.view(session_id, lead_status=t("lead_thanks", lang))
