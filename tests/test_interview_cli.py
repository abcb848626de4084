"""`social-audit chat`: the interview in a terminal, resumable by session id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOCIAL_AUDIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SOCIAL_AUDIT_LLM", raising=False)
    monkeypatch.delenv("SOCIAL_AUDIT_CHROMA_URL", raising=False)
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(cli, list(args), catch_exceptions=False, **kw)


def test_chat_interviews_and_resumes(run) -> None:  # type: ignore[no-untyped-def]
    first = run("chat", "--lang", "sv", input="Vi säljer till företag via rekommendationer\n\nquit\n")
    assert first.exit_code == 0, first.output
    assert "Hej!" in first.output and "Noterat: kunder: företag (B2B)" in first.output
    assert "Företag (B2B)  |  Privatpersoner (B2C)" in first.output  # quick replies
    assert "side questions cannot be answered" in first.output  # no index in this home
    session_id = re.search(r"session ([0-9a-f]{32})", first.output).group(1)  # type: ignore[union-attr]
    again = run("chat", "--session", session_id, input="Cirka 50 000 kr, det tar två månader\n")
    assert again.exit_code == 0
    assert "Hur stor är en typisk affär" in again.output  # the open question, shown again
    assert "typisk affär: 50\u00a0000\u00a0SEK" in again.output


def test_an_unknown_session_is_a_one_line_error(run) -> None:  # type: ignore[no-untyped-def]
    result = run("chat", "--session", "nope", input="")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("error: no interview session 'nope'")
