"""The consistency checks as the eval suites count them: per audit, the violations the checks
caught and corrected while it was built (``Audit.corrected``: the rules and data produced them),
and those left in the audit as shown (``bot.audit.consistency.check``; the product's corrections
should leave none). Both are gated at zero (evals/thresholds.yaml)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.audit import Audit
from bot.audit.consistency import check


def caught(audit: Audit) -> tuple[str, ...]:
    """The violations corrected while ``audit`` was built, as "check ref: detail"."""
    return tuple(f"{v.check} {v.ref}: {v.detail}" for v in audit.corrected)


def shown(audit: Audit) -> tuple[str, ...]:
    """The violations left in ``audit`` as it is shown."""
    return tuple(f"{v.check} {v.ref}: {v.detail}" for v in check(audit))


def figures(found: Iterable[tuple[Iterable[Any], Iterable[Any]]], prefix: str = "") -> dict[str, float]:
    """``consistency.violations`` and ``consistency.shown`` over (caught, shown) pairs."""
    pairs = [(list(c), list(s)) for c, s in found]
    return {f"{prefix}consistency.violations": float(sum(len(c) for c, _ in pairs)),
            f"{prefix}consistency.shown": float(sum(len(s) for _, s in pairs))}
