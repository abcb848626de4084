"""Numbers as written in text, each with every value it may mean (shared by the checks that keep
generated text from inventing figures: the audit narrative and machine glosses)."""

from __future__ import annotations

import re

NUMBER = re.compile(r"(?<![^\W\d_])(?<![\d.,])\d+(?:[.,]\d+)*")


def readings(token: str) -> set[float]:
    """The values a number as written may mean: 1,5 and 1.5 are 1.5; 5,000 may also be 5000."""
    out = set()
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", token):
        out.add(float(re.sub(r"[.,]", "", token)))
    head, _, tail = token.replace(",", ".").partition(".")
    out.add(float(f"{head}.{tail.replace('.', '')}" if tail else head))
    return out


def numbers_in(text: str) -> list[set[float]]:
    """The numbers written in ``text``, each as its possible readings."""
    return [readings(m.group(0)) for m in NUMBER.finditer(text)]
