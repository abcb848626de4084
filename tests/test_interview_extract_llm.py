"""The optional LLM mode over real HTTP (a loopback OpenAI-compatible stub): the model fills what
the parser found nothing for, the parser wins where it read a value, any failure falls back."""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest

from bot.interview import engine
from bot.interview.extract_llm import (
    Channel,
    CloseChannel,
    Goal,
    Owner,
    ProfileExtraction,
    Responder,
    SalesModel,
    to_found,
)
from bot.interview.state import Context, InterviewState
from bot.llm import get_chat_model
from bot.profile import CHANNELS, CLOSE_CHANNELS, GOALS, OWNERS, RESPONDERS, SALES_MODELS
from tests.fakes import openai_stub


def _at_hours() -> InterviewState:
    state, _ = engine.start("en")
    for message in ["We sell to consumers in our shop.", "Instagram every day."]:
        state, _ = engine.step(state, message, Context())
    assert state.pending == "hours"
    return state


def _step(state: InterviewState, message: str, reply: Any) -> tuple[InterviewState, list[dict[str, Any]]]:
    with openai_stub(reply) as (url, seen):
        model = get_chat_model("openai:stub-model", base_url=url)
        new, _ = engine.step(state, message, Context(llm=model))
    return new, seen


def test_the_schema_mirrors_the_profile_options() -> None:
    assert get_args(SalesModel) == SALES_MODELS and get_args(CloseChannel) == CLOSE_CHANNELS
    assert get_args(Responder) == RESPONDERS and get_args(Channel) == CHANNELS
    assert get_args(Goal) == GOALS and get_args(Owner) == OWNERS


def test_the_model_fills_what_the_parser_cannot_read() -> None:
    state, seen = _step(_at_hours(), "Honestly, most of Friday afternoon goes to it.",
                        lambda body: json.dumps({"hours_per_week": 4, "responder": "staff"}))
    request = seen[0]["body"]
    assert seen[0]["path"] == "/v1/chat/completions"
    assert request["response_format"]["type"] == "json_schema"
    assert "About how many hours a week" in request["messages"][0]["content"]  # the question, in the prompt
    assert request["messages"][-1]["content"] == "Honestly, most of Friday afternoon goes to it."
    hours = state.profile.get("resources.hours_per_week")
    assert (hours.value, hours.status) == (4.0, "inferred")
    assert state.profile.get("resources.responder").value == "staff"
    assert state.pending == "ads"  # the hours question counts as answered


def test_the_parser_wins_where_it_read_a_value() -> None:
    state, _ = _step(_at_hours(), "About 3 hours a week.",
                     lambda body: json.dumps({"hours_per_week": 12}))
    hours = state.profile.get("resources.hours_per_week")
    assert (hours.value, hours.status) == (3.0, "answered")


@pytest.mark.parametrize("reply", [
    lambda body: "this is not JSON",
    lambda body: json.dumps({"hours_per_week": 500}),  # the schema refuses it
    lambda body: json.dumps({"sales_model": "b2x"}),
])
def test_any_failure_of_the_model_falls_back_to_the_parser(reply: Any) -> None:
    state, seen = _step(_at_hours(), "About 3 hours a week.", reply)
    assert seen and state.profile.get("resources.hours_per_week").value == 3.0


def test_an_unreachable_model_falls_back_too() -> None:
    model = get_chat_model("openai:gone", base_url="http://127.0.0.1:9/v1", timeout=2.0)
    state, _ = engine.step(_at_hours(), "About 3 hours a week.", Context(llm=model))
    assert state.profile.get("resources.hours_per_week").value == 3.0


def test_values_the_profile_refuses_are_dropped() -> None:
    extraction = ProfileExtraction(hours_per_week=5, email_list_size=300, channels_used=["tiktok"],
                                   posting=[{"channel": "tiktok", "posts_per_week": 7}])  # type: ignore[list-item]
    found = {f.path: (f.value, f.status) for f in to_found(extraction)}
    assert found == {"resources.hours_per_week": (5.0, "inferred"), "email_list.size": (300, "inferred"),
                     "channels.used": (frozenset({"tiktok"}), "inferred"),
                     "channels.tiktok.frequency": (7.0, "inferred")}
