"""Traces a session leaves in one app process (audit files offered for download, the audit cached
in memory) outlive its deletion through *another* process sharing the sessions database; each
process sweeps its own within a minute (``social-audit serve`` runs a ``Sweeper``)."""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)
EVERY_SECONDS = 60.0


def sweep_folders(folder: Path, exists: Callable[[str], bool]) -> list[str]:
    """Remove the sub-folders of ``folder`` whose session no longer ``exists``; their names."""
    if not folder.is_dir():
        return []
    gone = sorted(entry.name for entry in folder.iterdir() if entry.is_dir() and not exists(entry.name))
    for name in gone:
        shutil.rmtree(folder / name, ignore_errors=True)
    return gone


class Sweeper:
    """Runs ``job`` every ``every`` seconds in a daemon thread until ``stop``; a failing run is
    logged (one line) and the next one comes as usual."""

    def __init__(self, job: Callable[[], object], every: float = EVERY_SECONDS) -> None:
        self.job, self.every = job, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="social-audit-sweeper", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every + 5)

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.job()
            except Exception as err:  # e.g. the sessions database is down for a moment
                log.warning("sweeping deleted sessions failed (%s: %s); trying again in %.0f s",
                            type(err).__name__, err, self.every)
