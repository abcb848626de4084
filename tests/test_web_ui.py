"""The Gradio layer: a View becomes component updates; Gradio's own client API drives the real app
served on loopback (the browser tests are in test_web_browser.py)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest

from bot.web.handlers import View
from bot.web.strings import t
from bot.web.ui import QUICK_SLOTS, ROLE_WORDS, WebUI, browser_secret
from tests.web_kit import brand, live, make_app


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, bundled_retriever: Any) -> Any:
    app = make_app(tmp_path_factory.mktemp("ui-home"), bundled_retriever, brand())
    with live(app) as url:
        yield url


@pytest.fixture(scope="module")
def page() -> WebUI:
    ui = WebUI(handlers=None, brand=brand(call_to_action={"kind": "booking", "url": "https://cal.example/x",  # type: ignore[arg-type]
                                                           "label": {"sv": "Boka <tid>"}}), secret="s" * 20)
    ui.build()
    return ui


def test_a_view_becomes_updates(page: WebUI) -> None:
    view = View(session_id="abc", lang="sv", messages=[{"role": "user", "content": "hej"}],
                quick=("Ja", "Nej"), checklist="<ul></ul>", done=True, notice="<b>note</b>",
                downloads={"pdf": Path("/tmp/x.pdf")})
    out = page.apply(view)
    assert out[page.sid] == "abc" and out[page.chat]["value"] == view.messages
    assert [out[b]["visible"] for b in page.quick] == [True, True] + [False] * (QUICK_SLOTS - 2)
    assert out[page.quick[1]]["value"] == "Nej"
    assert out[page.notice]["value"] == "&lt;b&gt;note&lt;/b&gt;"
    assert out[page.audit_box]["visible"] is True and out[page.msg]["interactive"] is False
    assert out[page.downloads["pdf"]]["value"] == "/tmp/x.pdf" and out[page.downloads["md"]]["value"] is None
    assert out[page.send]["value"] == "Skicka" and out[page.lang]["label"] == "Språk"
    assert 'href="https://cal.example/x"' in out[page.cta_html]["value"]
    assert "Boka &lt;tid&gt;" in out[page.cta_html]["value"]


@pytest.mark.parametrize(("lang", "api", "bot", "user", "business"), [
    ("sv", "Använd via API", "Assistentens meddelande", "Ditt meddelande", "Företagets namn"),
    ("de", "Über die API nutzen", "Nachricht des Assistenten", "Ihre Nachricht", "Name Ihres Unternehmens"),
    ("af", "Gebruik via API", "Assistent se boodskap", "Jou boodskap", "Julle besigheid se naam"),
])
def test_the_footer_the_message_prefixes_and_the_business_box_are_in_the_page_language(
        page: WebUI, lang: str, api: str, bot: str, user: str, business: str) -> None:
    out = page.apply(View(session_id="abc", lang=lang, messages=[], done=True, business="Bäck & Co"))
    assert out[page.foot]["value"] == f'<footer class="sa-footer"><a href="api/v1/docs">{api}</a></footer>'
    roles = out[page.head]["value"]
    assert f'<span id="sa-roles" hidden lang="{lang}" data-bot="{bot}" data-user="{user}" ' in roles
    for name, key in ROLE_WORDS:  # the labels of Gradio's own parts of the chat too (layout.GRADIO_LABELS)
        assert f'data-{name}="{html.escape(t(key, lang))}"' in roles
    assert out[page.business]["label"].startswith(business) and out[page.business]["value"] == "Bäck & Co"


def test_the_embed_has_a_heading_in_its_language_and_no_footer() -> None:
    embed = WebUI(handlers=None, brand=brand(), secret="s" * 20)  # type: ignore[arg-type]
    embed.build(chrome=False)
    head = embed.apply(View(session_id="abc", lang="fi", messages=[]))[embed.head]["value"]
    assert head.startswith('<h1 class="sa-sr">') and "Haastattelu somekanavistanne</h1>" in head
    assert 'data-bot="Avustajan viesti"' in head and embed.foot.visible is False


def test_a_streaming_step_touches_only_the_chat(page: WebUI) -> None:
    out = page.apply(View(session_id="abc", lang="en", messages=[], partial=True, clear_input=True))
    assert set(out) == {page.sid, page.chat, page.msg, *page.quick}


def test_the_browser_secret_survives_a_restart(tmp_path: Path) -> None:
    first = browser_secret(tmp_path)
    assert len(first) >= 32 and browser_secret(tmp_path) == first
    assert (tmp_path / "web" / "browser_secret").stat().st_mode & 0o077 == 0


def value(output: Any) -> Any:
    """An output as the client returns it: the value itself, or an update dict holding it."""
    return output.get("value") if isinstance(output, dict) else output


def test_gradio_client_completes_an_interview_and_downloads_the_pdf(served: str, tmp_path: Path) -> None:
    from gradio_client import Client

    client = Client(served + "/", verbose=False, download_files=str(tmp_path))
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/resume", "/send", "/language", "/new_session", "/delete_session", "/edit"} <= set(endpoints)
    out = client.predict(None, api_name="/resume")
    session_id, chat = out[0], value(out[1])
    assert session_id and chat and chat[-1]["role"] == "assistant"
    out = client.predict("We sell to businesses (B2B)", session_id, "en", api_name="/send")
    assert out[0] == session_id and "Noted" in str(value(out[1])[-1])
    for _ in range(20):
        if value(out[8]):  # the PDF download button has a file once the interview is done
            break
        out = client.predict("skip", session_id, "en", api_name="/send")
    pdf = Path(value(out[8]))
    assert pdf.read_bytes().startswith(b"%PDF")
    fresh = client.predict(session_id, "en", api_name="/delete_session")
    assert fresh[0] != session_id
