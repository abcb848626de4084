"""A damaged knowledge base, as the web user and the API client see it: one notice naming the repair
command, never a traceback, the conversation kept; the index's path and cause only in the log.

Each test damages its own copy of the bundled index (the shared one is never touched): the vector
files removed before the app starts, or the database overwritten while a conversation is going on.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.interview.policy import load as load_policy
from bot.retrieval.embed import ProjectEmbeddings
from bot.retrieval.retrieve import Retriever
from bot.retrieval.store import open_store
from bot.web.app import Parts, build_service
from bot.web.handlers import Handlers, View
from bot.web.strings import t
from tests.web_kit import KEY, brand, make_app

IP = "192.0.2.44"
REPAIR = "social-audit ingest --rebuild"


def _forget_chroma_clients() -> None:
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def copy_index(bundled_settings: Settings, home: Path) -> Settings:
    settings = Settings(home=home)
    shutil.copytree(bundled_settings.chroma_path, settings.chroma_path)
    return settings


def lose_vectors(settings: Settings) -> None:
    for segment in (p for p in settings.chroma_path.iterdir() if p.is_dir()):
        shutil.rmtree(segment)
    _forget_chroma_clients()


def overwrite_database(settings: Settings) -> None:
    (settings.chroma_path / "chroma.sqlite3").write_bytes(b"not a database" * 1000)


@pytest.fixture
def damaged(bundled_store: Any, bundled_settings: Settings, tmp_path: Path,
            embedder: ProjectEmbeddings) -> Iterator[Retriever]:
    """A retriever over a copy of the bundled index whose vector files are gone."""
    settings = copy_index(bundled_settings, tmp_path / "damaged")
    lose_vectors(settings)
    yield Retriever(open_store(settings), embedder)
    _forget_chroma_clients()


def handlers_over(retriever: Retriever, home: Path) -> Handlers:
    the_brand = brand()
    return Handlers(build_service(Settings(home=home), the_brand, Parts(retriever=retriever)), the_brand,
                    load_policy())


def last(views: Any) -> View:
    return list(views)[-1]


def test_a_first_visit_to_a_damaged_index_gets_the_notice_not_a_traceback(
        damaged: Retriever, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    h = handlers_over(damaged, tmp_path / "web")
    with caplog.at_level(logging.ERROR, logger="bot.web.handlers"):
        view = h.load(None, None, IP)
    assert view.session_id == "" and view.notice == t("store_down", "en")
    assert REPAIR in view.notice and str(tmp_path) not in view.notice  # no server path on the page
    assert any("damaged" in r.getMessage() and str(tmp_path) in r.getMessage() for r in caplog.records)
    sv = h.load(None, "sv", IP)
    assert sv.notice == t("store_down", "sv") and "Kunskapsbasen" in sv.notice


def test_damage_mid_conversation_keeps_the_conversation_and_says_what_to_do(
        bundled_store: Any, bundled_settings: Settings, embedder: ProjectEmbeddings, tmp_path: Path) -> None:
    settings = copy_index(bundled_settings, tmp_path / "index")
    retriever = Retriever(open_store(settings), embedder)
    h = handlers_over(retriever, tmp_path / "web")
    start = h.load(None, None, IP)
    after = last(h.send(start.session_id, "en", start.quick[0], IP))
    assert not after.notice and len(after.messages) == len(start.messages) + 2
    overwrite_database(settings)
    retriever.refresh()  # what the app does by itself within five seconds
    views = list(h.send(after.session_id, "en", "How should I answer complaints on Facebook?", IP))
    assert len(views) == 1 and views[0].notice == t("store_down", "en")
    assert views[0].messages == after.messages  # nothing half-stored, nothing lost
    assert h.load(after.session_id, None, IP).messages == after.messages  # a reload shows it too
    _forget_chroma_clients()


def test_the_api_answers_503_with_a_one_line_detail_and_no_path(damaged: Retriever, tmp_path: Path) -> None:
    client = TestClient(make_app(tmp_path / "api", damaged, brand()))
    res = client.post("/api/v1/sessions", headers={"X-API-Key": KEY})
    assert res.status_code == 503
    detail = res.json()["detail"]
    assert REPAIR in detail and "\n" not in detail and str(tmp_path) not in detail


def test_rebuild_repairs_the_damaged_copy(damaged: Retriever, embedder: ProjectEmbeddings) -> None:
    """The command the notice names does repair it: afterwards the same page works."""
    from ingest.pipeline import ingest

    settings = damaged.store.settings
    ingest(settings, embedder, damaged.store, rebuild=True)
    damaged.refresh()
    h = handlers_over(damaged, settings.home / "web")
    view = h.load(None, None, IP)
    assert view.session_id and not view.notice and view.quick
