"""``social-audit bench --only app``: the web app as a separate process, driven over HTTP.

- cold start: from launching ``social-audit serve`` to ``/healthz`` answering, beside a floor
  measured in the same run (a process that only imports the UI framework and loads the index);
- load: N concurrent sessions through the JSON API, each a full scripted interview, each from its
  own client address (``X-Forwarded-For``, which the server trusts from loopback): turn latency
  p50/p95, errors, and lost turns (the stored transcript must hold every message sent);
- limits under that load: an abusive client at the same time must get exactly the refusals the
  brand's limits promise (429 past the per-session rate, 413 past the message size);
- peak memory of the server process (VmHWM) after all of it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings
from evals.bench import percentiles

KEY = "bench-key-" + "0" * 24  # keys need 16+ characters
_FLOOR = ("import gradio; from bot.config import Settings; from bot.web.server import warm; "
          "warm(Settings(home=__import__('pathlib').Path(__import__('sys').argv[1])))")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 180.0) -> float:
    import httpx

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited with {proc.returncode}; see its log")
        try:
            if httpx.get(url + "/healthz", timeout=1.0).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"serve was not ready within {timeout:.0f} s")


def _floor_seconds(settings: Settings) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", _FLOOR, str(settings.home)], check=True, env=_env(settings))
    return time.perf_counter() - started


def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "SOCIAL_AUDIT_HOME": str(settings.home), "SOCIAL_AUDIT_API_KEYS": KEY,
            "SOCIAL_AUDIT_LLM": "", "HF_HUB_OFFLINE": "1"}


def _scripts() -> list[list[str]]:
    path = Path(__file__).with_name("turn_scripts.yaml")
    return [c["messages"] for c in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]]


def _interview(client: Any, messages: list[str], ip: str) -> dict[str, Any]:
    headers = {"X-API-Key": KEY, "X-Forwarded-For": ip}
    times: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    created = client.post("/api/v1/sessions", json={}, headers=headers)
    times.append((time.perf_counter() - started) * 1000)
    if created.status_code != 201:
        return {"turn_ms": times, "errors": [f"create {created.status_code}"], "lost": 0}
    session_id = created.json()["session_id"]
    for message in messages:
        started = time.perf_counter()
        reply = client.post(f"/api/v1/sessions/{session_id}/messages", json={"text": message},
                            headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        if reply.status_code != 200:
            errors.append(f"send {reply.status_code}")
    state = client.get(f"/api/v1/sessions/{session_id}", headers=headers).json()
    users = [t["text"] for t in state["state"]["transcript"] if t["role"] == "user"]
    return {"turn_ms": times, "errors": errors, "lost": len(messages) - len(users),
            "in_order": users == messages}


def _abuse(client: Any, per_session: int, max_chars: int) -> dict[str, int]:
    headers = {"X-API-Key": KEY, "X-Forwarded-For": "10.255.0.1"}
    session_id = client.post("/api/v1/sessions", json={}, headers=headers).json()["session_id"]
    codes: dict[str, int] = {}
    for i in range(per_session + 10):
        status = client.post(f"/api/v1/sessions/{session_id}/messages",
                             json={"text": f"skip {i}"}, headers=headers).status_code
        codes[str(status)] = codes.get(str(status), 0) + 1
    oversized = client.post(f"/api/v1/sessions/{session_id}/messages",  # over the raw-body guard
                            json={"text": "x" * (max_chars * 4 + 4097)}, headers=headers).status_code
    return {**{f"rate_{k}": v for k, v in codes.items()}, "oversized_status": oversized}


def _load(url: str, sessions: int) -> dict[str, Any]:
    import httpx

    from bot.web.brand import Limits

    scripts, limits = _scripts(), Limits()
    with httpx.Client(base_url=url, timeout=120.0,
                      limits=httpx.Limits(max_connections=sessions + 4)) as client:
        client.get("/healthz")
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=sessions + 1) as pool:
            abuse = pool.submit(_abuse, client, limits.messages_per_minute_per_session,
                                limits.max_message_chars)
            runs = list(pool.map(lambda i: _interview(client, scripts[i % len(scripts)],
                                                      f"10.0.{i // 250}.{i % 250 + 1}"),
                                 range(sessions)))
        wall = time.perf_counter() - started
    turns = [t for r in runs for t in r["turn_ms"]]
    return {"sessions": sessions, "requests": len(turns), "wall_s": round(wall, 2),
            "turn_ms": percentiles(turns), "errors": sum(len(r["errors"]) for r in runs),
            "error_kinds": sorted({e for r in runs for e in r["errors"]}),
            "lost_turns": sum(r["lost"] for r in runs),
            "out_of_order": sum(1 for r in runs if not r.get("in_order", False)),
            "limits": {"messages_per_minute_per_session": limits.messages_per_minute_per_session,
                       "max_message_chars": limits.max_message_chars, **abuse.result()}}


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def bench_app(settings: Settings, sessions: int = 50) -> dict[str, Any]:
    """Cold start beside its floor, then N concurrent scripted interviews over the API. Runs on a
    copy of the index in a scratch home, so the bench's sessions never mix with real ones."""
    import shutil

    with tempfile.TemporaryDirectory() as scratch:
        home = settings.model_copy(update={"home": Path(scratch) / "home"})
        shutil.copytree(settings.chroma_path, home.chroma_path)
        floor = _floor_seconds(home)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with (Path(scratch) / "serve.log").open("wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
                                    env=_env(home), stdout=out, stderr=subprocess.STDOUT)
            try:
                try:
                    cold = _wait_ready(url, proc)
                except RuntimeError as err:
                    log = (Path(scratch) / "serve.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"{err}:\n{log}") from err
                load = _load(url, sessions)
                peak = _peak_rss_mb(proc.pid)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    return {"cold_start_s": round(cold, 2), "cold_start_floor_s": round(floor, 2),
            "cold_start_ratio": round(cold / floor, 2), "load": load, "server_peak_rss_mb": peak}


def app_markdown(r: dict[str, Any]) -> list[str]:
    load, lim = r["load"], r["load"]["limits"]
    t = load["turn_ms"]
    return ["## Web app (a `serve` process, driven over HTTP)", "",
            f"- cold start to `/healthz`: {r['cold_start_s']} s; floor (a process that imports the "
            f"UI framework and loads the index): {r['cold_start_floor_s']} s; "
            f"ratio {r['cold_start_ratio']}x; target < 10 s",
            f"- {load['sessions']} concurrent scripted interviews through the JSON API, "
            f"{load['requests']} requests in {load['wall_s']} s: turn p50 {t['p50']} ms, "
            f"p95 {t['p95']} ms; errors {load['errors']}, lost turns {load['lost_turns']}, "
            f"transcripts out of order {load['out_of_order']}",
            f"- limits under that load: {lim['messages_per_minute_per_session'] + 10} messages in one "
            f"minute to one session gave "
            + ", ".join(f"{k[5:]}×{v}" for k, v in sorted(lim.items()) if k.startswith("rate_"))
            + f" (allowed {lim['messages_per_minute_per_session']}); a message of "
            f"{lim['max_message_chars'] * 4 + 4097} characters (over the body guard; a message between "
            f"{lim['max_message_chars']} and that is cut and read) gave {lim['oversized_status']}",
            f"- server peak memory (VmHWM): {r['server_peak_rss_mb']} MB", ""]
