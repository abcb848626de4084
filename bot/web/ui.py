"""The Gradio page: layout and wiring only. Every event calls a ``Handlers`` method and copies the
``View`` it returns into the components (``WebUI.apply``); there is no logic here.

``chrome=False`` gives the ``/embed`` variant: no header (a heading for screen readers only), no
footer, same conversation. Every word on it is in the page's language: Gradio's footer (English only)
is off and the page has its own, and the English prefix Gradio reads before each chat message is
replaced (``PLAIN_LABELS``, from the ``#sa-roles`` element the header carries), as are the labels of
Gradio's own parts of the chat (``layout.GRADIO_LABELS``, from the same element).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from bot import lang as langs
from bot.errors import ConfigError
from bot.web import layout
from bot.web.brand import Brand, localise
from bot.web.handlers import Handlers, View
from bot.web.render import attr, text
from bot.web.strings import language_name, t

QUICK_SLOTS = 12
STORAGE_KEY = "social_audit_session"
MIN_SECRET = 32
NOTICE = '<div class="sa-status" role="status" aria-live="polite" aria-atomic="true">${value}</div>'
# The words ``#sa-roles`` carries: its data-* attribute, the label in bot/data/ui.yaml.
ROLE_WORDS = (("bot", "bot_message"), ("user", "user_message"), ("log", "chat_log"),
              ("copy", "copy_message"), ("copied", "copied_message"), ("scroll", "scroll_down"),
              ("clear", "clear_chat"), ("loading", "loading_reply"))
DOWNLOADS = (("pdf", "download_pdf"), ("md", "download_md"), ("html", "download_html"),
             ("json", "download_json"))


def browser_secret(home: Path, given: str | None = None) -> str:
    """The key that encrypts the session id in the browser: kept under ``home`` so that a restarted
    app still reads what browsers stored. ``given`` (``SOCIAL_AUDIT_BROWSER_SECRET``) replaces the
    kept one: that is how processes with different homes share it."""
    path = home / "web" / "browser_secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    if given is not None:
        return _keep_secret(path, given.strip())
    try:  # created once, atomically: app processes sharing a home share the secret
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(32))
    for _ in range(50):  # another process may be writing it right now
        if secret := path.read_text(encoding="utf-8").strip():
            return secret
        time.sleep(0.02)
    raise ConfigError(f"{path} is empty; delete it and start again")


def _keep_secret(path: Path, secret: str) -> str:
    """``secret`` checked and written to ``path`` (atomically, readable by its owner only)."""
    if len(secret) < MIN_SECRET or not secret.isprintable():
        raise ConfigError(f"SOCIAL_AUDIT_BROWSER_SECRET must be at least {MIN_SECRET} printable "
                          "characters; make one with: python -c 'import secrets; "
                          "print(secrets.token_urlsafe(32))'")
    if path.exists() and path.read_text(encoding="utf-8").strip() == secret:
        return secret
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secret)
    os.replace(tmp, path)
    return secret


def theme(brand: Brand) -> gr.themes.Base:
    c = brand.colours
    system = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"]
    return gr.themes.Base(font=system, font_mono=["ui-monospace", "monospace"]).set(
        body_background_fill=c.background, body_text_color=c.text, block_label_text_color=c.text,
        body_text_color_subdued=c.text,  # Gradio's grey (footer, hints) has 1.9:1 on white
        button_primary_background_fill=c.primary, button_primary_background_fill_hover=c.primary,
        button_primary_text_color=c.on_primary, button_primary_border_color=c.primary,
        color_accent=c.primary, color_accent_soft=c.background, link_text_color=c.primary,
        link_text_color_visited=c.primary, checkbox_background_color_selected=c.primary,
        slider_color=c.primary)


CSS = """
.sa-skip { position: absolute; left: -999px; }
.sa-skip:focus { left: 8px; top: 8px; z-index: 10; padding: 6px; background: #fff; color: #000; }
*:focus-visible { outline: 3px solid #1a4fd6 !important; outline-offset: 2px; }
.sa-cite summary { cursor: pointer; text-decoration: underline; }
.sa-cite blockquote { margin: 4px 0 4px 8px; padding-left: 8px; border-left: 3px solid currentColor; }
.sa-checklist { list-style: none; padding-left: 0; }
.sa-profile dt { font-weight: 600; } .sa-profile dd { margin: 0 0 6px 0; }
.sa-header { display: flex; align-items: center; gap: 12px; }
.sa-header img { max-height: 48px; }
#sa-chat button[aria-label="Clear"] { display: none; }
.sa-cta { display: inline-block; padding: 10px 16px; border-radius: 6px; font-weight: 600; }
.sa-sr { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }  /* for readers */
.sa-footer { text-align: center; padding: 12px 0; font-size: 0.9em; }
""" + layout.CSS


# Gradio labels each chat message with its raw content (``aria-label="bot's message: <details …"``):
# the page relabels every message with its text as read, passages of citations left out, cut at a
# word near LABEL_CHARS characters, and gives it the role "article" (a label on a bare div is not
# allowed by ARIA). Re-run after every change of the chat (messages stream in).
LABEL_CHARS = 200
PLAIN_LABELS = """() => {
  const MAX = __MAX__;
  const plain = (message) => {
    const copy = (message.querySelector(".message-content") || message).cloneNode(true);
    copy.querySelectorAll(".sa-passage, button, svg").forEach((node) => node.remove());
    const words = copy.textContent.replace(/\\s+/g, " ").trim();
    if (words.length <= MAX) return words;
    const cut = words.lastIndexOf(" ", MAX);
    return words.slice(0, cut > MAX / 2 ? cut : MAX) + "…";
  };
  const relabel = () => {
    const roles = document.querySelector("#sa-roles");  // the prefixes in the page's language
    if (roles && document.documentElement.lang !== roles.lang) document.documentElement.lang = roles.lang;
    document.querySelectorAll("[data-testid=bot][aria-label], [data-testid=user][aria-label]")
      .forEach((message) => {
        const label = message.getAttribute("aria-label");
        const kind = message.getAttribute("data-testid");
        const role = roles ? roles.dataset[kind] + ": " : label.slice(0, label.indexOf(": ") + 2);
        const wanted = role + plain(message);
        if (label !== wanted) message.setAttribute("aria-label", wanted);
        if (!message.hasAttribute("role")) message.setAttribute("role", "article");
      });
  };
  let queued = false;
  new MutationObserver(() => {
    if (!queued) { queued = true; setTimeout(() => { queued = false; relabel(); }, 30); }
  }).observe(document.body, {subtree: true, childList: true, characterData: true,
                             attributes: true, attributeFilter: ["aria-label"]});
  relabel();
}""".replace("__MAX__", str(LABEL_CHARS))


class WebUI:
    """Builds one page (the full app or the embed) around ``Handlers``."""

    def __init__(self, handlers: Handlers, brand: Brand, secret: str) -> None:
        self.h, self.brand, self.secret = handlers, brand, secret
        self.chrome = True

    def roles(self, lang: str) -> str:
        """A hidden element naming the page's language, what a screen reader says before a bot's and
        a user's message in it (read by ``PLAIN_LABELS``) and the labels of Gradio's own parts of the
        chat (read by ``layout.GRADIO_LABELS``)."""
        words = " ".join(f'data-{name}="{attr(t(key, lang))}"' for name, key in ROLE_WORDS)
        return f'<span id="sa-roles" hidden lang="{attr(lang)}" {words}></span>'

    def header(self, lang: str) -> str:
        if not self.chrome:  # the embed: a heading for screen readers only
            title = f"{self.brand.product_name}: {t('embed_title', lang)}"
            return f'<h1 class="sa-sr">{text(title)}</h1>{self.roles(lang)}'
        logo = ""
        if self.brand.logo:
            src = "/brand/logo" if self.brand.logo_path() else self.brand.logo
            logo = f'<img src="{attr(src)}" alt="{attr(self.brand.product_name)}">'
        tagline = localise(self.brand.tagline, lang, self.brand.default_lang)
        sub = f"<p>{text(tagline)}</p>" if tagline else ""
        name = text(self.brand.product_name)
        return (f'<a class="sa-skip" href="#sa-msg">{text(t("skip_to_chat", lang))}</a>'
                f'<div class="sa-header">{logo}<div><h1>{name}</h1>{sub}</div></div>{self.roles(lang)}')

    def footer(self, lang: str) -> str:
        """The page's footer: the API's docs (relative, so it works behind a path prefix too)."""
        return f'<footer class="sa-footer"><a href="api/v1/docs">{text(t("use_api", lang))}</a></footer>'

    def cta(self, lang: str) -> str:
        cta = self.brand.call_to_action
        intro = localise(cta.text, lang, self.brand.default_lang)
        out = f"<p>{text(intro)}</p>" if intro else ""
        if cta.kind == "booking":
            label = localise(cta.label, lang, self.brand.default_lang) or cta.url
            out += (f'<a class="sa-cta primary" href="{attr(cta.url)}" target="_blank" '
                    f'rel="noopener noreferrer">{text(label)}</a>')
        return out

    def build(self, chrome: bool = True) -> gr.Blocks:
        self.chrome = chrome
        lang = self.brand.default_lang
        with gr.Blocks(title=self.brand.product_name, analytics_enabled=False,
                       delete_cache=(900, 3600)) as demo:
            self.sid = gr.BrowserState(None, storage_key=STORAGE_KEY, secret=self.secret)
            self.head = gr.HTML(self.header(lang), elem_id="sa-header")
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, elem_id="sa-chat-column"):
                    self._chat_column(lang)
                with gr.Column(scale=2, min_width=280):
                    self._side_column(lang)
            self._audit_section(lang)
            self.foot = gr.HTML(self.footer(lang), visible=chrome, elem_id="sa-footer")
            self._wire(demo)
        return demo

    def _chat_column(self, lang: str) -> None:
        """In the tab order (the order built here) the answer box, the quick replies, Send, the language
        and session controls, then the conversation's history; ``layout.CSS`` draws the history on
        top and Send beside the answer box, above the quick replies."""
        # A polite live status drawn once and kept (Gradio's HTML updates its content in place), so a
        # screen reader reads each new notice ("The conversation … was deleted") as it comes.
        self.notice = gr.HTML("", elem_id="sa-notice", html_template=NOTICE, js_on_load=None)
        with gr.Row(elem_id="sa-answer"):
            self.msg = gr.Textbox(label=t("message", lang), placeholder=t("placeholder", lang),
                                  elem_id="sa-msg", scale=5, lines=1, max_lines=6, autofocus=True)
            self.suggest = gr.Markdown(f"**{text(t('suggestions', lang))}**", elem_id="sa-suggest-label")
            self.quick = [gr.Button("", visible=False, size="sm", elem_id=f"sa-quick-{i}")
                          for i in range(QUICK_SLOTS)]
            self.send = gr.Button(t("send", lang), variant="primary", elem_id="sa-send", scale=1)
            menu = [(language_name(code), code) for code in langs.codes("ui")]
            self.lang = gr.Dropdown(choices=menu, value=lang, label=t("language", lang), elem_id="sa-lang",
                                    scale=2)
            self.new = gr.Button(t("new_session", lang), elem_id="sa-new", scale=1)
            self.forget = gr.Button(t("delete_session", lang), variant="stop", elem_id="sa-delete", scale=1)
        self.chat = gr.Chatbot(label=t("chat", lang), elem_id="sa-chat", height=520, autoscroll=False,
                               feedback_options=None, group_consecutive_messages=False,
                               sanitize_html=True, render_markdown=True, buttons=["copy"])

    def _side_column(self, lang: str) -> None:
        self.checklist = gr.HTML("", elem_id="sa-checklist")
        self.profile = gr.HTML("", elem_id="sa-profile")
        with gr.Accordion(t("edit", lang), open=False, elem_id="sa-edit") as self.edit_box:
            self.edit_field = gr.Dropdown(choices=[], label=t("edit_field", lang), elem_id="sa-edit-field")
            self.edit_value = gr.Textbox(label=t("edit_value", lang), elem_id="sa-edit-value")
            self.edit_save = gr.Button(t("edit_save", lang), elem_id="sa-edit-save")

    def _audit_section(self, lang: str) -> None:
        with gr.Column(visible=False, elem_id="sa-audit") as self.audit_box:
            self.dl_label = gr.Markdown(f"**{text(t('downloads', lang))}**")
            self.business = gr.Textbox(label=t("business_name", lang), elem_id="sa-business", max_lines=1)
            with gr.Row():
                self.downloads = {fmt: gr.DownloadButton(t(key, lang), elem_id=f"sa-dl-{fmt}")
                                  for fmt, key in DOWNLOADS}
            self.audit_md = gr.Markdown("", elem_id="sa-audit-text", sanitize_html=True)
            self.cta_html = gr.HTML(self.cta(lang), elem_id="sa-cta")
            with gr.Column(visible=self.brand.call_to_action.kind == "lead_form", elem_id="sa-lead"):
                self.lead_title = gr.Markdown(f"### {text(t('lead_title', lang))}")
                self.lead_name = gr.Textbox(label=t("lead_name", lang), elem_id="sa-lead-name")
                self.lead_email = gr.Textbox(label=t("lead_email", lang), type="email",
                                             elem_id="sa-lead-email")
                self.lead_phone = gr.Textbox(label=t("lead_phone", lang), elem_id="sa-lead-phone")
                self.lead_consent = gr.Checkbox(label=self._consent(lang), elem_id="sa-lead-consent")
                self.lead_send = gr.Button(t("lead_send", lang), elem_id="sa-lead-send")
                self.lead_status = gr.Markdown("", elem_id="sa-lead-status")

    def _consent(self, lang: str) -> str:
        return t("lead_consent", lang, product=self.brand.product_name)

    def outputs(self) -> list[Any]:
        return [self.sid, self.chat, self.notice, *self.quick, self.msg, self.checklist, self.profile,
                self.edit_field, self.audit_box, self.audit_md, *self.downloads.values(), self.lead_status,
                *self.labelled()]

    def labelled(self) -> list[Any]:
        return [self.head, self.foot, self.suggest, self.send, self.lang, self.new, self.forget,
                self.edit_box, self.edit_value, self.edit_save, self.dl_label, self.business, self.cta_html,
                self.lead_title, self.lead_name, self.lead_email, self.lead_phone, self.lead_consent,
                self.lead_send]

    def labels(self, lang: str) -> dict[Any, Any]:
        """Every label in ``lang`` (the language selector switches the page, not only the chat)."""
        u = gr.update
        return {
            self.head: u(value=self.header(lang)), self.foot: u(value=self.footer(lang)),
            self.suggest: u(value=f"**{text(t('suggestions', lang))}**"),
            self.send: u(value=t("send", lang)), self.lang: u(value=lang, label=t("language", lang)),
            self.new: u(value=t("new_session", lang)), self.forget: u(value=t("delete_session", lang)),
            self.edit_box: u(label=t("edit", lang)), self.edit_value: u(label=t("edit_value", lang)),
            self.edit_save: u(value=t("edit_save", lang)),
            self.dl_label: u(value=f"**{text(t('downloads', lang))}**"),
            self.business: u(label=t("business_name", lang)),
            self.cta_html: u(value=self.cta(lang)),
            self.lead_title: u(value=f"### {text(t('lead_title', lang))}"),
            self.lead_name: u(label=t("lead_name", lang)), self.lead_email: u(label=t("lead_email", lang)),
            self.lead_phone: u(label=t("lead_phone", lang)), self.lead_consent: u(label=self._consent(lang)),
            self.lead_send: u(value=t("lead_send", lang)),
        }

    def apply(self, view: View) -> dict[Any, Any]:
        """A ``View`` as component updates."""
        u = gr.update
        out: dict[Any, Any] = {self.sid: view.session_id,
                               self.chat: u(value=view.messages, label=t("chat", view.lang))}
        if view.clear_input:
            out[self.msg] = u(value="")
        for i, button in enumerate(self.quick):
            label = view.quick[i] if i < len(view.quick) else ""
            out[button] = u(value=label, visible=bool(label))
        if view.partial:
            return out
        out[self.notice] = u(value=text(view.notice))
        msg: dict[str, Any] = {"label": t("message", view.lang), "placeholder": t("placeholder", view.lang),
                               "interactive": not view.done}
        if view.clear_input:
            msg["value"] = ""
        out[self.msg] = u(**msg)
        out[self.checklist] = u(value=view.checklist)
        out[self.profile] = u(value=view.profile)
        out[self.edit_field] = u(choices=view.edit_choices, value=None, label=t("edit_field", view.lang))
        out[self.audit_box] = u(visible=view.done)
        out[self.audit_md] = u(value=view.audit)
        for fmt, download in self.downloads.items():
            path = view.downloads.get(fmt)
            out[download] = u(value=str(path) if path else None, label=t(dict(DOWNLOADS)[fmt], view.lang))
        out[self.lead_status] = u(value=text(view.lead_status))
        out.update(self.labels(view.lang))
        out[self.business] = u(value=view.business, label=t("business_name", view.lang))
        out[self.suggest] = u(value=f"**{text(t('suggestions', view.lang))}**", visible=bool(view.quick))
        return out

    def _wire(self, demo: gr.Blocks) -> None:
        outs = self.outputs()

        def load(stored: str | None, request: gr.Request) -> dict[Any, Any]:
            return self.apply(self.h.load(stored, None, _ip(request)))

        def send(message: str, sid: str | None, lang: str, request: gr.Request) -> Iterator[dict[Any, Any]]:
            for view in self.h.send(sid, lang, message, _ip(request)):
                yield self.apply(view)

        def quick(label: str, sid: str | None, lang: str, request: gr.Request) -> Iterator[dict[Any, Any]]:
            yield from send(label, sid, lang, request)

        def switch(lang: str, sid: str | None, request: gr.Request) -> dict[Any, Any]:
            return self.apply(self.h.switch_lang(sid, lang, _ip(request)))

        def new(lang: str, request: gr.Request) -> dict[Any, Any]:
            return self.apply(self.h.new(lang, _ip(request)))

        def forget(sid: str | None, lang: str, request: gr.Request) -> dict[Any, Any]:
            return self.apply(self.h.delete(sid, lang, _ip(request)))

        def edit(sid: str | None, path: str | None, answer: str, request: gr.Request) -> dict[Any, Any]:
            return {**self.apply(self.h.edit(sid, path, answer, _ip(request))), self.edit_value: ""}

        def business(sid: str | None, name: str, request: gr.Request) -> dict[Any, Any]:
            return self.apply(self.h.business(sid, name, _ip(request)))

        def lead(sid: str | None, name: str, email: str, phone: str, consent: bool,
                 request: gr.Request) -> dict[Any, Any]:
            return self.apply(self.h.lead(sid, name, email, phone, consent, _ip(request)))

        demo.load(load, [self.sid], outs, api_name="resume")
        demo.load(None, None, None, js=PLAIN_LABELS)  # messages' aria-labels as plain text
        demo.load(None, None, None, js=layout.GRADIO_LABELS)  # Gradio's own labels in the page's language
        self.chat.clear(load, [self.sid], outs, api_visibility="private")  # clearing only redraws
        demo.load(None, None, None, js=layout.CARDS)  # the audit's tables as cards when narrow
        turns = [self.send.click(send, [self.msg, self.sid, self.lang], outs, api_name="send"),
                 self.msg.submit(send, [self.msg, self.sid, self.lang], outs, api_visibility="private")]
        turns += [button.click(quick, [button, self.sid, self.lang], outs, api_visibility="private")
                  for button in self.quick]
        for turn in turns:  # focus to the first quick reply, or the newest bot message
            turn.then(None, None, None, js=layout.FOCUS)
        # The open question, asked again in the new language, gets focus as after a turn; a new
        # session starts at the greeting with focus in the answer box.
        self.lang.input(None, [self.lang], None, js=layout.SWITCHING)
        self.lang.input(switch, [self.lang, self.sid], outs, api_name="language").then(
            None, None, None, js=layout.SWITCHED)
        self.new.click(new, [self.lang], outs, api_name="new_session").then(None, None, None, js=layout.FRESH)
        # The notice emptied at once, so that deleting twice announces it twice (same words).
        self.forget.click(None, None, [self.notice], js="() => ''", api_visibility="private")
        self.forget.click(forget, [self.sid, self.lang], outs, api_name="delete_session").then(
            None, None, None, js=layout.FRESH)
        self.edit_save.click(edit, [self.sid, self.edit_field, self.edit_value], [*outs, self.edit_value],
                             api_name="edit")
        for done in (self.business.submit, self.business.blur):  # the files renamed with it
            done(business, [self.sid, self.business], outs, api_visibility="private")
        self.lead_send.click(lead, [self.sid, self.lead_name, self.lead_email, self.lead_phone,
                                    self.lead_consent], outs, api_name="lead")


def _ip(request: gr.Request | None) -> str:
    client = getattr(request, "client", None) if request is not None else None
    return getattr(client, "host", None) or "unknown"
