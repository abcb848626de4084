"""The page's layout on narrow screens and from the keyboard: CSS and small scripts, no logic in
Python. ``ui.WebUI`` adds the CSS to its own and runs the scripts.

- The audit's tables are cards when their box is narrower than ``CARDS_BELOW`` pixels or the table
  does not fit it (a label per value from the table's header); a word in a table never breaks inside:
  a column grows to its longest word, and a table too wide for that becomes cards.
- The chat opens at its first message (Gradio's autoscroll is off); after each turn the newest bot
  message is scrolled to its start (in the chat, and in the window when that start is out of it, as
  on a phone) and focus goes to the first quick reply, or to that message when there is none; the
  same after a language switch (the open question asked again). After a new session (or deleting
  one) the chat is back at its greeting and focus is in the answer box.
- The floating "Conversation" label takes its own line, and the chat's scroll-down arrow sits at
  the right end of that line, above the messages: it never covers a message or the focused element.
- In the chat column the tab order is the answer box, the quick replies, Send, the language and
  session controls, then the conversation's history; the page draws the conversation on top and
  Send beside the answer box, above the quick replies (one row, flex ``order``): the order drawn is
  not the order built.
- Gradio's own parts of the chat (the message log, each message's copy button, the scroll-down arrow,
  the hidden "Clear" button, the "waiting for the reply" status) carry English labels, or labels in
  the browser's language, whatever the page's language: ``GRADIO_LABELS`` gives them the page's
  words, again whenever Gradio draws or relabels them and after a language switch. Gradio's own
  status announcer ("Loading", "common.complete" after every event, in English) is silenced: the
  page announces in its language what matters (the chat log reads each reply, the chat's waiting
  status, the notice above the answer box is a polite status); the English "processing |" and
  "queue: 1/1 |" Gradio writes over the components an event updates are not drawn (its spinner is).
"""

from __future__ import annotations

CARDS_BELOW = 640

CSS = """
#sa-chat-column > #sa-chat { order: -2; }
#sa-chat-column > #sa-notice { order: -1; }
#sa-answer > .form:has(#sa-msg) { order: -3; }
#sa-answer > #sa-send { order: -2; }
#sa-answer > #sa-suggest-label { order: -1; flex: 1 1 100%; }
#sa-chat label[data-testid="block-label"] { position: static; margin-bottom: 4px; }
#sa-chat .scroll-down-button-container { top: 0; bottom: auto; left: auto; right: 8px; transform: none; }
#sa-chat .scroll-down-button-container button { box-shadow: none; }
#sa-chat [data-testid="bot"], #sa-chat [data-testid="user"] { scroll-margin: 8px; }
#sa-edit button.label-wrap { padding-right: 6px; }  /* its turned arrow stays inside */
[data-testid="status-tracker"] .progress-text { display: none; }  /* "processing |", "queue: 1/1 |" */
#sa-audit-text th, #sa-audit-text td { overflow-wrap: normal; word-break: normal; hyphens: manual; }
#sa-audit-text table.sa-cards { display: block; width: 100%; border: 0; }
#sa-audit-text table.sa-cards thead { display: none; }
#sa-audit-text table.sa-cards tbody { display: block; }
#sa-audit-text table.sa-cards tr { display: flex; flex-wrap: wrap; gap: 8px 16px; margin: 0 0 12px 0;
  padding: 10px 12px; border: 1px solid currentColor; border-radius: 8px; background: none; }
#sa-audit-text table.sa-cards td { display: block; flex: 1 0 7em; padding: 0; border: 0; }
#sa-audit-text table.sa-cards td:first-child { flex-basis: 100%; font-weight: 700; }
#sa-audit-text table.sa-cards td:empty { display: none; }
#sa-audit-text table.sa-cards td:last-child { flex-basis: 100%; }
#sa-audit-text table.sa-cards td:not(:first-child)::before { content: attr(data-label); display: block;
  font-size: 0.85em; font-weight: 600; overflow-wrap: normal; word-break: normal; }
"""

# Labels every cell of an audit table with its column's header and shows a table as cards when its
# box is narrow or the table does not fit; again when the audit changes or the window is resized.
CARDS = """() => {
  const NARROW = __NARROW__;
  const fit = () => document.querySelectorAll("#sa-audit-text table").forEach((table) => {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    table.querySelectorAll("tbody tr").forEach((row) => [...row.children].forEach((cell, i) => {
      if (heads[i] && cell.dataset.label !== heads[i]) cell.dataset.label = heads[i];
    }));
    let holder = table.parentElement;  // the nearest block around the table (Gradio's is a span)
    while (holder && getComputedStyle(holder).display === "inline") holder = holder.parentElement;
    const box = holder ? holder.clientWidth : 0;
    if (!box) return;  // hidden: decided when it shows
    table.classList.remove("sa-cards");
    const wide = table.getBoundingClientRect().width > box + 1;
    table.classList.toggle("sa-cards", box < NARROW || wide);
  });
  let queued = false;
  const later = () => {
    if (!queued) { queued = true; setTimeout(() => { queued = false; fit(); }, 30); }
  };
  new MutationObserver(later).observe(document.body, {subtree: true, childList: true, characterData: true});
  window.addEventListener("resize", later);
  fit();
}""".replace("__NARROW__", str(CARDS_BELOW))

