"""Pure functions from interview state to what the page shows: chat messages, citations, checklist,
profile. Every piece of text that came from a person or a document is escaped here, so a message
holding ``<script>`` or ``<img onerror=…>`` is shown as text and never runs, and a web address
an owner typed is never a link; the only markup on the page is the markup these functions write
themselves.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot import l10n
from bot.citations import Citation, number
from bot.interview.messages import field_name, show
from bot.interview.policy import Policy
from bot.interview.state import InterviewState, Turn
from bot.links import reference, unlinked
from bot.profile import SETTLED, Profile
from bot.web.strings import language_name, t

# Markdown syntax characters, written as character references: the chat renders Markdown, and a
# person's "[x](javascript:…)" or "![](http://tracker)" must stay text too.
_MD = {c: f"&#{ord(c)};" for c in "[]*_`#~|\\"}


def text(value: str) -> str:
    """``value`` as inert text for a Markdown+HTML view: HTML-escaped, Markdown syntax neutralised,
    no web address or e-mail address made a link (``bot.links``)."""
    escaped = html.escape(value, quote=False)  # quotes are harmless in text (and the chat shows
    # hex character references literally)
    return unlinked("".join(_MD.get(c, c) for c in escaped), reference)


def attr(value: str) -> str:
    return html.escape(value, quote=True)


def citation_html(n: int, citation: Citation, lang: str) -> str:
    """A clickable ``[n]`` marker that opens the passage: original text, language, English gloss
    (labelled as machine translation when an LLM wrote it), title and author (a native
    ``<details>``: keyboard-operable, no script)."""
    title = citation.title or t("untitled", lang)
    who = f" — {t('by', lang)} {text(citation.author)}" if citation.author else ""
    key = "gloss_llm" if citation.machine_gloss else "gloss"
    source = l10n.language_name(citation.lang, lang)  # "English translation of the Swedish text"
    label = t(f"{key}_from", lang, language=source) if source else t(key, lang)
    kind = " sa-gloss-llm" if citation.machine_gloss else ""
    gloss = (f'<p class="sa-gloss{kind}" lang="en"><strong>{text(label)}:</strong> '
             f"{text(citation.gloss)}</p>") if citation.gloss else ""
    original = t("original", lang, language=language_name(citation.lang))
    return (
        f'<details class="sa-cite"><summary>[{n}] {text(title)}{who}</summary>'
        f'<div class="sa-passage"><p><strong>{text(original)}:</strong></p>'
        f'<blockquote lang="{attr(citation.lang)}">{text(citation.quote)}</blockquote>{gloss}'
        f'<p class="sa-source">{text(citation.source)}</p></div></details>'
    )


def bot_content(body: str, citations: Sequence[Citation], lang: str) -> str:
    """A bot turn: its text, then one openable passage per citation, numbered as the turn's own
    ``[n]`` markers are (``bot.citations.number`` over the turn's citations)."""
    shown = text(body)
    if citations:
        shown += "\n\n" + "".join(citation_html(n, c, lang) for c, n in number(citations).items())
    return shown


def chat_messages(turns: Sequence[Turn], lang: str) -> list[dict[str, str]]:
    """The transcript as Gradio chat messages (``role``/``content``), citations under their turn."""
    return [{"role": "user", "content": text(turn.text)} if turn.role == "user" else
            {"role": "assistant", "content": bot_content(turn.text, turn.citations, lang)}
            for turn in turns]


def _status(profile: Profile, paths: Sequence[str]) -> str:
    statuses = [profile.get(p).status for p in paths]
    if paths and all(s in SETTLED for s in statuses):
        return "answered"
    if paths and all(s in SETTLED or s in ("skipped", "refused") for s in statuses):
        return "skipped"
    return "missing"


def checklist(policy: Policy, state: InterviewState, lang: str) -> list[tuple[str, str]]:
    """(topic, status) per question: answered, skipped, missing, or not needed for this business."""
    out = []
    for q in policy.questions:
        topic = q.topic.get(lang) or q.topic["en"]
        if not q.applies(state.profile):
            out.append((topic, "not_needed"))
            continue
        out.append((topic, _status(state.profile, q.fills(state.profile))))
    return out


_MARK = {"answered": "✓", "skipped": "–", "missing": "○", "not_needed": "·"}


def checklist_html(items: Sequence[tuple[str, str]], lang: str) -> str:
    rows = "".join(f'<li class="sa-{status}"><span aria-hidden="true">{_MARK[status]}</span> '
                   f"{text(topic)} <em>({text(t(status, lang))})</em></li>" for topic, status in items)
    done = sum(1 for _, s in items if s == "answered")
    todo = sum(1 for _, s in items if s != "not_needed")
    return (f'<h2 class="sa-h">{text(t("checklist", lang))} <small>{done}/{todo}</small></h2>'
            f'<ul class="sa-checklist">{rows}</ul>')


def understood(policy: Policy, profile: Profile, lang: str) -> list[tuple[str, str, str]]:
    """(path, field name, value as said back) for every settled field the interview asks about."""
    out = []
    for path in policy.relevant_paths(profile):
        leaf = profile.get(path)
        if leaf.status in SETTLED and leaf.value is not None:
            out.append((path, field_name(path, lang), show(path, leaf.value, lang)))
    return out


def profile_html(rows: Sequence[tuple[str, str, str]], lang: str) -> str:
    if not rows:
        body = f"<p>{text(t('profile_empty', lang))}</p>"
    else:
        body = "<dl class='sa-profile'>" + "".join(
            f"<dt>{text(name)}</dt><dd>{text(value)}</dd>" for _, name, value in rows) + "</dl>"
    return f'<h2 class="sa-h">{text(t("profile", lang))}</h2>{body}'


def editable(policy: Policy, profile: Profile, lang: str) -> list[tuple[str, str]]:
    """(label, path) choices for the correction form: every path the interview asks about."""
    from bot.interview.read import EDITABLE

    return [(field_name(p, lang), p) for p in policy.relevant_paths(profile) if p in EDITABLE]
