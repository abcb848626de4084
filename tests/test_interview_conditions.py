"""The interview's conditions are data in the audit's condition language (bot/data/interview.yaml,
bot/conditions.py). Each one gives the answer the Python function it replaced gave, over every
combination of the answers conditions read, in every status."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from bot.interview.policy import SOCIAL, load, social_in_use
from bot.profile import SETTLED, Profile

# The conditions as they were written in bot/interview/policy.py before they became data.


def _value(profile: Profile, path: str) -> Any:
    leaf = profile.get(path)
    return leaf.value if leaf.status in SETTLED else None


def _social(p: Profile) -> bool:
    used = _value(p, "channels.used")
    return used is None or bool(set(used) & set(SOCIAL))


FORMER: dict[str, Callable[[Profile], bool]] = {
    "always": lambda p: True,
    "b2b": lambda p: _value(p, "sales.model") in ("b2b", "both"),
    "social": _social,
    "social_known": lambda p: bool(social_in_use(p)),
    "responds": lambda p: _social(p) and _value(p, "resources.responder") != "nobody",
    "has_list": lambda p: _value(p, "email_list.has_list") is True,
    "team": lambda p: _social(p) and _value(p, "resources.responder") != "owner",
}
# Which former condition each question had (bot/data/interview.yaml before the change).
WAS = {"sales_model": "always", "close_channels": "always", "deal": "b2b", "channels": "always",
       "hours": "always", "ads": "always", "service": "social", "criticism": "social",
       "email": "always", "goals": "always", "measurement": "always", "response_time": "responds",
       "email_size": "has_list", "channel_use": "social_known", "owners": "team"}

# Each path a condition reads: unanswered, and in each status with each kind of value.
OPEN = [None, ("unknown", None), ("skipped", None), ("refused", None)]
CHOICES: dict[str, list[Any]] = {
    "channels.used": [*OPEN, ("answered", set()), ("answered", {"email"}), ("answered", {"facebook"}),
                      ("inferred", {"instagram", "website"}), ("answered", {"email", "tiktok", "pinterest"}),
                      ("contradicted", {"facebook"})],
    "sales.model": [*OPEN, ("answered", "b2b"), ("answered", "b2c"), ("inferred", "both"),
                    ("contradicted", "b2b")],
    "resources.responder": [*OPEN, ("answered", "owner"), ("answered", "staff"), ("inferred", "agency"),
                            ("answered", "nobody"), ("contradicted", "nobody")],
    "email_list.has_list": [*OPEN, ("answered", True), ("answered", False), ("inferred", True)],
}


def _profiles() -> list[Profile]:
    out = []
    for combo in itertools.product(*CHOICES.values()):
        profile = Profile()
        for path, choice in zip(CHOICES, combo, strict=True):
            if choice is not None:
                status, value = choice
                profile = profile.with_answer(path, value, status, "an answer")
        out.append(profile)
    return out


def test_the_table_of_former_conditions_covers_every_question() -> None:
    assert set(WAS) == {q.id for q in load().questions}


@pytest.mark.parametrize("question_id", sorted(WAS))
def test_each_data_condition_answers_as_the_function_it_replaced(question_id: str) -> None:
    question = load().question(question_id)
    former = FORMER[WAS[question_id]]
    profiles = _profiles()
    assert len(profiles) > 1000
    answers = [question.applies(p) for p in profiles]
    assert answers == [former(p) for p in profiles]
    if WAS[question_id] != "always":
        assert any(answers) and not all(answers)  # the profiles tell the condition's two sides apart
