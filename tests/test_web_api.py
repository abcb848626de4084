"""The JSON API over the real interview, audit and bundled index: sessions, keys, limits, headers."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from bot.citations import cite, quote_gloss
from bot.web.api import CitationOut
from tests.web_kit import KEY, brand, make_app

AUTH = {"Authorization": f"Bearer {KEY}"}
ALLOWED = "https://consultant.example"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, bundled_retriever: Any) -> Any:
    return make_app(tmp_path_factory.mktemp("api-home"), bundled_retriever,
                    brand(allowed_origins=[ALLOWED], limits={"max_message_chars": 300}))


@pytest.fixture(scope="module")
def client(app: Any) -> TestClient:
    return TestClient(app)


def finish(client: TestClient, session_id: str, reply: dict[str, Any]) -> dict[str, Any]:
    """Answer with the first quick reply until the interview is done."""
    for _ in range(30):
        if reply["done"]:
            return reply
        answer = reply["quick_replies"][0] if reply["quick_replies"] else "skip"
        res = client.post(f"/api/v1/sessions/{session_id}/messages", json={"text": answer}, headers=AUTH)
        assert res.status_code == 200, res.text
        reply = res.json()
    raise AssertionError("the interview did not end within 30 turns")


def test_a_whole_interview_then_the_audit_in_every_format_then_deletion(client: TestClient) -> None:
    res = client.post("/api/v1/sessions", json={"lang": "sv"}, headers=AUTH)
    assert res.status_code == 201
    session_id, first = res.json()["session_id"], res.json()["reply"]
    assert first["lang"] == "sv" and first["question"] and first["quick_replies"] and not first["done"]
    assert all(c["quote"] and c["source"] for c in first["citations"])

    early = client.get(f"/api/v1/sessions/{session_id}/audit", headers=AUTH)
    assert early.status_code == 409 and "not finished" in early.json()["detail"]

    last = finish(client, session_id, first)
    state = client.get(f"/api/v1/sessions/{session_id}", headers=AUTH).json()
    assert state["done"] and state["lang"] == "sv" and state["session_id"] == session_id
    assert any(item["status"] == "answered" for item in state["checklist"])
    users = [t["text"] for t in state["state"]["transcript"] if t["role"] == "user"]
    assert users and last["done"]

    audit = client.get(f"/api/v1/sessions/{session_id}/audit", headers=AUTH)
    assert audit.status_code == 200 and audit.headers["content-type"].startswith("application/json")
    assert audit.json()["schema"] == "social-audit/audit"
    pdf = client.get(f"/api/v1/sessions/{session_id}/audit?format=pdf", headers=AUTH)
    assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    today = datetime.now(UTC).date().isoformat()
    assert f'filename="audit-{today}.pdf"' in pdf.headers["content-disposition"]
    named = client.get(f"/api/v1/sessions/{session_id}/audit",
                       params={"format": "md", "business": "Bäck & Co"}, headers=AUTH)
    assert f'filename="audit-back-co-{today}.md"' in named.headers["content-disposition"]
    md = client.get(f"/api/v1/sessions/{session_id}/audit", params={"format": "md"}, headers=AUTH)
    assert md.text.startswith("#") and md.headers["content-type"].startswith("text/markdown")
    page = client.get(f"/api/v1/sessions/{session_id}/audit?format=html", headers=AUTH)
    assert "<html" in page.text.lower() and "sandbox" in page.headers["content-security-policy"]
    assert client.get(f"/api/v1/sessions/{session_id}/audit?format=docx", headers=AUTH).status_code == 422

    assert client.delete(f"/api/v1/sessions/{session_id}", headers=AUTH).status_code == 204
    assert client.get(f"/api/v1/sessions/{session_id}", headers=AUTH).status_code == 404
    assert client.delete(f"/api/v1/sessions/{session_id}", headers=AUTH).status_code == 404


def test_language_edits_and_leads(client: TestClient, app: Any) -> None:
    session_id = client.post("/api/v1/sessions", headers=AUTH).json()["session_id"]
    switched = client.post(f"/api/v1/sessions/{session_id}/lang", json={"lang": "fi"}, headers=AUTH)
    assert switched.status_code == 200 and switched.json()["lang"] == "fi"
    assert client.post(f"/api/v1/sessions/{session_id}/lang", json={"lang": "xx"},
                       headers=AUTH).status_code == 422

    edit = {"path": "resources.hours_per_week", "answer": "5 tuntia viikossa"}
    edited = client.post(f"/api/v1/sessions/{session_id}/edits", json=edit, headers=AUTH)
    assert edited.status_code == 200
    assert edited.json()["state"]["profile"]["fields"]["resources.hours_per_week"]["value"] == 5

    lead = {"name": "Ann", "email": "ann@example.com", "consent_text": "I agree", "consent": False}
    refused = client.post(f"/api/v1/sessions/{session_id}/leads", json=lead, headers=AUTH)
    assert refused.status_code == 422 and "consent" in refused.json()["detail"]
    leads_file = Path(app.state.service.leads.path)
    assert not leads_file.exists()
    stored = client.post(f"/api/v1/sessions/{session_id}/leads", json={**lead, "consent": True}, headers=AUTH)
    assert stored.status_code == 201
    assert json.loads(leads_file.read_text(encoding="utf-8").splitlines()[-1])["session_id"] == session_id
    client.delete(f"/api/v1/sessions/{session_id}", headers=AUTH)
    assert session_id not in leads_file.read_text(encoding="utf-8")


def test_unknown_sessions_and_bad_bodies(client: TestClient) -> None:
    assert client.get("/api/v1/sessions/nope", headers=AUTH).status_code == 404
    res = client.post("/api/v1/sessions/nope/messages", json={"text": "hi"}, headers=AUTH)
    assert res.status_code == 404 and "no session" in res.json()["detail"]
    session_id = client.post("/api/v1/sessions", headers=AUTH).json()["session_id"]
    url = f"/api/v1/sessions/{session_id}/messages"
    for body in ({}, {"text": ""}, {"text": "hi", "extra": 1}, {"text": 5}):
        assert client.post(url, json=body, headers=AUTH).status_code == 422


@pytest.mark.parametrize("headers, status", [
    ({}, 401), ({"Authorization": "Bearer wrong-key-000000000000"}, 401), ({"X-API-Key": KEY}, 201),
    (AUTH, 201), ({"Authorization": f"Basic {KEY}"}, 401)])
def test_api_keys(client: TestClient, headers: dict[str, str], status: int) -> None:
    res = client.post("/api/v1/sessions", headers=headers)
    assert res.status_code == status
    if status == 401:
        assert res.headers["www-authenticate"] == "Bearer" and "key" in res.json()["detail"]


def test_without_keys_the_api_is_closed_unless_opened_for_loopback(
        tmp_path: Path, bundled_retriever: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIAL_AUDIT_API_KEYS", raising=False)
    closed = TestClient(make_app(tmp_path / "a", bundled_retriever, brand(api={})))
    res = closed.post("/api/v1/sessions")
    assert res.status_code == 403 and "SOCIAL_AUDIT_API_KEYS" in res.json()["detail"]
    opened = make_app(tmp_path / "b", bundled_retriever, brand(api={"open_local": True}))
    assert TestClient(opened, client=("127.0.0.1", 5000)).post("/api/v1/sessions").status_code == 201
    assert TestClient(opened, client=("192.0.2.7", 5000)).post("/api/v1/sessions").status_code == 403


def test_health_and_schema_need_no_key(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/v1/sessions", "/api/v1/sessions/{session_id}/messages", "/api/v1/sessions/{session_id}",
            "/api/v1/sessions/{session_id}/audit"} <= set(paths)
    assert set(paths["/api/v1/sessions/{session_id}"]) == {"get", "delete"}
    assert "MessageIn" in schema["components"]["schemas"]


def test_message_size_limit(client: TestClient) -> None:
    session_id = client.post("/api/v1/sessions", headers=AUTH).json()["session_id"]
    url = f"/api/v1/sessions/{session_id}/messages"
    assert client.post(url, json={"text": "x" * 300}, headers=AUTH).status_code == 200
    res = client.post(url, json={"text": "We sell to consumers. " + "x" * 1000}, headers=AUTH)  # cut
    assert res.status_code == 200 and res.json()["text"].startswith(
        "Your message had 1,022 characters; I read the first 300.")
    huge = client.post(url, content=json.dumps({"text": "x" * 10_000}), headers={**AUTH,
                       "Content-Type": "application/json"})
    assert huge.status_code == 413

    def chunks() -> Any:
        yield b'{"text": "'
        for _ in range(20):
            yield b"x" * 1000
        yield b'"}'

    streamed = client.post(url, content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_rate_limits_per_session_and_per_address(tmp_path: Path, bundled_retriever: Any) -> None:
    limits = {"messages_per_minute_per_session": 2, "requests_per_minute_per_ip": 8,
              "sessions_per_hour_per_ip": 3}
    tight = make_app(tmp_path, bundled_retriever, brand(limits=limits))
    one = TestClient(tight, client=("192.0.2.1", 1))
    sid = one.post("/api/v1/sessions", headers=AUTH).json()["session_id"]
    url = f"/api/v1/sessions/{sid}/messages"
    statuses = [one.post(url, json={"text": "Both"}, headers=AUTH).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = one.post(url, json={"text": "Both"}, headers=AUTH)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert "wait" in limited.json()["detail"]
    other = one.post("/api/v1/sessions", headers=AUTH).json()["session_id"]
    other_url = f"/api/v1/sessions/{other}/messages"
    assert one.post(other_url, json={"text": "Both"}, headers=AUTH).status_code == 200
    assert one.post("/api/v1/sessions", headers=AUTH).status_code == 201
    assert one.post("/api/v1/sessions", headers=AUTH).status_code == 429  # the 4th session this hour
    statuses = [one.post(other_url, json={"text": "x"}, headers=AUTH).status_code for _ in range(3)]
    assert statuses[-1] == 429  # 8 requests a minute from this address are used up
    two = TestClient(tight, client=("192.0.2.2", 1))
    assert two.post("/api/v1/sessions", headers=AUTH).status_code == 201


def test_cors_only_for_allowed_origins(client: TestClient) -> None:
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    ok = client.options("/api/v1/sessions", headers={"Origin": ALLOWED, **preflight})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == ALLOWED
    assert "authorization" in ok.headers["access-control-allow-headers"].lower()
    bad = client.options("/api/v1/sessions", headers={"Origin": "https://evil.example", **preflight})
    assert bad.status_code == 400 and "access-control-allow-origin" not in bad.headers
    simple = client.get("/healthz", headers={"Origin": ALLOWED})
    assert simple.headers["access-control-allow-origin"] == ALLOWED
    assert "access-control-allow-origin" not in client.get("/healthz", headers={"Origin": "https://evil.example"}).headers


def test_csp_lets_only_allowed_origins_frame_the_embed(client: TestClient) -> None:
    embed = client.get("/embed/")
    assert embed.status_code == 200 and "<html" in embed.text.lower()
    assert f"frame-ancestors 'self' {ALLOWED};" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    page = client.get("/")
    assert "frame-ancestors 'self';" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert page.headers["x-content-type-options"] == "nosniff"
    api = client.get("/api/v1/sessions/nope", headers=AUTH)
    assert "frame-ancestors 'self';" in api.headers["content-security-policy"]


def test_api_paths_answer_405_and_404_themselves_not_the_page(client: TestClient) -> None:
    """Found by schemathesis: the page mounted at / answered wrong methods and unknown API paths."""
    wrong = client.put("/api/v1/sessions", headers=AUTH)
    assert wrong.status_code == 405 and wrong.headers["allow"] == "POST" and "POST" in wrong.json()["detail"]
    assert client.patch("/api/v1/sessions/x", headers=AUTH).headers["allow"] == "DELETE, GET"
    missing = client.get("/api/v1/nothing-here", headers=AUTH)
    assert missing.status_code == 404 and "/api/v1/docs" in missing.json()["detail"]


def test_validation_errors_are_one_line_like_every_other_error(client: TestClient) -> None:
    session_id = client.post("/api/v1/sessions", headers=AUTH).json()["session_id"]
    res = client.post(f"/api/v1/sessions/{session_id}/messages", json={"text": 5, "x\ny": 1}, headers=AUTH)
    detail = res.json()["detail"]
    assert res.status_code == 422 and isinstance(detail, str) and "\n" not in detail and "text" in detail
    assert client.post("/api/v1/sessions", content=b"\xff{", headers={
        **AUTH, "Content-Type": "application/json"}).status_code == 400


def test_a_right_key_next_to_a_wrong_or_empty_bearer_is_refused(client: TestClient) -> None:
    for bearer in ("Bearer ", "Bearer wrong-key-000000000000"):
        res = client.post("/api/v1/sessions", headers={"X-API-Key": KEY, "Authorization": bearer})
        assert res.status_code == 401, bearer
    assert client.post("/api/v1/sessions", headers={"X-API-Key": KEY, "Authorization": "Basic eDp5"}
                       ).status_code == 201  # a proxy's Basic auth is not a key of this API


def test_edits_that_cannot_be_read_are_422_not_400(client: TestClient) -> None:
    session_id = client.post("/api/v1/sessions", headers=AUTH).json()["session_id"]
    url = f"/api/v1/sessions/{session_id}/edits"
    unreadable = client.post(url, json={"path": "resources.hours_per_week", "answer": "purple"}, headers=AUTH)
    assert unreadable.status_code == 422 and "could not read" in unreadable.json()["detail"]
    assert client.post(url, json={"path": "no.such", "answer": "5"}, headers=AUTH).status_code == 422


def test_the_schema_declares_the_errors_and_the_key(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert {"APIKeyHeader", "HTTPBearer"} <= set(schema["components"]["securitySchemes"])
    messages = schema["paths"]["/api/v1/sessions/{session_id}/messages"]["post"]
    assert {"401", "403", "404", "413", "422", "429", "503"} <= set(messages["responses"])
    assert messages["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"}
    lang = schema["components"]["schemas"]["LangIn"]["properties"]["lang"]
    assert lang["enum"] == ["en", "sv", "da", "nb", "fi", "de", "af"]


def test_api_citations_say_who_wrote_the_gloss_and_follow_the_schema(
        client: TestClient, bundled_retriever: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    model = schema["components"]["schemas"]["CitationOut"]
    assert "gloss_source" in model["required"]
    assert model["properties"]["gloss_source"]["enum"] == ["curated", "llm", ""]
    validator = jsonschema.Draft202012Validator({**model, "components": schema["components"]})

    session = client.post("/api/v1/sessions", json={"lang": "en"}, headers=AUTH).json()["session_id"]
    res = client.post(f"/api/v1/sessions/{session}/messages",
                      json={"text": "Should we delete angry comments on our page?"}, headers=AUTH)
    cited = res.json()["citations"]
    assert res.status_code == 200 and cited, res.text
    for c in cited:
        validator.validate(c)
        assert c["gloss_source"] == ("curated" if c["gloss"] else "")  # the bundled corpus is curated
    glossed = next(c for c in cited if c["gloss"])
    chunk = bundled_retriever.chunk(glossed["chunk_id"])
    assert glossed["quote"] != chunk.text and glossed["gloss"] != chunk.gloss  # one sentence of four:
    assert glossed["gloss"] == quote_gloss(chunk, glossed["quote"])  # the English of that sentence
    machine = replace(chunk, gloss_source="llm")
    out = CitationOut.of(cite(machine, glossed["quote"])).model_dump(mode="json")
    validator.validate(out)
    assert out["gloss_source"] == "llm" and out["gloss"] == chunk.gloss  # a machine gloss is never cut
    client.delete(f"/api/v1/sessions/{session}", headers=AUTH)
