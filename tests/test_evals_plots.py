"""Plots: each declared plot becomes a valid PNG; matplotlib loads only when a plot is drawn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

from evals.plots import draw
from evals.suite import BarPlot, HistogramPlot


def assert_png(path: Path) -> None:
    assert path.stat().st_size > 1000
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 100 and image.height > 100
        image.verify()


def test_grouped_bars_with_a_score_that_could_not_be_computed(tmp_path: Path) -> None:
    plot = BarPlot("coverage", "Findings coverage per persona", ("bakery", "plumber"),
                   (("coverage", (0.75, None)), ("cited right", (0.5, 1.0))))
    assert_png(draw(plot, tmp_path / "sub" / "coverage.png"))


def test_histogram_with_markers_and_without_samples(tmp_path: Path) -> None:
    plot = HistogramPlot("latency", "Latency", (12.0, 15.5, 40.1, 13.2), "ms", (("p50", 13.2),))
    assert_png(draw(plot, tmp_path / "latency.png"))
    assert_png(draw(HistogramPlot("empty", "No samples", ()), tmp_path / "empty.png"))


def test_importing_the_eval_command_loads_no_matplotlib() -> None:
    code = ("import sys, evals.cli, evals.report, evals.suites, evals.retrieval, evals.runner\n"
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
