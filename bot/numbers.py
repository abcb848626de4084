"""Numbers as written in text, each with every value it may mean (shared by the checks that keep
generated text from inventing figures: the audit narrative and machine glosses)."""

from __future__ import annotations

import re

NUMBER = re.compile(r"(?<![^\W\d_])(?<![\d.,])\d+(?:[\u00a0\u202f]\d{3}(?!\d))*(?:[.,]\d+)*")
_SPACE_GROUP = re.compile(r"[\u00a0\u202f]")  # the no-break spaces bot/l10n.py groups thousands with


def readings(token: str) -> set[float]:
    """The values a number as written may mean: 1,5 and 1.5 are 1.5; 5,000 may also be 5000."""
    token = _SPACE_GROUP.sub("", token)
    out = set()
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", token):
        out.add(float(re.sub(r"[.,]", "", token)))
    head, _, tail = token.replace(",", ".").partition(".")
    out.add(float(f"{head}.{tail.replace('.', '')}" if tail else head))
    return out


def numbers_in(text: str) -> list[set[float]]:
    """The numbers written in ``text``, each as its possible readings."""
    return [readings(m.group(0)) for m in NUMBER.finditer(text)]
