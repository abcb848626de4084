"""What an eval suite is and what it returns: typed, frozen data that the report and the gates read.

A suite runs the product on its cases and returns a :class:`SuiteResult`: flat metrics (dotted
names such as ``test.recall@3``), one record per case with a pass/fail verdict, a preformatted
table for people, and the plots it wants drawn. Gates (thresholds, baseline) and the report are
separate and work on this data only.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from bot.config import Settings

Metrics = dict[str, float | None]  # None: the score could not be computed (counts as a failure)


def finite(value: Any) -> float | None:
    """``value`` as a float, or None when it is missing, not a number, NaN or infinite."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def matches(name: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """Whether metric ``name`` matches any of the fnmatch ``patterns`` (``*`` spans dots)."""
    return any(fnmatchcase(name, p) for p in patterns)


@dataclass(frozen=True)
class CaseRecord:
    """One case: its id, whether it passed, and everything needed to see why (JSON-ready)."""

    id: str
    passed: bool
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BarPlot:
    """Grouped bars: one group per category (e.g. language), one bar per series (e.g. recall@3)."""

    name: str  # file stem
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]  # (label, one value per category)
    ylabel: str = ""
    ylim: tuple[float, float] | None = (0.0, 1.0)


@dataclass(frozen=True)
class HistogramPlot:
    """A distribution of samples, with labelled vertical markers (e.g. p50, p95)."""

    name: str
    title: str
    values: tuple[float, ...]
    xlabel: str = ""
    markers: tuple[tuple[str, float], ...] = ()


Plot = BarPlot | HistogramPlot


@dataclass(frozen=True)
class SuiteResult:
    """What one run of one suite produced."""

    metrics: Metrics
    cases: tuple[CaseRecord, ...]
    table: str = ""  # human-readable figures, printed and put in summary.md as is
    plots: tuple[Plot, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)  # nested figures, kept in results.json
    pass_rule: str = ""  # when a case passes, in words

    def clean_metrics(self) -> Metrics:
        """Metrics with every NaN or infinity turned into None (JSON never holds NaN)."""
        return {name: finite(value) for name, value in sorted(self.metrics.items())}


@dataclass(frozen=True)
class Suite:
    """A registered suite. ``run(settings, fast)`` evaluates the product and returns the result."""

    name: str
    description: str
    fast_subset: str  # what ``--fast`` runs, in words
    run: Callable[[Settings, bool], SuiteResult]
    lower_is_better: tuple[str, ...] = ()  # metric patterns where a rise is a regression


def warm_engine_context(settings: Settings) -> Any:
    """An interview ``Context`` on the index of ``settings``, with the model and index already
    loaded, so that loading them is not counted as a step's latency."""
    from bot.interview.state import Context
    from bot.retrieval import open_retriever

    retriever = open_retriever(settings)
    retriever.search("warm up", 1)
    return Context(retriever=retriever)
