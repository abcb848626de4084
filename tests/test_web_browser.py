"""The web app in a real browser: Debian's headless Chromium driven by Playwright, against the real
app on loopback. It completes interviews by clicking quick replies (English and Swedish), opens a
citation, downloads the PDF, resumes after a reload, proves that markup in a message runs nothing
and that an address typed in it is no link,
and loads the embed snippet from another origin (allowed) and from a third one (refused by CSP).

Screenshots go to ``reports/screenshots/`` (or ``$SOCIAL_AUDIT_SCREENSHOTS``); the path is printed.
CI installs ``chromium`` (.ci/run); without /usr/bin/chromium these tests skip and say why (in CI,
where ``$SOCIAL_AUDIT_REQUIRE`` names chromium, they fail: tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.web import ui
from tests.conftest import REPO
from tests.web_kit import brand, free_port, live, make_app, static_site

USER_MESSAGES = "#sa-chat [data-testid='user']"

pytestmark = pytest.mark.browser  # skips without chromium (tests/conftest.py)


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(os.environ.get("SOCIAL_AUDIT_SCREENSHOTS") or REPO / "reports" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The sample host page, pointed at the app, served from two other origins."""
    app_port = free_port()
    folder = tmp_path_factory.mktemp("host")
    for name in ("host.html", "host-webcomponent.html"):
        snippet = (REPO / "examples" / name).read_text(encoding="utf-8")
        assert "http://127.0.0.1:7860/embed/" in snippet
        (folder / name).write_text(snippet.replace("http://127.0.0.1:7860", f"http://127.0.0.1:{app_port}"),
                                   encoding="utf-8")
    with static_site(folder) as allowed, static_site(folder) as refused:
        yield {"app_port": app_port, "allowed": allowed, "refused": refused}


@pytest.fixture(scope="module")
def app_url(sites: dict[str, Any], tmp_path_factory: pytest.TempPathFactory,
            bundled_retriever: Any) -> Iterator[str]:
    the_brand = brand(allowed_origins=[sites["allowed"]], call_to_action={"kind": "lead_form"},
                      welcome={"en": "Welcome!", "sv": "Välkommen!"})
    app = make_app(tmp_path_factory.mktemp("browser-home"), bundled_retriever, the_brand)
    with live(app, sites["app_port"]) as url:
        yield url



@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    the_page = context.new_page()
    the_page.set_default_timeout(30_000)
    yield the_page
    context.close()


def users(page: Any) -> int:
    count: int = page.locator(USER_MESSAGES).count()
    return count


def settle(page: Any, before: int) -> None:
    """Wait until the turn after ``before`` user messages is fully shown (quick replies or audit)."""
    page.wait_for_function(f"() => document.querySelectorAll(\"{USER_MESSAGES}\").length > {before}")
    page.wait_for_selector("#sa-quick-0:visible, #sa-audit:visible")


