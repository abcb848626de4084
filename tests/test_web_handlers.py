"""The page's handlers, called directly over the real interview, audit and bundled index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.interview.policy import load as load_policy
from bot.web.app import Parts, build_service
from bot.web.handlers import Handlers, View, pieces
from tests.web_kit import brand

IP = "192.0.2.10"


@pytest.fixture(scope="module")
def handlers(tmp_path_factory: pytest.TempPathFactory, bundled_retriever: Any) -> Handlers:
    the_brand = brand(welcome={"en": "Welcome <b>friend</b>", "sv": "Välkommen"},
                      call_to_action={"kind": "lead_form"}, limits={"max_message_chars": 200})
    settings = Settings(home=tmp_path_factory.mktemp("handlers-home"))
    return Handlers(build_service(settings, the_brand, Parts(retriever=bundled_retriever)), the_brand,
                    load_policy())


def last(views: Any) -> View:
    return list(views)[-1]


def finish(h: Handlers, view: View) -> View:
    for _ in range(30):
        if view.done:
            return view
        view = last(h.send(view.session_id, view.lang, view.quick[0] if view.quick else "skip", IP))
    raise AssertionError("the interview did not end within 30 turns")


def test_a_first_visit_starts_a_session_and_a_reload_resumes_it(handlers: Handlers) -> None:
    first = handlers.load(None, None, IP)
    assert first.session_id and first.lang == "en" and first.quick and not first.done
    assert first.messages[0] == {"role": "assistant", "content": "Welcome &lt;b&gt;friend&lt;/b&gt;"}
    assert first.messages[1]["role"] == "assistant" and 'class="sa-cite"' in first.messages[1]["content"]
    assert "(missing)" in first.checklist and "Nothing noted yet." in first.profile
    after = last(handlers.send(first.session_id, "en", first.quick[0], IP))
    again = handlers.load(first.session_id, None, IP)
    assert again.session_id == first.session_id and again.messages == after.messages
    assert handlers.load("no-such-session", None, IP).session_id not in ("", "no-such-session")


def test_a_reply_streams_in_growing_pieces(handlers: Handlers) -> None:
    start = handlers.load(None, None, IP)
    views = list(handlers.send(start.session_id, "en", start.quick[0], IP))
    partial, final = views[:-1], views[-1]
    assert partial and all(v.partial and v.clear_input for v in partial)
    shown = [v.messages[-1]["content"] for v in partial]
    assert all(len(a) < len(b) for a, b in zip(shown, shown[1:], strict=False))
    assert partial[0].messages[-2] == {"role": "user", "content": start.quick[0]}
    assert not final.partial and len(final.messages) == len(start.messages) + 2
    assert pieces("one two three four", 2) == ["one two", "one two three four"]
    assert pieces("single") == ["single"]


@pytest.mark.parametrize("payload", ["<script>window.pwned=1</script>", '<img src=x onerror="alert(1)">',
                                     "[click](javascript:alert(1)) ![x](http://tracker.example/p.png)"])
def test_what_a_person_types_is_shown_as_text(handlers: Handlers, payload: str) -> None:
    start = handlers.load(None, None, IP)
    shown = last(handlers.send(start.session_id, "en", payload, IP))
    mine = [m["content"] for m in shown.messages if m["role"] == "user"][-1]
    assert "<" not in mine and "](" not in mine and "![" not in mine
    assert "&lt;" in mine or "&#91;" in mine
    everything = " ".join(m["content"] for m in shown.messages) + shown.profile + shown.checklist
    assert "<script" not in everything and "<img" not in everything


def test_a_long_message_is_cut_and_read_and_an_empty_one_changes_nothing(handlers: Handlers) -> None:
    start = handlers.load(None, None, IP)
    assert last(handlers.send(start.session_id, "en", "   ", IP)).messages == start.messages
    read = last(handlers.send(start.session_id, "en", "We sell to consumers. " + "x" * 300, IP))
    bot = [m["content"] for m in read.messages if m["role"] == "assistant"][-1]
    assert "322 characters; I read the first 200" in bot and "consumers (B2C)" in bot


def test_a_whole_interview_ends_with_the_audit_and_its_downloads(handlers: Handlers) -> None:
    done = finish(handlers, handlers.load(None, None, IP))
    assert done.done and not done.quick and done.audit.startswith("#")
    assert set(done.downloads) == {"pdf", "md", "html", "json"}
    assert done.downloads["pdf"].read_bytes().startswith(b"%PDF")
    assert done.downloads["json"].parent.name == done.session_id
    assert "(answered)" in done.checklist


def test_an_afrikaans_interview_ends_with_an_audit_in_english(handlers: Handlers) -> None:
    """The audit is not written in Afrikaans: an Afrikaans owner gets it in English, not an error."""
    done = finish(handlers, handlers.load(None, "af", IP))
    assert done.done and done.lang == "af" and done.audit.startswith("# Channel audit")
    assert done.downloads["pdf"].read_bytes().startswith(b"%PDF")


def test_switching_language_relabels_and_reasks(handlers: Handlers) -> None:
    start = handlers.load(None, None, IP)
    swedish = handlers.switch_lang(start.session_id, "sv", IP)
    assert swedish.lang == "sv" and swedish.quick and swedish.quick != start.quick
    assert swedish.messages[0]["content"] == "Välkommen"
    assert "saknas" in swedish.checklist and "Inget noterat ännu." in swedish.profile


def test_the_language_selector_firing_twice_asks_the_open_question_once(handlers: Handlers) -> None:
    """Gradio's dropdown sends its ``input`` event on the choice and again on the blur after it."""
    start = handlers.load(None, None, IP)
    once = handlers.switch_lang(start.session_id, "sv", IP)
    twice = handlers.switch_lang(start.session_id, "sv", IP)
    assert len(once.messages) == len(start.messages) + 1 and twice.messages == once.messages
    assert handlers.load(start.session_id, None, IP).messages == once.messages  # and after a reload


