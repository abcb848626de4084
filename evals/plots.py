"""Draw the plots a suite declares (:data:`evals.suite.Plot`) as PNG files, with matplotlib.

matplotlib is imported inside :func:`draw`, with the non-interactive Agg backend, so that importing
the eval package stays light. A new kind of plot is a dataclass in ``evals.suite`` and a drawer here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.suite import BarPlot, HistogramPlot, Plot


def draw(plot: Plot, path: Path) -> Path:
    """Write ``plot`` to ``path`` (PNG) and return the path."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(8, 4.5), dpi=100)
    try:
        if isinstance(plot, BarPlot):
            _bars(axes, plot)
        else:
            _histogram(axes, plot)
        axes.set_title(plot.title)
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format="png")
    finally:
        pyplot.close(figure)
    return path


def _bars(axes: Any, plot: BarPlot) -> None:
    count = max(len(plot.series), 1)
    width = 0.8 / count
    for i, (label, values) in enumerate(plot.series):
        xs = [j + (i - (count - 1) / 2) * width for j in range(len(plot.categories))]
        heights = [0.0 if v is None else v for v in values]
        bars = axes.bar(xs, heights, width, label=label)
        for bar, value in zip(bars, values, strict=True):
            if value is None:  # could not be computed: say so on the chart, never draw a NaN
                axes.annotate("n/a", (bar.get_x() + bar.get_width() / 2, 0.0), ha="center",
                              va="bottom", fontsize=7)
    axes.set_xticks(range(len(plot.categories)), plot.categories)
    if len(plot.categories) > 7 or max((len(c) for c in plot.categories), default=0) > 8:
        axes.tick_params(axis="x", labelrotation=35, labelsize=8)  # many or long names: slanted
        for label in axes.get_xticklabels():
            label.set_horizontalalignment("right")
    axes.set_ylabel(plot.ylabel)
    if plot.ylim:  # head room above the top for the legend
        low, high = plot.ylim
        axes.set_ylim(low, high + (high - low) * 0.15)
    else:
        top = max((v for _, values in plot.series for v in values if v is not None), default=0.0)
        if top > 0:
            axes.set_ylim(0.0, top * 1.2)
    if plot.series:
        axes.legend(loc="upper center", ncol=len(plot.series), fontsize=8)
    axes.grid(axis="y", alpha=0.3)


def _histogram(axes: Any, plot: HistogramPlot) -> None:
    if plot.values:
        axes.hist(plot.values, bins=min(40, max(5, len(plot.values) // 4)), color="#4c72b0")
    else:
        axes.text(0.5, 0.5, "no samples", ha="center", va="center", transform=axes.transAxes)
    for i, (label, value) in enumerate(plot.markers):
        axes.axvline(value, color=f"C{i + 1}", linestyle="--",
                     label=f"{label} {value:.1f} {plot.xlabel}".rstrip())
    if plot.markers:
        axes.legend(fontsize=8)
    axes.set_xlabel(plot.xlabel)
    axes.set_ylabel("count")