def open_app(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#sa-quick-0", state="visible")


def click_through(page: Any) -> int:
    """Click the first quick reply until the audit shows; the number of answers given."""
    for turn in range(25):
        if page.locator("#sa-audit").is_visible():
            return turn
        before = users(page)
        page.locator("#sa-quick-0").click()
        settle(page, before)
        page.wait_for_timeout(300)
    raise AssertionError("the interview did not end after 25 quick replies")


def download_pdf(page: Any, folder: Path, name: str) -> Path:
    with page.expect_download() as info:
        page.locator("#sa-dl-pdf").click()
    path = folder / name
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF"), "the downloaded audit is not a PDF"
    return path


def test_an_english_interview_by_quick_replies_with_a_citation_and_the_pdf(
        page: Any, app_url: str, shots: Path) -> None:
    started = time.perf_counter()
    open_app(page, app_url + "/")
    citation = page.locator("#sa-chat details.sa-cite").first
    summary = citation.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")  # the marker opens from the keyboard
    assert citation.get_attribute("open") is not None
    passage = citation.locator("blockquote")
    assert passage.is_visible() and passage.get_attribute("lang") in ("sv", "da", "nb", "fi", "af")
    assert "English translation of the" in citation.inner_text() and summary.inner_text().startswith("[1]")
    assert "&#" not in page.locator("#sa-chat").inner_text()  # no character reference shows raw
    page.screenshot(path=shots / "en-1-citation.png", full_page=True)

    before = users(page)
    page.locator("#sa-quick-0").click()
    settle(page, before)
    page.reload()  # the session survives a reload
    page.wait_for_selector("#sa-quick-0", state="visible")
    page.wait_for_function(f"() => document.querySelectorAll(\"{USER_MESSAGES}\").length == {before + 1}")
    assert "(answered)" in page.locator("#sa-checklist").inner_text()

    answers = click_through(page)
    assert answers >= 3
    audit = page.locator("#sa-audit-text")
    assert audit.is_visible() and "[1]" in audit.inner_text()
    page.screenshot(path=shots / "en-2-audit.png", full_page=True)
    download_pdf(page, shots.parent, "audit-en.pdf")
    print(f"english interview in the browser: {time.perf_counter() - started:.1f} s, {answers + 1} answers")


def test_a_swedish_interview_switches_the_labels_too(page: Any, app_url: str, shots: Path) -> None:
    open_app(page, app_url + "/")
    english_first = page.locator("#sa-quick-0").inner_text()
    page.locator("#sa-lang input").click()
    page.locator("[role=option][aria-label='Svenska']").click()
    page.wait_for_function("() => document.querySelector('#sa-send').innerText.includes('Skicka')")
    page.wait_for_function(f"() => document.querySelector('#sa-quick-0').innerText !== {english_first!r}")
    assert page.evaluate("() => document.documentElement.lang") == "sv"
    assert "Intervjuns checklista" in page.locator("#sa-checklist").inner_text()
    assert page.get_by_label("Ditt svar").is_visible()
    click_through(page)
    assert "Ladda ner granskningen" in page.locator("#sa-audit").inner_text()
    page.screenshot(path=shots / "sv-audit.png", full_page=True)
    download_pdf(page, shots.parent, "audit-sv.pdf")


def test_markup_in_a_message_is_shown_as_text_and_runs_nothing(page: Any, app_url: str, shots: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_app(page, app_url + "/")
    payload = ('<script>window.__pwned = 1; alert("script")</script> '
               '<img src=x onerror="window.__pwned = 2; alert(\'img\')"> hello')
    before = users(page)
    box = page.locator("#sa-msg textarea")
    box.fill(payload)
    box.press("Enter")  # sending works from the keyboard
    settle(page, before)
    page.wait_for_timeout(1500)
    mine = page.locator(USER_MESSAGES).last.inner_text()
    assert "<script>" in mine and "<img src=x onerror=" in mine and "alert('img')" in mine
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#sa-chat img[src='x'], #sa-chat script").count() == 0
    assert dialogs == []
    page.screenshot(path=shots / "xss-as-text.png", full_page=True)


def test_an_address_typed_in_a_message_is_shown_as_typed_and_is_no_link(
        page: Any, app_url: str, shots: Path) -> None:
    """Issue 15: no owner-typed text becomes a clickable link (the chat renders Markdown, which
    would make links of bare addresses)."""
    open_app(page, app_url + "/")
    typed = ("Our shop is https://shop.example/sale?x=1 and www.shop.example, "
             "mail owner@shop.example, not [this](javascript:alert(1))")
    before = users(page)
    box = page.locator("#sa-msg textarea")
    box.fill(typed)
    box.press("Enter")
    settle(page, before)
    page.wait_for_timeout(1500)
    mine = page.locator(USER_MESSAGES).last
    assert mine.inner_text().strip() == typed
    assert mine.locator("a").count() == 0
    assert page.locator("#sa-chat a[href*='shop.example'], #sa-chat a[href^='mailto:'], "
                        "#sa-chat a[href^='javascript:']").count() == 0
    page.screenshot(path=shots / "address-as-text.png", full_page=True)


def test_an_address_in_an_answer_is_no_link_in_the_audit_on_the_page(
        page: Any, app_url: str, shots: Path) -> None:
    open_app(page, app_url + "/")
    before = users(page)
    box = page.locator("#sa-msg textarea")
    box.fill("Mostly households, they order at https://shop.example/sale or www.shop.example")
    box.press("Enter")
    settle(page, before)
    click_through(page)
    audit = page.locator("#sa-audit-text")
    assert "https://shop.example/sale" in audit.inner_text() and "www.shop.example" in audit.inner_text()
    assert page.locator("#sa-audit a[href*='shop.example']").count() == 0
    page.screenshot(path=shots / "address-in-audit.png", full_page=True)


def test_the_embed_snippet_renders_on_an_allowed_site_and_is_refused_elsewhere(
        page: Any, app_url: str, sites: dict[str, Any], shots: Path) -> None:
    refusals: list[str] = []
    page.on("console", lambda msg: refusals.append(msg.text) if "frame-ancestors" in msg.text else None)
    page.goto(sites["allowed"] + "/host.html")
    frame = page.frame_locator("iframe.audit-embed")
    frame.locator("#sa-quick-0").wait_for(state="visible")
    assert frame.locator("#sa-header .sa-header").count() == 0  # no header shown: a heading for readers only
    assert frame.locator("#sa-header h1.sa-sr").count() == 1
    page.screenshot(path=shots / "embed-allowed.png", full_page=True)
    assert refusals == []

    page.goto(sites["refused"] + "/host.html")
    deadline = time.monotonic() + 10
    while not refusals and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert refusals, "the browser did not refuse the embed on a site missing from allowed_origins"
    embedded = [f for f in page.frames if f is not page.main_frame]
    assert embedded and all(f.url.startswith("chrome-error://") or not f.query_selector("#sa-chat")
                            for f in embedded)
    page.screenshot(path=shots / "embed-refused.png", full_page=True)


def test_the_web_component_works_offline_on_an_allowed_site_only(
        page: Any, app_url: str, sites: dict[str, Any], shots: Path) -> None:
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith(
        ("http://127.0.0.1:", "data:", "blob:")) else None)
    page.goto(sites["allowed"] + "/host-webcomponent.html")
    component = page.locator("gradio-app")
    component.locator("#sa-quick-0").wait_for(state="visible")
    before = component.locator("[data-testid='user']").count()
    component.locator("#sa-quick-0").click()
    selector = "gradio-app [data-testid='user']"
    page.wait_for_function(f"() => document.querySelectorAll({selector!r}).length > {before}")
    page.screenshot(path=shots / "webcomponent-allowed.png", full_page=True)
    assert outside == [], f"the web component fetched from outside: {outside}"

    blocked: list[str] = []
    page.on("console", lambda msg: blocked.append(msg.text) if "CORS" in msg.text else None)
    page.goto(sites["refused"] + "/host-webcomponent.html")
    page.wait_for_timeout(3000)
    assert page.locator("gradio-app #sa-chat").count() == 0 and blocked


def test_a_damaged_index_shows_one_line_naming_the_repair_not_a_traceback(
        page: Any, bundled_store: Any, bundled_settings: Any, embedder: Any, tmp_path: Path,
        shots: Path) -> None:
    from bot.retrieval.retrieve import Retriever
    from bot.retrieval.store import open_store
    from tests.test_web_store_down import copy_index, lose_vectors

    settings = copy_index(bundled_settings, tmp_path / "damaged")
    lose_vectors(settings)
    app = make_app(tmp_path / "web", Retriever(open_store(settings), embedder), brand())
    with live(app) as url:
        page.goto(url + "/")
        notice = page.locator("#sa-notice")
        notice.get_by_text("social-audit ingest --rebuild").wait_for()
        assert "knowledge base cannot be read" in notice.inner_text()
        body = page.content()
        assert "Traceback" not in body and str(tmp_path) not in body and "InternalError" not in body
        assert page.locator(".toast-body").count() == 0  # Gradio's error pop-up never appeared
        page.screenshot(path=shots / "damaged-index.png", full_page=True)


BOT_MESSAGES = "#sa-chat [data-testid='bot']"


def holding(page: Any, words: str) -> int:
    """How many bot messages hold ``words``."""
    texts: list[str] = page.locator(BOT_MESSAGES).all_inner_texts()
    return sum(1 for shown in texts if words in shown)


def choose_language(page: Any, name: str, send_label: str) -> None:
    page.locator("#sa-lang input").click()
    page.locator(f"[role=option][aria-label={name!r}]").click()
    page.wait_for_function(f"() => document.querySelector('#sa-send').innerText.includes({send_label!r})")


def test_a_language_switch_shows_the_open_question_once_in_the_new_language(
        page: Any, app_url: str, shots: Path) -> None:
    from bot.interview.policy import load as load_policy
    from bot.profile import Profile

    first = load_policy().next_question(Profile(), ())
    assert first is not None
    asked = {lang: first.ask(Profile(), lang)[:40] for lang in ("en", "sv", "da")}
    open_app(page, app_url + "/")
    assert holding(page, asked["en"]) == 1
    bots = page.locator(BOT_MESSAGES).count()
    for n, (name, lang, send) in enumerate((("Svenska", "sv", "Skicka"), ("Dansk", "da", "Send")), 1):
        choose_language(page, name, send)
        page.wait_for_function(f"() => document.querySelectorAll(\"{BOT_MESSAGES}\").length > {bots + n - 1}")
        page.wait_for_timeout(1500)  # a second copy, if any, would have come by now
        assert page.locator(BOT_MESSAGES).count() == bots + n
        assert holding(page, asked[lang]) == 1, f"the open question is not shown once in {name}"
    page.reload()
    page.wait_for_selector("#sa-quick-0", state="visible")
    page.wait_for_timeout(1000)
    assert page.locator(BOT_MESSAGES).count() == bots + 2
    assert [holding(page, asked[lang]) for lang in ("en", "sv", "da")] == [1, 1, 1]
    page.screenshot(path=shots / "language-switched-twice.png", full_page=True)



def labels(page: Any) -> list[str]:
    found: list[str] = page.evaluate(
        "() => [...document.querySelectorAll('[aria-label]')].map((e) => e.getAttribute('aria-label'))")
    return found


def test_every_aria_label_is_plain_text(page: Any, app_url: str) -> None:
    open_app(page, app_url + "/")
    before = users(page)
    page.locator("#sa-quick-0").click()
    settle(page, before)
    page.locator("#sa-chat details.sa-cite summary").last.click()  # an open passage changes nothing
    page.wait_for_timeout(500)
    bots = [label for label in labels(page) if label.startswith("Assistant's message: ")]
    assert len(bots) == page.locator(BOT_MESSAGES).count() >= 3
    articles = page.locator(f"{BOT_MESSAGES}[role=article], {USER_MESSAGES}[role=article]")
    assert articles.count() == len(bots) + 1  # a label on a bare div is not allowed by ARIA
    assert [label for label in labels(page) if "<" in label or ">" in label] == []
    last = page.locator(BOT_MESSAGES).last.inner_text().split("\n")[0]
    assert bots[-1].startswith("Assistant's message: " + last[:40]) and "&#" not in bots[-1]
    assert all(len(label) <= len("Assistant's message: ") + ui.LABEL_CHARS + 1 for label in bots)


def test_the_footer_and_what_a_screen_reader_says_before_a_message_follow_the_language(
        page: Any, app_url: str, shots: Path) -> None:
    open_app(page, app_url + "/")
    assert page.locator("footer", has_text="Use via API").count() == 1  # the page's own footer only
    choose_language(page, "Svenska", "Skicka")
    page.wait_for_function("() => document.querySelector('#sa-footer').innerText.includes('Använd via API')")
    page.wait_for_timeout(500)
    assert page.evaluate("() => document.documentElement.lang") == "sv"
    body = page.locator("body").inner_text()
    assert "Use via API" not in body and "Built with Gradio" not in body
    link = page.locator("#sa-footer a")
    assert link.evaluate("(a) => new URL(a.href).pathname") == "/api/v1/docs"
    said = labels(page)
    bots = [label for label in said if label.startswith("Assistentens meddelande: ")]
    assert len(bots) == page.locator(BOT_MESSAGES).count() >= 2
    assert not [label for label in said if label.startswith(("bot's message", "user's message"))]
    before = users(page)
    page.locator("#sa-quick-0").click()
    settle(page, before)
    page.wait_for_timeout(500)
    assert [label for label in labels(page) if label.startswith("Ditt meddelande: ")]
    page.screenshot(path=shots / "sv-footer-and-labels.png", full_page=True)
    open_app(page, app_url + "/embed/")
    heading = page.locator("h1")
    assert heading.count() == 1 and heading.inner_text().endswith("Intervju om era sociala medier")  # resumed
    assert heading.bounding_box()["width"] <= 1  # for screen readers only: the embed shows no header
    assert page.locator("footer").count() == 0


def axe(page: Any, folder: Path, name: str) -> list[str]:
    """axe-core's findings on the page as it is, written to ``folder/name.json``; the serious and
    critical ones as one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations", "incomplete"]}).response
    (folder / f"{name}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return [f"{name}: {v['id']} ({v['impact']}) {v['help']}: {[n['target'] for n in v['nodes']]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def test_axe_finds_nothing_serious_on_the_page_the_embed_and_an_audit(
        page: Any, app_url: str, shots: Path) -> None:
    folder = shots.parent / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\naxe results: {folder}")
    open_app(page, app_url + "/")
    found = axe(page, folder, "page")
    open_app(page, app_url + "/embed/")
    found += axe(page, folder, "embed")
    open_app(page, app_url + "/")
    click_through(page)
    page.locator("#sa-chat details.sa-cite summary").last.click()  # an open passage too
    found += axe(page, folder, "audit")
    assert found == []
