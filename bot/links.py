"""Web addresses a person typed stay text: no view makes a link of them.

Markdown views (the page's chat, the audit shown on the page, a downloaded ``.md`` opened in any
viewer) make links of their own from bare text: GitHub-flavoured Markdown links anything after a
scheme's ``://``, anything starting ``www.`` and any e-mail address. ``unlinked`` writes the one
character that sets such a link off (that ``:``, that ``.``, that ``@``) with the caller's escape,
so the text reads the same and starts no link. Explicit links (``[x](…)``, ``<http://…>``) are
the callers' own escaping's job (brackets and angle brackets are always escaped).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_AUTOLINK = re.compile(r"(?i)(?<=www)\.|:(?=//)|(?<=[\w.+-])@(?=[\w-])")


def unlinked(text: str, mark: Callable[[str], str]) -> str:
    """``text`` with every character that would start an automatic link replaced by ``mark(c)``."""
    return _AUTOLINK.sub(lambda m: mark(m.group(0)), text)


def reference(char: str) -> str:
    """``char`` as a numeric character reference (for HTML and the chat's Markdown)."""
    return f"&#{ord(char)};"


def backslashed(char: str) -> str:
    """``char`` behind a Markdown backslash escape (for Markdown files)."""
    return "\\" + char
