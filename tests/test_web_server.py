"""``social-audit serve``: a real process over an existing index, ready and answering on loopback;
one-line errors without an index or with a bad brand file; ``--brand`` adds its corpus folders."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import click
import httpx
import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.config import Settings
from tests.conftest import write
from tests.servers import EXE, serving
from tests.web_kit import free_port


def test_serve_is_ready_and_answers(bundled_settings: Settings, bundled_store: Any, tmp_path: Path) -> None:
    env = {"SOCIAL_AUDIT_API_KEYS": "serve-test-key-0123456789"}
    with serving(bundled_settings.home, env=env) as served:
        print(f"\nserve: {served.ready_line.strip()} (seen by the test after {served.waited:.1f} s)")
        assert httpx.get(f"{served.url}/healthz").json() == {"status": "ok"}
        assert "<html" in httpx.get(f"{served.url}/").text.lower()
        res = httpx.post(f"{served.url}/api/v1/sessions", headers={"X-API-Key": "serve-test-key-0123456789"})
        assert res.status_code == 201 and res.json()["reply"]["question"]


def test_serve_without_an_index_says_what_to_do(tmp_path: Path) -> None:
    out = subprocess.run([*EXE, "--home", str(tmp_path), "serve", "--port", str(free_port())],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    expected = f"error: no index found at {tmp_path / 'chroma'}; run `social-audit ingest` first"
    assert out.stderr.strip() == expected


def test_a_bad_brand_file_is_one_line(tmp_path: Path) -> None:
    brand = write(tmp_path, "brand.yaml", "colours: {text: '#777777', background: '#888888'}\n")
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "serve", "--brand", str(brand)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: brand file {brand}: colours") and "contrast" in result.output


def test_the_global_brand_option_adds_its_corpus_folders(tmp_path: Path) -> None:
    brand = write(tmp_path, "brand.yaml", "extra_corpus: [guidance]\n")

    @click.command()
    @click.pass_obj
    def show(settings: Settings) -> None:
        click.echo(" ".join(str(p) for p in settings.extra_corpus))

    cli.add_command(show, "show-corpus-for-test")
    try:
        result = CliRunner().invoke(cli, ["--brand", str(brand), "show-corpus-for-test"],
                                    env={"SOCIAL_AUDIT_CORPUS": ""})
    finally:
        cli.commands.pop("show-corpus-for-test")
    assert result.exit_code == 0 and result.output.strip() == str((tmp_path / "guidance").resolve())


@pytest.mark.parametrize("args", [["serve", "--port", "0"], ["serve", "--port", "70000"]])
def test_bad_ports_are_usage_errors(args: list[str]) -> None:
    assert CliRunner().invoke(cli, args).exit_code == 2
