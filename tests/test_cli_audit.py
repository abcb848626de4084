"""`social-audit audit --answers FILE`: scripted turns in, transcript and cited audit out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.citations import Citation, verify
from bot.cli import cli

SWEDISH = ["Vi är en liten byrå som säljer redovisningstjänster till andra företag, mest till folk vi "
           "redan känner och via rekommendationer.",
           "En typisk affär är ungefär 20 000 kr och det tar några veckor.",
           "Jag har ungefär 3 timmar i veckan.",
           "Vi finns på Facebook och LinkedIn, och vi har ingen e-postlista.",
           "Jag svarar själv, oftast inom en dag.",
           "Ingen annonsbudget.",
           "Vi svarar alltid på kritik, men vi har ingen plan för det.",
           "Målet är försäljning och relationer."]


@pytest.fixture
def run(bundled_store, bundled_settings, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOCIAL_AUDIT_HOME", str(bundled_settings.home))
    monkeypatch.delenv("SOCIAL_AUDIT_LLM", raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)


def _answers(tmp_path: Path, messages: list[str]) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(messages, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_json_holds_the_transcript_and_an_audit_whose_citations_resolve(
        run, tmp_path, bundled_retriever) -> None:
    result = run("audit", "--answers", _answers(tmp_path, SWEDISH), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    users = [t["text"] for t in data["transcript"] if t["role"] == "user"]
    assert users == SWEDISH
    audit = data["audit"]
    assert audit["lang"] == "sv"
    verdicts = {c["channel"]: c["verdict"] for c in audit["channels"]}
    assert {"facebook", "linkedin"} <= set(verdicts)
    assert audit["findings"] and all(f["citations"] for f in audit["findings"])
    verify([Citation.from_json(c) for c in audit["citations"]], bundled_retriever)


def test_a_short_script_ends_early_and_the_audit_names_what_is_missing(run, tmp_path) -> None:
    result = run("audit", "--answers", _answers(tmp_path, ["We sell to consumers in our shop."]),
                 "--format", "json", "--lang", "en")
    data = json.loads(result.output)
    assert data["complete"] is False
    gaps = {g["path"] for g in data["audit"]["gaps"]}
    assert "resources.hours_per_week" in gaps


def test_markdown_prints_transcript_then_audit_and_pdf_needs_a_file(run, tmp_path) -> None:
    md = run("audit", "--answers", _answers(tmp_path, SWEDISH))
    assert md.exit_code == 0
    assert md.output.index("# Transcript") < md.output.index("# Kanalgranskning")
    refused = CliRunner().invoke(cli, ["audit", "--answers", _answers(tmp_path, SWEDISH), "--format", "pdf"])
    assert refused.exit_code == 2 and "needs -o FILE" in refused.output
    pdf = tmp_path / "audit.pdf"
    written = run("audit", "--answers", _answers(tmp_path, SWEDISH), "--format", "pdf", "-o", str(pdf))
    assert written.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("content", ["not json", '{"a": 1}', '["ok", 3]'])
def test_a_bad_answers_file_is_one_line_of_advice(run, tmp_path, content) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["audit", "--answers", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert "JSON list" in result.output
