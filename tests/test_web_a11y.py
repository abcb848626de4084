"""What a screen reader meets on the page, in Debian's headless Chromium (issue 17, "Locale details" and
"Keyboard and screen reader"): every aria-label, title, placeholder and alt on the page and in the
embed (up to a finished audit with its lead form) is a label of bot/data/ui.yaml in the page's
language, or one of the exceptions named below,
Gradio's own parts of the chat included (the log, copy buttons, the scroll-down arrow, "Clear", the
waiting status), in a browser whose own language is another one, and after a language switch; and
the notice after "Delete this conversation" arrives in a polite live region that was on the page
before the click, so a screen reader reads it (each time).

Without /usr/bin/chromium these tests skip and say why (fail in CI, where ``$SOCIAL_AUDIT_REQUIRE``
names chromium).
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Any

import pytest

from bot.lang import codes
from bot.web.strings import language_name, t, table
from tests.test_web_browser import BOT_MESSAGES, choose_language, click_through, open_app, settle, users
from tests.web_kit import brand, live, make_app

pytestmark = pytest.mark.browser  # skips without chromium (tests/conftest.py)

PRODUCT = "Social Audit"
LABELLED = ("aria-label", "title", "placeholder", "alt")
# Every labelled element as [attribute, value, element]; a chat message's label is its role in the
# page's language and then its own text (checked apart: the text is the conversation's).
SAID = """() => [...document.querySelectorAll("*")].flatMap((el) =>
  __NAMES__.filter((name) => el.hasAttribute(name)).map((name) => [name, el.getAttribute(name),
    el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + String(el.className).split(" ")[0],
    el.matches("[data-testid=bot], [data-testid=user]") ? el.dataset.testid : ""]))""".replace(
    "__NAMES__", str(list(LABELLED)))


def words(lang: str) -> set[str]:
    """Every label bot/data/ui.yaml has in ``lang`` (those filled with values are never attributes)."""
    return {entry[lang] for entry in table().values()
            if not any(name for _, name, _, _ in string.Formatter().parse(entry[lang]))}


# The only words allowed in a label that are not the page's own: the brand's name (the document's
# title, a logo's alt) and the languages in the language menu, each written in itself ("English").
EXCEPTIONS = {PRODUCT} | {language_name(code) for code in codes("ui")}


def foreign(page: Any, lang: str) -> list[str]:
    """The labels on the page that are not in ``lang``: none is expected."""
    allowed = words(lang) | EXCEPTIONS
    roles = {"bot": t("bot_message", lang) + ": ", "user": t("user_message", lang) + ": "}
    out = []
    for name, value, where, message in page.evaluate(SAID):
        if message and not value.startswith(roles[message]):
            out.append(f"{where} {name}={value[:60]!r}")
        elif not message and value.strip() and value not in allowed:  # an empty one says nothing
            out.append(f"{where} {name}={value!r}")
    return out


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, bundled_retriever: Any) -> Iterator[str]:
    the_brand = brand(product_name=PRODUCT, call_to_action={"kind": "lead_form"})
    app = make_app(tmp_path_factory.mktemp("a11y-home"), bundled_retriever, the_brand)
    with live(app) as url:
        yield url



@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A browser that itself speaks Swedish: Gradio would label its own parts in Swedish."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE",
                                  permissions=["clipboard-read", "clipboard-write"])
    the_page = context.new_page()
    the_page.set_default_timeout(30_000)
    yield the_page
    context.close()


def gradio_parts(page: Any, lang: str) -> None:
    """Gradio's own parts of the chat are there, labelled in ``lang``, and its announcer is silent."""
    assert page.locator("#sa-chat [role=log]").get_attribute("aria-label") == t("chat_log", lang)
    copy = page.locator("#sa-chat .message-buttons button").last
    assert copy.get_attribute("aria-label") == copy.get_attribute("title") == t("copy_message", lang)
    assert page.locator("#sa-chat .top-panel button").get_attribute("title") == t("clear_chat", lang)
    announcer = page.locator("div.sr-only[role=status]")
    assert announcer.count() == 1 and announcer.get_attribute("aria-hidden") == "true"


def wait_labelled(page: Any, selector: str, label: str) -> None:
    page.wait_for_function("([sel, label]) => [...document.querySelectorAll(sel)].some((el) => "
                           "el.getAttribute('aria-label') === label)", arg=[selector, label])


