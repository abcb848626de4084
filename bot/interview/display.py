"""A reply as plain text for a terminal: the message, its numbered sources, the quick replies."""

from __future__ import annotations

import textwrap

from bot.citations import number
from bot.interview.state import InterviewState, Reply

WIDTH = 96


def _wrap(text: str, indent: str = "") -> str:
    return "\n".join(textwrap.fill(line, WIDTH, initial_indent=indent, subsequent_indent=indent)
                     if line else "" for line in text.split("\n"))


def format_reply(reply: Reply) -> str:
    lines = [_wrap(reply.text)]
    if reply.citations:
        lines.append("")
        for citation, n in number(reply.citations).items():
            where = " — ".join(p for p in (citation.title, citation.author) if p)
            title = f": {where}" if where else ""
            lines.append(_wrap(f"[{n}] {citation.source} ({citation.lang}){title}"))
            lines.append(_wrap(f"“{citation.quote}”", "    "))
    if reply.quick_replies:
        lines += ["", "  " + "  |  ".join(reply.quick_replies)]
    return "\n".join(lines)


def format_transcript(state: InterviewState) -> str:
    """The whole conversation as Markdown: each turn, with the bot's sources under its message."""
    lines = ["# Transcript", ""]
    for turn in state.transcript:
        who = "**You**" if turn.role == "user" else "**Bot**"
        lines += [f"{who}: {turn.text}", ""]
        for citation, n in number(turn.citations).items():
            lines += [f"> [{n}] {citation.source} ({citation.lang}): “{citation.quote}”", ""]
    return "\n".join(lines)
