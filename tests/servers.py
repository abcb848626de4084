"""Real server processes for the tests, on loopback: ``social-audit serve`` (start, wait until it
says it is ready, stop or kill it) and a ``chroma run`` server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

from tests.web_kit import free_port

EXE = [sys.executable, "-c", "from bot.cli import main; main()"]
READY_WAIT = 300.0  # seconds a starting process may take on a loaded 2-core machine


class Served:
    """One ``social-audit serve`` process: its URL, its output so far, and how it ends."""

    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc, self.port = proc, port
        self.url = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self.waited = 0.0  # seconds from the start until the test saw the ready line
        self._started = time.perf_counter()
        self._first = threading.Event()
        self._reader = threading.Thread(target=self._drain, name=f"serve-{port}-output", daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        """Keep reading the output (a full pipe would block the server)."""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            self._first.set()
        self._first.set()

    def wait_ready(self) -> None:
        """Until the first line says the app is ready; else kill it and fail with its output."""
        self._first.wait(READY_WAIT)
        self.waited = time.perf_counter() - self._started
        if f"ready at http://127.0.0.1:{self.port}/" not in self.ready_line:
            self.kill()
            raise AssertionError(f"serve was not ready within {READY_WAIT:.0f} s:\n{self.output()[-3000:]}")

    @property
    def ready_line(self) -> str:
        return self.lines[0] if self.lines else ""

    def output(self) -> str:
        return "".join(self.lines)

    def kill(self) -> None:
        """SIGKILL: no shutdown code of the app runs, as when the machine or the OOM killer stops it."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._reader.join(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            with suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=20)
        self.kill()


def launch(home: Path, port: int | None = None, env: Mapping[str, str] | None = None,
           args: tuple[str, ...] = ()) -> Served:
    """``social-audit --home HOME serve --port PORT`` with ``env`` added to this environment, not
    waited for (start several, then ``wait_ready`` each)."""
    port = port or free_port()
    proc = subprocess.Popen([*EXE, "--home", str(home), "serve", "--port", str(port), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **(env or {})})
    return Served(proc, port)


def start_serve(home: Path, port: int | None = None, env: Mapping[str, str] | None = None,
                args: tuple[str, ...] = ()) -> Served:
    """``launch``, returned once its first line says it is ready (AssertionError otherwise)."""
    served = launch(home, port, env, args)
    served.wait_ready()
    return served


@contextmanager
def serving(home: Path, port: int | None = None, env: Mapping[str, str] | None = None,
            args: tuple[str, ...] = ()) -> Iterator[Served]:
    """``start_serve`` for the block; stopped after it (unless the block killed it already)."""
    served = start_serve(home, port, env, args)
    try:
        yield served
    finally:
        served.stop()


@contextmanager
def chroma_server(data: Path) -> Iterator[str]:
    """A real ``chroma run`` server storing in ``data``, on a free loopback port; yields its URL."""
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    assert exe, "the chroma command ships with chromadb"
    port = free_port()
    data.mkdir(parents=True, exist_ok=True)
    log = (data / "server.log").open("wb")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data / "server.log").read_text()[-2000:]) from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def page_secret(served: Served) -> str:
    """The key the page gives browsers to decrypt the session id they stored."""
    config = httpx.get(f"{served.url}/config", timeout=60).json()
    found = [c["props"]["secret"] for c in config["components"] if c.get("type") == "browserstate"]
    assert len(found) == 1, found
    secret: str = found[0]
    return secret
