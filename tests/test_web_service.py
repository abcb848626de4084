"""The service the page and the API share: limits in front, one audit per profile, deletion."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.web.app import Parts, build_service
from bot.web.limits import MessageTooLongError
from bot.web.service import FORMATS, AuditNotReadyError, BadLanguageError, SessionNotFoundError, WebService
from tests.web_kit import brand

IP = "192.0.2.20"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, bundled_retriever: Any) -> WebService:
    settings = Settings(home=tmp_path_factory.mktemp("service-home"))
    the_brand = brand(limits={"max_message_chars": 100})
    return build_service(settings, the_brand, Parts(retriever=bundled_retriever))


def finished(service: WebService) -> str:
    session_id, reply = service.start(IP, "da")
    for _ in range(30):
        if reply.done:
            return session_id
        reply = service.send(session_id, reply.quick_replies[0] if reply.quick_replies else "skip", IP)
    raise AssertionError("the interview did not end")


def test_the_audit_is_built_once_per_profile_and_rendered_once_per_format(service: WebService) -> None:
    session_id = finished(service)
    calls: list[str] = []
    real = service.build_audit
    service.build_audit = lambda state: (calls.append(state.lang), real(state))[1]  # type: ignore[assignment]
    try:
        pdf = service.rendered(session_id, "pdf")
        assert pdf.startswith(b"%PDF") and service.rendered(session_id, "pdf") is pdf
        assert service.audit(session_id) is service.audit(session_id)
        assert calls == ["da"]
        service.edit(session_id, "resources.hours_per_week", "12 timer om ugen", IP)
        assert service.state(session_id).done
        assert service.rendered(session_id, "md") and calls == ["da", "da"]
    finally:
        service.build_audit = real  # type: ignore[method-assign]
    path = service.export(session_id, "json")
    today = datetime.now(UTC).date().isoformat()
    assert path == service.exports / session_id / f"audit-{today}.json" and path.read_bytes().startswith(b"{")


def test_the_files_are_named_by_the_business_and_the_day(service: WebService) -> None:
    session_id = finished(service)
    today = datetime.now(UTC).date().isoformat()
    plain = {fmt: service.export(session_id, fmt) for fmt in FORMATS}
    assert {p.name for p in plain.values()} == {f"audit-{today}.{ext}" for ext in FORMATS}
    service.set_business(session_id, "  Café Ängen &  Bjørn AB ")
    assert service.business(session_id) == "Café Ängen & Bjørn AB"
    for fmt, old in plain.items():
        path = service.export(session_id, fmt)
        assert path.name == f"audit-cafe-angen-bjorn-ab-{today}.{fmt}" and not old.exists()
        assert path.read_bytes() == service.rendered(session_id, fmt)
    service.set_business(session_id, "../../etc/passwd")
    assert service.export(session_id, "pdf").name == f"audit-etc-passwd-{today}.pdf"
    assert sorted(p.name for p in service.export(session_id, "pdf").parent.glob("*.pdf")) == \
        [f"audit-etc-passwd-{today}.pdf"]
    service.set_business(session_id, "")
    assert service.export(session_id, "md").name == f"audit-{today}.md"


def test_errors_are_domain_errors(service: WebService) -> None:
    with pytest.raises(SessionNotFoundError):
        service.state("nope")
    with pytest.raises(BadLanguageError):
        service.start(IP, "xx")
    session_id, _ = service.start(IP, "en")
    with pytest.raises(AuditNotReadyError):
        service.audit(session_id)
    with pytest.raises(MessageTooLongError):  # an edit is one field's answer: refused, not cut
        service.edit(session_id, "resources.hours_per_week", "5" * 101, IP)
    assert service.send(session_id, "x" * 101, IP).text.startswith("Your message had 101 characters")
    with pytest.raises(SessionNotFoundError):
        service.export("../../etc", "pdf")
    assert not service.exists(None) and not service.exists("") and service.exists(session_id)


def test_delete_removes_the_session_and_its_files(service: WebService) -> None:
    session_id = finished(service)
    folder: Path = service.export(session_id, "pdf").parent
    service.delete(session_id)
    assert not folder.exists() and not service.exists(session_id)
    with pytest.raises(SessionNotFoundError):
        service.delete(session_id)


@pytest.mark.postgres
def test_a_deletion_through_one_process_reaches_what_another_one_holds(
        tmp_path: Path, pg_url: str, bundled_retriever: Any) -> None:
    """Two app processes (two homes) share one PostgreSQL: after A deletes a session, B's next sweep
    removes its export files and cached audit, and the lead B stored is gone at once."""
    from bot.web.leads import make_lead

    def app(name: str) -> WebService:
        settings = Settings(home=tmp_path / name, sessions_url=pg_url)
        return build_service(settings, brand(), Parts(retriever=bundled_retriever))

    a, b = app("a"), app("b")
    session_id, kept = finished(b), finished(b)
    for sid in (session_id, kept):
        b.export(sid, "pdf")
        b.add_lead(make_lead(sid, "Ann", "ann@example.com", True, "I agree", "da"), IP)
    pdf = b.file_name(session_id, "pdf")
    assert (b.exports / session_id / pdf).exists()
    a.delete(session_id)
    assert [lead.session_id for lead in b.leads.all()] == [kept]  # type: ignore[attr-defined]
    assert b.sweep() == [session_id]
    assert not (b.exports / session_id).exists() and (b.exports / kept / pdf).exists()
    assert session_id not in b._audits and b.sweep() == []
    with pytest.raises(SessionNotFoundError):
        b.rendered(session_id, "md")


def test_a_download_name_is_safe_ascii_and_short() -> None:
    from datetime import date

    from bot.web.filenames import SLUG_CHARS, download_name, slug

    day = date(2026, 12, 6)
    assert download_name("pdf", day, "Café Ängen & Co. AB") == "audit-cafe-angen-co-ab-2026-12-06.pdf"
    assert download_name("pdf", day, "Bjørn Ærø Straße") == "audit-bjorn-aero-strasse-2026-12-06.pdf"
    assert download_name("json", day, "東京") == download_name("json", day) == "audit-2026-12-06.json"
    assert slug('x"; rm -rf / <b>') == "x-rm-rf-b"
    long = slug("A very long business name that goes on and on and on forever AB")
    assert len(long) <= SLUG_CHARS and not long.endswith("-") and long.startswith("a-very-long")
