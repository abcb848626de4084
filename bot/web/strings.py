"""The web app's labels per language (``bot/data/ui.yaml``), filled strictly."""

from __future__ import annotations

import string
from typing import Any

from bot import datafiles
from bot import lang as langs
from bot.errors import SocialAuditError


class StringError(SocialAuditError):
    """A UI string is missing or was filled without one of its values."""


def table() -> dict[str, dict[str, str]]:
    """``bot/data/ui.yaml``: each label's text per language."""
    return datafiles.load("ui.yaml", dict[str, dict[str, str]])


def language_name(code: str) -> str:
    """A language as its speakers write it ("Svenska"), for the language menu; the code if unknown."""
    known = langs.registry().languages
    return next((x.native for x in known if x.code == code), code)


def t(key: str, lang: str, **values: Any) -> str:
    """The label ``key`` in ``lang`` (English when that language lacks it), filled with ``values``."""
    entry = table().get(key)
    if entry is None:
        raise StringError(f"no UI string {key!r} in bot/data/ui.yaml")
    template = entry.get(lang) or entry["en"]
    needed = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    if missing := needed - set(values):
        raise StringError(f"UI string {key!r} needs {', '.join(sorted(missing))}")
    return template.format_map(values)
