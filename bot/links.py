"""Web addresses a person typed stay text: no view makes a link of them.

Markdown views (the page's chat, the audit shown on the page, a downloaded ``.md`` opened in any
viewer) make links of their own from bare text: GitHub-flavoured Markdown links anything after a
scheme's ``://``, anything starting ``www.`` and any e-mail address. ``unlinked`` writes the one
character that sets such a link off (that ``:``, that ``.``, that ``@``) with the caller's escape,
so the text reads the same and starts no link. Explicit links (``[x](…)``, ``<http://…>``) are
the callers' own escaping's job (brackets and angle brackets are always escaped).

A PDF has no escape: its viewers (pdf.js in Firefox and the browsers' viewers, PDFium in Chrome,
Acrobat, Preview) make links of the text itself. ``defanged`` therefore writes an address-like
word the way security notes do, with the character that sets a link off in brackets —
``https[:]//our-shop[.]example``, ``www[.]our-shop[.]se``, ``anna[@]our-shop[.]se`` — which no
viewer's linkifier matches (pdf.js's needs ``https://``, ``www.`` or a bare ``@`` between a name
and a dotted domain) and a person still reads. A word counts as an address when it holds ``://``,
``www.``, ``mailto:``, an ``@`` between two characters, or a dotted name ending in two or more
letters after a first part of two or more characters (``our-shop.se``; not ``t.ex.``, ``bl.a.``
or ``10.5``); nothing else in the text changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_AUTOLINK = re.compile(r"(?i)(?<=www)\.|:(?=//)|(?<=[\w.+-])@(?=[\w-])")
_WORD = re.compile(r"\S+")
_ADDRESS = re.compile(r"(?i)://|www\.|mailto:|\S@\S"
                      r"|(?<![\w.-])[^\W_][\w-]+\.(?:[\w-]+\.)*[^\W\d_]{2,}(?![\w-])")
_DEFANG = re.compile(r"(?i):(?=//)|(?<=mailto):|(?<=\S)[.@](?=[^\s.@])")


def unlinked(text: str, mark: Callable[[str], str]) -> str:
    """``text`` with every character that would start an automatic link replaced by ``mark(c)``."""
    return _AUTOLINK.sub(lambda m: mark(m.group(0)), text)


def reference(char: str) -> str:
    """``char`` as a numeric character reference (for HTML and the chat's Markdown)."""
    return f"&#{ord(char)};"


def backslashed(char: str) -> str:
    """``char`` behind a Markdown backslash escape (for Markdown files)."""
    return "\\" + char


def defanged(text: str) -> str:
    """``text`` with each address-like word's ``://``, ``mailto:``, inner ``.`` and ``@`` written as
    ``[:]``, ``[.]`` and ``[@]`` (for PDF, which has no escape; see the module's note)."""

    def word(m: re.Match[str]) -> str:
        found = m.group(0)
        return _DEFANG.sub(lambda c: f"[{c.group(0)}]", found) if _ADDRESS.search(found) else found

    return _WORD.sub(word, text)


def unquestioned(text: str) -> str:
    """``text`` with the ``?`` of each address-like word (a query string) written as ``/``: a
    sentence that names "https://…/tilbud?utm=x" is no question."""
    return _WORD.sub(lambda m: m.group(0).replace("?", "/") if _ADDRESS.search(m.group(0)) else m.group(0),
                     text)
