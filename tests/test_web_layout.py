"""The page on a phone (390×844) and a desktop (1280×900), and from the keyboard, in Debian's headless
Chromium: nothing scrolls sideways, nothing visible lies over text, no word in the audit's tables
breaks inside, the audit's tables are cards on a phone, the chat opens at its first message, focus
follows the conversation (after a turn, a language switch and a new session) and the tab order puts
the quick replies right after the answer box, before Send and the history.

Screenshots go to ``reports/layout/`` (next to ``reports/screenshots/``; ``$SOCIAL_AUDIT_SCREENSHOTS``
moves both); the path is printed. Without /usr/bin/chromium these tests skip and say why (fail in
CI, where ``$SOCIAL_AUDIT_REQUIRE`` names chromium).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.test_web_browser import BOT_MESSAGES as BOTS
from tests.test_web_browser import USER_MESSAGES as USERS
from tests.test_web_browser import click_through, open_app, settle, users
from tests.web_kit import brand, live, make_app

pytestmark = pytest.mark.browser  # skips without chromium (tests/conftest.py)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Shared by the checks below: is an element drawn, and the part of the screen its scrolling
# ancestors (and the window) let it show.
KIT = """
const shown = (el) => {
  const style = getComputedStyle(el);
  return el.getClientRects().length > 0 && style.visibility !== "hidden" && Number(style.opacity) > 0;
};
const clip = (el) => {
  let box = {left: 0, top: 0, right: innerWidth, bottom: innerHeight};
  for (let up = el; up; up = up.parentElement) {  // its own overflow clips its text too
    const style = getComputedStyle(up);
    if (style.overflowX === "visible" && style.overflowY === "visible") continue;
    const r = up.getBoundingClientRect();
    box = {left: Math.max(box.left, r.left), top: Math.max(box.top, r.top),
           right: Math.min(box.right, r.right), bottom: Math.min(box.bottom, r.bottom)};
  }
  return box;
};
const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
  (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/)[0] : "") +
  ` "${(el.innerText || el.getAttribute("aria-label") || "").trim().slice(0, 30)}"`;