def test_every_label_is_in_the_page_language_gradio_s_own_too_also_after_a_switch(
        page: Any, app_url: str) -> None:
    open_app(page, app_url + "/")
    page.wait_for_timeout(500)
    assert foreign(page, "en") == []  # not Gradio's Swedish: the page is English
    gradio_parts(page, "en")

    choose_language(page, "Svenska", "Skicka")
    wait_labelled(page, "#sa-chat [role=log]", t("chat_log", "sv"))
    page.wait_for_timeout(500)
    assert foreign(page, "sv") == []
    gradio_parts(page, "sv")

    copy = page.locator("#sa-chat .message-buttons button").last
    copy.click()  # "copied" for a moment, then "copy" again: both in Swedish
    wait_labelled(page, "#sa-chat .message-buttons button", t("copied_message", "sv"))
    assert foreign(page, "sv") == []
    page.wait_for_function("(label) => [...document.querySelectorAll('#sa-chat .message-buttons button')]"
                           ".every((b) => b.getAttribute('aria-label') === label)",
                           arg=t("copy_message", "sv"))

    page.evaluate("""() => { window.__waiting = []; new MutationObserver(() =>
      document.querySelectorAll("#sa-chat [role=log] [role=status]").forEach((s) =>
        window.__waiting.push(s.getAttribute("aria-label"), s.textContent.trim())))
      .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true}); }""")
    for _ in range(2):
        before = users(page)
        page.locator("#sa-quick-0").click()
        settle(page, before)
    waiting = set(page.evaluate("() => window.__waiting"))
    assert waiting == {t("loading_reply", "sv")}, waiting  # seen while the reply was on its way

    page.locator("#sa-chat [role=log]").evaluate("(log) => log.scrollTop = 0")
    wait_labelled(page, "#sa-chat .scroll-down-button-container button", t("scroll_down", "sv"))
    assert foreign(page, "sv") == []

    bots = page.locator(BOT_MESSAGES).count()
    choose_language(page, "Suomi", "Lähetä")
    page.wait_for_function(f"() => document.querySelectorAll(\"{BOT_MESSAGES}\").length > {bots}")
    wait_labelled(page, "#sa-chat [role=log]", t("chat_log", "fi"))
    page.wait_for_timeout(500)
    assert foreign(page, "fi") == []
    gradio_parts(page, "fi")
    assert page.locator("#sa-chat .scroll-down-button-container button").count() in (0, 1)

    open_app(page, app_url + "/embed/")  # the same session, in Finnish
    wait_labelled(page, "#sa-chat [role=log]", t("chat_log", "fi"))
    page.wait_for_timeout(500)
    assert foreign(page, "fi") == []
    gradio_parts(page, "fi")
    click_through(page)  # the audit, its downloads and the lead form
    page.wait_for_timeout(500)
    assert page.locator("#sa-lead-send").is_visible() and foreign(page, "fi") == []


# The page's live regions as Chromium exposes them to a screen reader: role, live, and the text.
def live_regions(page: Any) -> list[tuple[str, str, str]]:
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    by_id = {node["nodeId"]: node for node in nodes}

    def said(node: dict[str, Any]) -> str:
        if node.get("role", {}).get("value") == "StaticText":
            return str(node.get("name", {}).get("value", ""))
        return " ".join(said(by_id[kid]) for kid in node.get("childIds", []) if kid in by_id).strip()

    out = []
    for node in nodes:
        props = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        if props.get("live") in ("polite", "assertive"):
            out.append((node["role"]["value"], str(props["live"]), said(node)))
    cdp.detach()
    return out


def test_the_deleted_notice_is_read_out_from_a_polite_live_region_each_time(
        page: Any, app_url: str) -> None:
    open_app(page, app_url + "/")
    choose_language(page, "Svenska", "Skicka")
    before = users(page)
    page.locator("#sa-quick-0").click()
    settle(page, before)
    region = page.locator("#sa-notice [role=status]")
    assert region.get_attribute("aria-live") == "polite" and region.inner_text() == ""
    # Announced means: the words arrive in a live region that was already there (one that comes
    # with its words is not read by every screen reader).
    region.evaluate("""(r) => { window.__region = r; window.__said = [];
      new MutationObserver(() => window.__said.push(r.textContent))
        .observe(r, {subtree: true, childList: true, characterData: true}); }""")
    deleted = t("deleted", "sv")
    for times in (1, 2):  # the same words twice: read twice
        page.locator("#sa-delete").click()
        page.wait_for_function("([text, n]) => window.__said.filter((s) => s === text).length === n",
                               arg=[deleted, times])
        assert page.evaluate("() => window.__region === document.querySelector('#sa-notice [role=status]')")
        assert ("status", "polite", deleted) in live_regions(page)
        page.wait_for_function("() => document.querySelectorAll('#sa-chat [data-testid=user]').length === 0")
    assert page.evaluate("() => window.__said.filter((s) => s !== '')") == [deleted, deleted]
    regions = live_regions(page)  # Gradio's "Loading"/"common.complete" announcer is not among them
    assert {role for role, _, _ in regions} <= {"status", "log"}
    assert not [text for _, _, text in regions if "common." in text or text in ("Loading", "Complete")]
