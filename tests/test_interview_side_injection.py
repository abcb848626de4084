"""Prompt injection inside an ingested document, met through a side question during the interview.

Side questions are answered from retrieval alone (bot/interview/side.py): no model ever reads the
passage. With the hostile document of tests/test_audit_injection.py beside the bundled corpus and
an obedient model configured (loopback stub, real HTTP), a side question that retrieves the
passage shows it as a verbatim quote with its title, escaped where the page shows it, and the
interview goes on as if the passage had said nothing: same next question, same profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.citations import verify
from bot.config import Settings
from bot.interview import engine
from bot.interview.display import format_reply
from bot.interview.state import Context, InterviewState, Reply
from bot.llm import get_chat_model
from bot.retrieval.embed import ProjectEmbeddings
from bot.retrieval.retrieve import Retriever
from bot.web.render import chat_messages
from tests.fakes import openai_stub
from tests.test_audit_injection import ATTACKER, COMPLAINTS, KEY, NEWSLETTER, SOURCE, hostile_index
from tests.test_interview_sessions import SCRIPT

QUESTIONS = {
    "complaints": ("Should we delete critical comments from unhappy customers on our Facebook page, "
                   "or answer the complaint publicly?", COMPLAINTS),
    "newsletter": ("Do email newsletters keep satisfied customers from drifting away?", NEWSLETTER),
}
TITLE = "Answering customer complaints on Facebook"


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory, bundled_store: Any, bundled_settings: Settings,
              embedder: ProjectEmbeddings) -> Retriever:
    root: Path = tmp_path_factory.mktemp("hostile-side")
    return hostile_index(root / "home", root / "docs", bundled_settings, embedder)


def _obey(body: dict[str, Any]) -> str:
    """A model that does what any injection asks: values the schema refuses, its brief and key."""
    return json.dumps({"hours_per_week": 999, "sales_model": "admin", "channels_used": ["root_shell"],
                       "system_prompt": body["messages"][0]["content"], "api_key": KEY})


def _run(messages: list[str], ctx: Context) -> tuple[InterviewState, list[Reply]]:
    state, first = engine.start("en", ctx)
    replies = [first]
    for message in messages:
        state, reply = engine.step(state, message, ctx)
        replies.append(reply)
    return state, replies


@pytest.mark.parametrize("topic", list(QUESTIONS))
def test_a_side_question_quotes_the_passage_and_changes_nothing(topic: str, retriever: Retriever) -> None:
    question, sentence = QUESTIONS[topic]
    with openai_stub(_obey) as (url, seen):
        model = get_chat_model("openai:stub-model", base_url=url, api_key=KEY, timeout=10)
        ctx = Context(retriever=retriever, llm=model)
        before, _ = _run(SCRIPT[:2], ctx)
        asked = len(seen)
        after, (reply,) = _run_from(before, [question], ctx)
        finished, _ = _run_from(after, SCRIPT[2:], ctx)
        plain, _ = _run_from(before, SCRIPT[2:], ctx)
    assert asked >= 1, "the model was never asked: the test would prove nothing"
    # the passage is quoted verbatim with its number and title, and verifies against the index
    cited = [c for c in reply.citations if c.source == SOURCE]
    assert cited, [c.source for c in reply.citations]
    quote = cited[0].quote
    assert quote in sentence and (ATTACKER in quote or "[99]" in quote)  # the injections are in it
    n = reply.citations.index(cited[0]) + 1
    assert f"“{quote}” [{n}] — {TITLE}" in reply.text
    verify(reply.citations, retriever)
    # the interview goes on as if the passage had said nothing
    assert after.pending == before.pending and reply.question == before.pending
    assert after.profile.to_dict() == before.profile.to_dict()
    assert finished.profile.to_dict() == plain.profile.to_dict()
    assert finished.profile.get("resources.hours_per_week").value == 4.0
    # no model ever read the passage: side questions are answered from retrieval alone
    assert not any(ATTACKER in json.dumps(r["body"]) or "[99]" in json.dumps(r["body"]) for r in seen)
    # the page shows it as text: the chat renders Markdown and HTML, so both are neutralised
    shown = chat_messages(after.transcript, "en")[-1]["content"]
    for live in ("<img", "<script", "</system>", "<system>", "![pixel]", "](https://", "[99]"):
        assert live not in shown, live
    if "<img" in quote:
        assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert " ".join(quote.split()) in " ".join(format_reply(reply).split())  # the terminal: plain text
    for text in (reply.text, json.dumps(after.to_dict(), ensure_ascii=False)):
        assert KEY not in text and url not in text


def _run_from(state: InterviewState, messages: list[str], ctx: Context) -> tuple[InterviewState, list[Reply]]:
    replies = []
    for message in messages:
        state, reply = engine.step(state, message, ctx)
        replies.append(reply)
    return state, replies
