"""The CLI through click's runner, on a real index in a temp home."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli, load_plugins
from tests.conftest import write


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOCIAL_AUDIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SOCIAL_AUDIT_EMBEDDER", raising=False)
    monkeypatch.delenv("SOCIAL_AUDIT_CHROMA_URL", raising=False)
    runner = CliRunner()
    load_plugins(cli)
    return lambda *args, **kw: runner.invoke(cli, list(args), catch_exceptions=False, **kw)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    write(folder, "service.txt", "Kundeservice\nBemandingen skal være i orden, og den skal kunne "
          "svare hurtigt og afværge shitstorme.\n")
    write(folder, "email.txt", "Email\nYour subscriber list belongs to you; on Facebook the "
          "platform decides who sees your posts.\n")
    return folder


def test_ingest_then_no_change(run, docs) -> None:
    first = run("ingest", str(docs))
    assert first.exit_code == 0, first.output
    assert "2 documents; chunks 2 added, 0 kept, 0 removed" in first.output
    second = run("ingest", str(docs), "--json")
    report = json.loads(second.output)
    assert report["chunks_added"] == 0 and report["chunks_kept"] == 2


def test_search_json_and_batch_contract(run, docs, tmp_path) -> None:
    run("ingest", str(docs))
    result = run("search", "who answers customer complaints?", "-k", "1", "--json")
    payload = json.loads(result.output)
    assert payload["query"] == "who answers customer complaints?"
    assert payload["hits"][0]["source"] == "service.txt"
    queries = tmp_path / "q.txt"
    queries.write_text("mailing list\n\nhvem svarer kunderne?\n", encoding="utf-8")
    lines = run("search", "--batch", str(queries), "-k", "2").output.strip().splitlines()
    assert len(lines) == 2
    for line in lines:
        obj = json.loads(line)
        assert set(obj) == {"query", "hits"}
        for hit in obj["hits"]:
            assert {"chunk_id", "source", "lang", "title", "text", "score", "gloss"} <= set(hit)
            assert isinstance(hit["score"], float)


def test_user_mistakes_are_one_line_errors(run, docs) -> None:
    missing = run("search", "anything")
    assert missing.exit_code == 1
    assert missing.output.strip().startswith("error: no index found")
    assert "Traceback" not in missing.output
    unknown = run("--embedder", "word2vec", "ingest", str(docs))
    assert unknown.exit_code == 1
    assert unknown.output.strip().count("\n") == 0 and "choose one of" in unknown.output
    nothing = run("ingest", "/no/such/folder")
    assert nothing.exit_code == 1 and "does not exist" in nothing.output


def test_mismatched_embedder_at_search_says_reingest(run, docs) -> None:
    run("ingest", str(docs))
    result = run("--embedder", "sentence-transformers:all-MiniLM-L6-v2", "search", "email")
    assert result.exit_code == 1 and "re-ingest" in result.output


def test_chat_answers_from_the_index(run, docs) -> None:
    run("ingest", str(docs))
    result = run("chat", input="who owns my mailing list?\n\n")
    assert result.exit_code == 0
    assert "[1]" in result.output and "email.txt" in result.output