# After a turn: the newest bot message scrolled to its start inside the chat (and the window), focus
# on the first quick reply (or, with none, on the message itself) without scrolling away from it.
# Runs after Gradio has drawn the last update.
_SHOW_NEWEST = """
    const log = document.querySelector("#sa-chat [role=log]");
    const bots = document.querySelectorAll("#sa-chat [data-testid=bot]");
    const newest = bots[bots.length - 1];
    if (log && newest) {
      log.scrollTop += newest.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
      const top = newest.getBoundingClientRect().top;  // on a phone the window too
      if (top < 0 || top > innerHeight - 120) window.scrollBy(0, top - 8);
    }
    const quick = document.querySelector("#sa-quick-0");
    if (quick && quick.offsetParent !== null) { quick.focus({preventScroll: true}); return; }
    if (newest) { newest.tabIndex = -1; newest.focus({preventScroll: true}); }
"""
FOCUS = "() => {\n  setTimeout(() => {" + _SHOW_NEWEST + "  }, 60);\n}"

# A language switch: SWITCHING runs at once in the browser and notes whether the language chosen
# differs from the page's (``#sa-roles``, drawn from the server's last answer); SWITCHED, after the
# answer is drawn, does what FOCUS does when it did: the open question, asked again in the new
# language, is shown and its first quick reply focused. Gradio's dropdown also sends its value when
# it loses focus: that changes nothing, so focus stays where the keyboard moved it.
SWITCHING = """(lang) => {
  const roles = document.querySelector("#sa-roles");
  const chat = document.querySelector("#sa-chat");
  if (chat) chat.dataset.saSwitched = String(!roles || roles.lang !== lang);
  document.documentElement.lang = lang;
}"""
SWITCHED = """() => {
  setTimeout(() => {
    const chat = document.querySelector("#sa-chat");
    if (!chat || chat.dataset.saSwitched !== "true") return;
    chat.dataset.saSwitched = "false";""" + _SHOW_NEWEST + """  }, 60);
}"""

# After "New session" or "Delete this conversation": the chat back at its greeting and focus in the
# answer box, as when the page opens (the chat is a live log: a screen reader reads the greeting).
FRESH = """() => {
  setTimeout(() => {
    const log = document.querySelector("#sa-chat [role=log]");
    if (log) log.scrollTop = 0;
    const box = document.querySelector("#sa-msg textarea");
    if (box) box.focus({preventScroll: true});
  }, 60);
}"""

# Gradio's own labels in the chat, in the page's language: the words are the data-* attributes of
# ``#sa-roles`` (drawn with every answer, so they follow a language switch), keyed by the part they
# name. A copy button says "copied" for a moment after a click: Gradio draws it as "copy" and writes
# another label only while it is copied, whatever language Gradio itself speaks. Runs whenever the
# chat changes or Gradio writes a label, so a message drawn later (or redrawn) is relabelled too;
# Gradio's announcer of its events' progress is hidden from screen readers (see the docstring).
GRADIO_LABELS = """() => {
  const PARTS = [["[role=log]", "log"], ["[role=log] [role=status]", "loading"],
                 [".message-buttons button", "copy"], [".scroll-down-button-container button", "scroll"],
                 [".top-panel button", "clear"]];
  const kind = (node, key) => {
    if (key !== "copy") return key;
    const said = node.getAttribute("aria-label");
    if (said !== node.dataset.saLabel) {  // written by Gradio, not by this script
      if (node.dataset.saDrawn === undefined) node.dataset.saDrawn = said;
      node.dataset.saState = said === node.dataset.saDrawn ? "copy" : "copied";
    }
    return node.dataset.saState;
  };
  const set = (node, name, words) => {
    if (node.hasAttribute(name) && node.getAttribute(name) !== words) node.setAttribute(name, words);
  };
  const relabel = () => {
    document.querySelectorAll("div.sr-only[role=status]:not([aria-hidden])")  // Gradio's announcer
      .forEach((said) => said.setAttribute("aria-hidden", "true"));
    const roles = document.querySelector("#sa-roles");
    const chat = document.querySelector("#sa-chat");
    if (!roles || !chat) return;
    PARTS.forEach(([where, key]) => chat.querySelectorAll(where).forEach((node) => {
      const words = roles.dataset[kind(node, key)];
      if (!words) return;
      set(node, "aria-label", words);
      set(node, "title", words);
      node.dataset.saLabel = words;
      if (key === "loading") node.querySelectorAll(".sr-only").forEach((said) => {  // its hidden text
        if (said.textContent !== words) said.textContent = words;
      });
    }));
  };
  new MutationObserver(relabel).observe(document.body, {subtree: true, childList: true,
    attributes: true, attributeFilter: ["aria-label", "title", "lang", "data-log"]});
  relabel();
}"""
