"""Names of the audit's download files: ``audit-<business>-<date>.<ext>``, the business name (when the
owner gave one) slugged to safe ASCII, so every browser and file system keeps the name as written."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

SLUG_CHARS = 40
# Letters NFKD does not take apart into a base letter and a mark.
_SPELLED = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "œ": "oe", "ð": "d", "þ": "th", "ł": "l",
                          "đ": "d", "ı": "i"})


def slug(name: str) -> str:
    """"Café Ängen & Co. AB" -> "cafe-angen-co-ab": ASCII letters and digits joined by single hyphens,
    at most SLUG_CHARS long, cut at a hyphen; "" when nothing is left (a name in another script)."""
    plain = unicodedata.normalize("NFKD", name.casefold().translate(_SPELLED))
    ascii_only = plain.encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    if len(words) > SLUG_CHARS:
        cut = words.rfind("-", 0, SLUG_CHARS + 1)
        words = words[:cut if cut > SLUG_CHARS // 2 else SLUG_CHARS].strip("-")
    return words


def download_name(ext: str, day: date, business: str | None = None) -> str:
    """``audit-<business>-2026-12-06.pdf``; without a business name ``audit-2026-12-06.pdf``."""
    part = slug(business or "")
    return "-".join(["audit", *([part] if part else []), day.isoformat()]) + f".{ext}"