def test_an_edit_from_the_side_panel_updates_the_profile(handlers: Handlers) -> None:
    start = handlers.load(None, None, IP)
    assert ("time for social media", "resources.hours_per_week") in start.edit_choices
    saved = handlers.edit(start.session_id, "resources.hours_per_week", "about 6 hours a week", IP)
    assert saved.notice == "Saved: time for social media is now 6\u00a0h a week."
    assert "6\u00a0h a week" in saved.profile and "(answered)" in saved.checklist
    unreadable = handlers.edit(start.session_id, "resources.hours_per_week", "purple", IP)
    assert unreadable.notice == "“purple” could not be read as time for social media; try other words."


def test_a_lead_is_stored_only_with_consent(handlers: Handlers) -> None:
    start = handlers.load(None, None, IP)
    leads = Path(handlers.service.leads.path)  # type: ignore[attr-defined]
    before = leads.read_text(encoding="utf-8") if leads.exists() else ""
    refused = handlers.lead(start.session_id, "Ann", "ann@example.com", "", False, IP)
    assert "consent" in refused.lead_status
    assert (leads.read_text(encoding="utf-8") if leads.exists() else "") == before
    assert "e-mail" in handlers.lead(start.session_id, "Ann", "not-an-address", "", True, IP).lead_status
    stored = handlers.lead(start.session_id, "Ann", "ann@example.com", "", True, IP)
    assert "Thank you" in stored.lead_status and start.session_id in leads.read_text(encoding="utf-8")


def test_the_business_name_given_names_every_download(handlers: Handlers) -> None:
    from datetime import UTC, datetime

    done = finish(handlers, handlers.load(None, None, IP))
    today = datetime.now(UTC).date().isoformat()
    assert {p.name for p in done.downloads.values()} == {f"audit-{today}.{ext}" for ext in done.downloads}
    named = handlers.business(done.session_id, "Café Ängen AB", IP)
    assert named.business == "Café Ängen AB"
    assert {fmt: p.name for fmt, p in named.downloads.items()} == {
        fmt: f"audit-cafe-angen-ab-{today}.{fmt}" for fmt in ("pdf", "md", "html", "json")}
    assert handlers.load(done.session_id, None, IP).downloads == named.downloads  # kept for a reload


def test_delete_forgets_everything_and_starts_afresh(handlers: Handlers) -> None:
    done = finish(handlers, handlers.load(None, None, IP))
    handlers.lead(done.session_id, "Ann", "ann@example.com", "", True, IP)
    folder = done.downloads["pdf"].parent
    fresh = handlers.delete(done.session_id, "en", IP)
    assert fresh.session_id != done.session_id and "deleted" in fresh.notice
    assert not handlers.service.exists(done.session_id) and not folder.exists()
    leads = Path(handlers.service.leads.path)  # type: ignore[attr-defined]
    assert done.session_id not in leads.read_text(encoding="utf-8")


def test_too_many_new_sessions_from_one_address_get_a_notice(tmp_path: Path, bundled_retriever: Any) -> None:
    the_brand = brand(limits={"sessions_per_hour_per_ip": 1})
    service = build_service(Settings(home=tmp_path), the_brand, Parts(retriever=bundled_retriever))
    h = Handlers(service, the_brand, load_policy())
    assert h.load(None, None, IP).session_id
    refused = h.load(None, None, IP)
    assert refused.session_id == "" and "wait" in refused.notice and not refused.quick
    assert h.load(None, None, "192.0.2.99").session_id
