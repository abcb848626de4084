"""A real PostgreSQL server for the tests: Debian's binaries, a throwaway cluster in a temp folder,
listening on loopback only, started and stopped by the test session.

``initdb`` refuses to run as root, so as root the cluster belongs to the ``postgres`` user
(Debian's package creates it), else ``nobody``. The tests skip only when no PostgreSQL binaries
are installed (``apt-get install postgresql``; CI installs it in ``.ci/run``).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SUPERUSER = "social_audit"


def bin_dir() -> Path | None:
    """Where initdb, pg_ctl and postgres are: ``$SOCIAL_AUDIT_PG_BIN``, Debian's newest version
    under /usr/lib/postgresql, or the PATH."""
    candidates = [os.environ.get("SOCIAL_AUDIT_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]),
                         reverse=True)
    which = shutil.which("pg_ctl")
    candidates += [str(Path(which).parent)] if which else []
    for folder in filter(None, candidates):
        if all((Path(folder) / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


def _owner() -> str | None:
    """The user the cluster runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root with neither a postgres nor a nobody user to run PostgreSQL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A running cluster: ``url(db)`` for a database on it, ``create_db()`` for a fresh one."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self._names = itertools.count(1)

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{db}"

    def create_db(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_db(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(args: list[str], user: str | None, log: Path | None = None) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
    out = subprocess.run(args, user=user, env=env, capture_output=True, text=True, timeout=120,
                         cwd="/")
    if out.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
        raise RuntimeError(f"{args[0]} failed ({out.returncode}): {out.stderr.strip()}\n{tail}")


@contextmanager
def postgres_server(binaries: Path, durable: bool = False) -> Iterator[Server]:
    """initdb into a temp folder, ``pg_ctl start`` on 127.0.0.1 and a free port, stop and remove
    at the end. Not ``durable`` (the tests): no fsync, which a throwaway cluster does not need."""
    user = _owner()
    root = Path(tempfile.mkdtemp(prefix="social-audit-pg-"))
    if user is not None:
        shutil.chown(root, user)
    data, log, port = root / "data", root / "server.log", free_port()
    options = f"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    try:
        _run([str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
              "--no-locale", "--no-sync"], user)
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60",
              "start"], user, log)
        try:
            yield Server(root, port)
        finally:
            _run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], user, log)
    finally:
        shutil.rmtree(root, ignore_errors=True)
