"""The sweeper of traces a session left in this process after another process deleted it."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.web.sweep import Sweeper, sweep_folders


def test_only_the_folders_of_sessions_that_are_gone_are_removed(tmp_path: Path) -> None:
    for name in ("alive", "gone-1", "gone-2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "audit.pdf").write_bytes(b"%PDF")
    (tmp_path / "stray.txt").write_text("not a session folder")
    assert sweep_folders(tmp_path, lambda sid: sid == "alive") == ["gone-1", "gone-2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alive", "stray.txt"]
    assert sweep_folders(tmp_path / "missing", lambda sid: False) == []


def test_the_sweeper_runs_again_after_a_failing_run_and_stops() -> None:
    runs: list[int] = []
    third = threading.Event()

    def job() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("database down for a moment")
        if len(runs) >= 3:
            third.set()

    sweeper = Sweeper(job, every=0.01).start()
    assert third.wait(timeout=30)
    sweeper.stop()
    count = len(runs)
    assert count >= 3 and not sweeper._thread.is_alive()