"""

# Every element wider inside than outside (it would scroll or spill sideways), and the document.
OVERFLOW = "() => {" + KIT + """
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) out.push(`document: ${doc.scrollWidth} > ${doc.clientWidth}`);
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg") || el.tagName === "TEXTAREA" || el.tagName === "INPUT" || !shown(el)) continue;
    if (el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1)  // 1 px: visually hidden, for readers
      out.push(`${name(el)}: ${el.scrollWidth} > ${el.clientWidth}`);
  }
  return out;
}"""

# Text in the window that something else lies over: the element found at the centre of each text
# element is not that element (nor inside it), or a positioned element covers a line of its text.
COVERED = "() => {" + KIT + """
  const out = [];
  const related = (a, b) => a === b || a.contains(b) || b.contains(a);
  const overlays = [...document.querySelectorAll("body *")].filter((el) => {
    const position = getComputedStyle(el).position;
    return ["absolute", "fixed", "sticky"].includes(position) && shown(el) && !el.closest("svg")
      && el.getBoundingClientRect().width > 0 && el.innerText && el.innerText.trim();
  });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest("svg, script, style") || !shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = clip(el);
    for (const line of range.getClientRects()) {
      const x = (line.left + line.right) / 2, y = (line.top + line.bottom) / 2;
      if (line.width < 1 || x < box.left || x > box.right || y < box.top || y > box.bottom) continue;
      const hit = document.elementFromPoint(x, y);
      if (hit && !related(hit, el)) out.push(`${name(hit)} over ${name(el)}`);
      for (const over of overlays) {
        const r = over.getBoundingClientRect();
        if (related(over, el) || r.right <= line.left || r.left >= line.right || r.bottom <= line.top
            || r.top >= line.bottom) continue;
        out.push(`${name(over)} over the line ${JSON.stringify(node.textContent.trim().slice(0, 30))}`);
      }
    }
  }
  return [...new Set(out)];
}"""

# Words of the audit's tables drawn on more than one line (a break inside the word; a line may
# break after a hyphen and between citation marks), and cells whose labels (the cards' ::before)
# may break inside words.
BROKEN_WORDS = "() => {" + KIT + """
  const out = [];
  for (const cell of document.querySelectorAll("#sa-audit-text table th, #sa-audit-text table td")) {
    if (!shown(cell)) continue;
    const before = getComputedStyle(cell, "::before");
    if (before.content !== "none" && (before.overflowWrap !== "normal" || before.wordBreak !== "normal"))
      out.push(`the label of ${name(cell)} may break inside a word`);
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const found of node.textContent.matchAll(/[^\\s\\]-]+[\\]-]?/g)) {  // "[9][10]": two marks
        const range = document.createRange();
        range.setStart(node, found.index);
        range.setEnd(node, found.index + found[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1) out.push(`"${found[0]}" breaks inside in ${name(cell)}`);
      }
    }
  }
  return out;
}"""

# Where the chat's log is scrolled, and whether its first message starts inside the visible part.
CHAT_TOP = """() => {
  const log = document.querySelector("#sa-chat [role=log]");
  const first = log.querySelector("[data-testid=bot]");
  const top = first.getBoundingClientRect().top - log.getBoundingClientRect().top;
  return {scrollTop: log.scrollTop, firstTop: top, height: log.clientHeight};
}"""


@pytest.fixture(scope="module")
def folder() -> Path:
    screenshots = Path(os.environ.get("SOCIAL_AUDIT_SCREENSHOTS") or REPO / "reports" / "screenshots")
    out = screenshots.parent / "layout"
    out.mkdir(parents=True, exist_ok=True)
    print(f"\nlayout screenshots: {out}")
    return out


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, bundled_retriever: Any) -> Iterator[str]:
    the_brand = brand(call_to_action={"kind": "lead_form"}, welcome={"en": "Welcome!", "sv": "Välkommen!"})
    app = make_app(tmp_path_factory.mktemp("layout-home"), bundled_retriever, the_brand)
    with live(app) as url:
        yield url



def new_page(browser: Any, size: dict[str, int]) -> Any:
    page = browser.new_context(viewport=size).new_page()
    page.set_default_timeout(30_000)
    return page


def fits(page: Any, where: str) -> None:
    """No sideways overflow, no covered text, on every screenful of the page."""
    overflow: list[str] = page.evaluate(OVERFLOW)
    assert overflow == [], f"{where}: wider than its box: {overflow[:8]}"
    height: int = page.evaluate("() => document.documentElement.scrollHeight")
    step: int = page.evaluate("() => innerHeight")
    for y in range(0, height, step):
        page.evaluate(f"() => window.scrollTo(0, {y})")
        covered: list[str] = page.evaluate(COVERED)
        assert covered == [], f"{where}, scrolled to {y}: {covered[:8]}"
    page.evaluate("() => window.scrollTo(0, 0)")


@pytest.mark.parametrize("path", ["/", "/embed/"])
def test_the_page_and_the_embed_fit_a_phone_and_a_desktop_and_open_at_the_greeting(
        browser: Any, app_url: str, folder: Path, path: str) -> None:
    tag = "page" if path == "/" else "embed"
    for size in (PHONE, DESKTOP):
        page = new_page(browser, size)
        open_app(page, app_url + path)
        page.wait_for_timeout(500)
        chat = page.evaluate(CHAT_TOP)
        assert chat["scrollTop"] == 0 and 0 <= chat["firstTop"] < chat["height"] / 2, chat
        page.screenshot(path=folder / f"{tag}-{size['width']}.png", full_page=True)
        fits(page, f"{tag} at {size['width']} px")
        page.context.close()


@pytest.mark.parametrize(("lang", "path"), [("en", "/"), ("sv", "/"), ("sv", "/embed/")])
def test_a_finished_audit_is_cards_on_a_phone_a_table_on_a_desktop_with_no_word_broken(
        browser: Any, app_url: str, folder: Path, lang: str, path: str) -> None:
    tag = f"audit-{lang}" if path == "/" else f"embed-audit-{lang}"
    page = new_page(browser, PHONE)
    open_app(page, app_url + path)
    if lang == "sv":
        page.locator("#sa-lang input").click()
        page.locator("[role=option][aria-label='Svenska']").click()
        page.wait_for_function("() => document.querySelector('#sa-send').innerText.includes('Skicka')")
    click_through(page)
    # The last turn has no quick reply: focus is on the newest bot message.
    page.wait_for_function("""() => {
      const bots = document.querySelectorAll("#sa-chat [data-testid=bot]");
      return document.activeElement === bots[bots.length - 1];
    }""")
    summary = page.locator("#sa-audit-text table").first
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        cards = size is PHONE
        page.wait_for_function(f"() => document.querySelector('#sa-audit-text table').classList"
                               f".contains('sa-cards') === {str(cards).lower()}")
        page.wait_for_timeout(300)
        page.screenshot(path=folder / f"{tag}-{size['width']}.png", full_page=True)
        if cards:  # a card per channel: its name, then each value under its column's header
            first = summary.locator("tbody tr").first
            assert first.evaluate("(row) => getComputedStyle(row).display") == "flex"
            label = first.locator("td").nth(1).evaluate(
                "(td) => getComputedStyle(td, '::before').content")
            header = summary.locator("thead th").nth(1).inner_text()
            assert label == f'"{header}"' and summary.locator("thead").is_hidden()
        else:
            assert summary.locator("thead").is_visible()
        broken: list[str] = page.evaluate(BROKEN_WORDS)
        assert broken == [], f"{tag} at {size['width']} px: {broken[:8]}"
        fits(page, f"{tag} at {size['width']} px")
    page.context.close()


def focused(page: Any) -> str:
    """The focused element: its id, or the id of the nearest element with one, and what it is."""
    found: str = page.evaluate("""() => {
      const el = document.activeElement;
      const owner = el.closest("[id]");
      const kind = el.closest("#sa-chat details.sa-cite") ? "citation"
        : (el.getAttribute("aria-label") || "").startsWith("Copy") ? "copy" : el.tagName.toLowerCase();
      return (owner ? owner.id : "") + " " + kind;
    }""")
    return found


def test_the_keyboard_reaches_quick_replies_first_and_focus_follows_each_turn(
        browser: Any, app_url: str, folder: Path) -> None:
    page = new_page(browser, DESKTOP)
    open_app(page, app_url + "/")
    page.locator("#sa-msg textarea").focus()
    order = [focused(page)]
    for _ in range(80):  # once round the page, back to the answer box
        page.keyboard.press("Tab")
        if focused(page) == order[0]:
            break
        order.append(focused(page))
    quick = [i for i, where in enumerate(order) if where.startswith("sa-quick-")]
    history = [i for i, where in enumerate(order) if where.startswith("sa-chat ")]
    shown = page.locator("[id^=sa-quick-]:visible").count()
    # The answer box, each quick reply one after the other, then Send and the page's controls.
    assert order[0] == "sa-msg textarea" and quick == list(range(1, 1 + shown)) and shown >= 2, str(order)
    after = order[1 + shown:]
    assert after[:4] == ["sa-send button", "sa-lang input", "sa-new button", "sa-delete button"], order
    assert history and min(history) > max(quick) + 4, order  # the history is reachable, after them
    assert {order[i].split(" ")[1] for i in history} >= {"citation", "copy"}
    # Send is still drawn beside the answer box, above the quick replies (only the order differs).
    box, send, first = (page.locator(f"#{name}").bounding_box()
                        for name in ("sa-msg", "sa-send", "sa-quick-0"))
    assert abs(send["y"] - box["y"]) < 8 and send["x"] > box["x"] + box["width"], (box, send)
    assert first["y"] > box["y"] + box["height"], (box, first)

    for _ in range(2):  # answer by keyboard: focus comes back to the new first quick reply
        question = page.locator("#sa-quick-0").inner_text()
        before = users(page)
        page.locator("#sa-quick-0").focus()
        page.keyboard.press("Enter")
        settle(page, before)
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'sa-quick-0'")
        assert page.locator("#sa-quick-0").inner_text() != question or users(page) == before + 1
        newest = page.evaluate("""() => {
          const log = document.querySelector("#sa-chat [role=log]");
          const bots = log.querySelectorAll("[data-testid=bot]");
          const r = bots[bots.length - 1].getBoundingClientRect();
          return {top: r.top - log.getBoundingClientRect().top, height: r.height, log: log.clientHeight};
        }""")
        # The newest bot message is shown from its start (at the chat's top when it is taller).
        assert 0 <= newest["top"] <= newest["log"] - 40, newest
        assert newest["height"] + newest["top"] <= newest["log"] or newest["top"] < 40, newest

    # A citation of the history, focused from the keyboard; the chat is scrolled up, so Gradio shows
    # its scroll-down arrow: it is over neither that citation nor any message.
    page.locator("#sa-delete").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if focused(page) == "sa-chat citation":
            break
    assert focused(page) == "sa-chat citation"
    page.wait_for_timeout(500)
    assert page.evaluate("""() => {
      const log = document.querySelector("#sa-chat [role=log]");
      return log.scrollTop + log.clientHeight < log.scrollHeight - 100;
    }"""), "the chat is at its bottom: the arrow would not show, the check would prove nothing"
    page.wait_for_selector("#sa-chat .scroll-down-button-container button", state="visible")
    covered = page.evaluate("""() => {
      const el = document.activeElement, r = el.getBoundingClientRect();
      const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
      const a = document.querySelector("#sa-chat .scroll-down-button-container").getBoundingClientRect();
      const log = document.querySelector("#sa-chat [role=log]").getBoundingClientRect();
      const over = (b) => !(a.right <= b.left || a.left >= b.right || a.bottom <= b.top || a.top >= b.bottom);
      return {hit: el.contains(hit), focused: over(r), messages: over(log)};
    }""")  # the arrow lies over neither the focused citation nor any message
    assert covered == {"hit": True, "focused": False, "messages": False}, covered
    page.screenshot(path=folder / "keyboard-citation.png")
    page.context.close()


# What has focus: the element's id (or its nearest ancestor's), its tag, and whether it is the body.
ACTIVE = """() => {
  const el = document.activeElement;
  const owner = el && el.closest("[id]");
  return {id: owner ? owner.id : "", tag: el ? el.tagName.toLowerCase() : "", body: el === document.body,
          text: el ? el.innerText || "" : ""};
}"""


@pytest.mark.parametrize("path", ["/", "/embed/"])
def test_after_a_language_switch_by_keyboard_focus_is_on_the_open_questions_first_quick_reply(
        browser: Any, app_url: str, path: str) -> None:
    from bot.interview.policy import load as load_policy
    from bot.profile import Profile

    first = load_policy().next_question(Profile(), ())
    assert first is not None and first.quick_replies("sv")
    page = new_page(browser, DESKTOP)
    open_app(page, app_url + path)
    bots = page.locator(BOTS).count()
    # Gradio's dropdown sends its value when it loses focus: passing over it changes nothing and
    # leaves focus where the keyboard moved it.
    page.locator("#sa-lang input").focus()
    page.keyboard.press("Tab")
    page.wait_for_timeout(1500)  # the server has answered by now
    assert page.evaluate(ACTIVE)["id"] == "sa-new" and page.locator(BOTS).count() == bots
    page.keyboard.press("Shift+Tab")  # back, and the language chosen from the keyboard
    assert page.evaluate(ACTIVE)["id"] == "sa-lang"
    page.wait_for_selector("[role=option].active[aria-label='English']")
    page.keyboard.press("ArrowDown")  # the next language in the list: Swedish
    page.wait_for_selector("[role=option].active[aria-label='Svenska']")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll({BOTS!r}).length > {bots}")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'sa-quick-0'")
    page.wait_for_timeout(500)  # and it stays there
    active = page.evaluate(ACTIVE)
    assert not active["body"] and active["id"] == "sa-quick-0", active
    assert active["text"].strip() == first.quick_replies("sv")[0], active
    newest = page.locator(BOTS).last.inner_text()
    assert first.ask(Profile(), "sv")[:40] in newest, newest  # the open question, in Swedish
    page.context.close()


@pytest.mark.parametrize("button", ["sa-new", "sa-delete"])
def test_a_new_session_opens_at_the_greeting_with_focus_in_the_answer_box(
        browser: Any, app_url: str, button: str) -> None:
    page = new_page(browser, DESKTOP)
    open_app(page, app_url + "/")
    greeting = page.locator(BOTS).first.inner_text()
    for _ in range(3):  # a conversation long enough to scroll the chat
        before = users(page)
        page.locator("#sa-quick-0").click()
        settle(page, before)
        # the turn's last step moves focus to the first quick reply; a key pressed before it
        # lands there, not on the button focused below
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'sa-quick-0'")
    assert page.evaluate("() => document.querySelector('#sa-chat [role=log]').scrollTop") > 0
    page.locator(f"#{button}").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll({USERS!r}).length === 0")
    page.wait_for_function("() => document.activeElement && document.activeElement.closest('#sa-msg')")
    page.wait_for_timeout(500)
    active = page.evaluate(ACTIVE)
    assert not active["body"] and (active["id"], active["tag"]) == ("sa-msg", "textarea"), active
    chat = page.evaluate(CHAT_TOP)  # the chat back at its first message: the greeting
    assert chat["scrollTop"] == 0 and 0 <= chat["firstTop"] < chat["height"] / 2, chat
    assert page.locator(BOTS).first.inner_text() == greeting
    page.keyboard.press("Tab")  # and from there, the new session's quick replies come first
    assert page.evaluate(ACTIVE)["id"] == "sa-quick-0"
    page.context.close()


def test_on_a_phone_each_new_question_is_shown_from_its_start(
        browser: Any, app_url: str, folder: Path) -> None:
    page = new_page(browser, PHONE)
    open_app(page, app_url + "/")
    for turn in range(2):
        before = users(page)
        page.locator("#sa-quick-0").click()  # down the page, under the answer box
        settle(page, before)
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'sa-quick-0'")
        page.wait_for_timeout(300)
        start = page.evaluate("""() => {
          const log = document.querySelector("#sa-chat [role=log]").getBoundingClientRect();
          const bots = document.querySelectorAll("#sa-chat [data-testid=bot]");
          const top = bots[bots.length - 1].getBoundingClientRect().top;
          return {top, log: [log.top, log.bottom], window: innerHeight};
        }""")  # the new message's first line is in the chat's visible part and in the window
        assert start["log"][0] <= start["top"] <= start["log"][1] - 40, start
        assert 0 <= start["top"] <= start["window"] - 40, start
        page.screenshot(path=folder / f"phone-turn-{turn + 1}.png")
    page.context.close()
