"""The question policy: what is asked, when, why (with a verified passage), and its quick replies."""

from __future__ import annotations

from typing import Any

import pytest

from bot.citations import verify
from bot.interview.policy import load
from bot.interview.read import read
from bot.interview.side import anchor_citation
from bot.interview.state import Context
from bot.lang import codes
from bot.profile import Profile

POLICY = load()


def _profile(**answers: Any) -> Profile:
    profile = Profile()
    for path, value in answers.items():
        profile = profile.with_answer(path.replace("__", "."), value)
    return profile


def _asks(profile: Profile, asked: tuple[str, ...] = ()) -> list[str]:
    """Every question the policy would ask, in order, if each got no answer."""
    out: list[str] = []
    while (q := POLICY.next_question(profile, (*asked, *out))) is not None:
        out.append(q.id)
    return out


def test_a_blank_profile_starts_with_how_the_business_sells() -> None:
    assert POLICY.next_question(Profile(), ()).id == "sales_model"  # type: ignore[union-attr]


def test_no_more_than_the_cap() -> None:
    assert POLICY.max_questions == 10
    assert len(_asks(_profile(sales__model="b2b", email_list__has_list=True))) == POLICY.max_questions


def test_no_service_questions_without_social_channels() -> None:
    asked = _asks(_profile(channels__used=frozenset({"website", "email"})))
    assert not {"service", "response_time", "criticism", "owners", "channel_use"} & set(asked)
    assert "resources.response_time" not in POLICY.relevant_paths(_profile(channels__used=frozenset()))


def test_no_response_time_when_nobody_answers() -> None:
    profile = _profile(channels__used=frozenset({"facebook"}), resources__responder="nobody")
    assert "response_time" not in _asks(profile)
    staffed = _profile(channels__used=frozenset({"facebook"}), resources__responder="staff")
    assert "response_time" in _asks(staffed)


def test_who_takes_part_is_not_asked_of_an_owner_who_answers_herself() -> None:
    owner = _profile(channels__used=frozenset({"instagram"}), resources__responder="owner")
    staff = _profile(channels__used=frozenset({"instagram"}), resources__responder="staff")
    assert "ownership.owners" not in POLICY.relevant_paths(owner)
    assert "ownership.owners" in POLICY.relevant_paths(staff)
    assert owner.get("ownership.owners").status == "unknown"  # not asked, and not guessed either


def test_channel_details_only_for_channels_in_use() -> None:
    profile = _profile(channels__used=frozenset({"instagram", "website"}))
    question = POLICY.question("channel_use")
    assert question.fills(profile) == ("channels.instagram.frequency",)
    assert "Instagram" in question.ask(profile, "en") and "website" not in question.ask(profile, "en")
    assert not POLICY.question("channel_use").applies(_profile(channels__used=frozenset({"website"})))


def test_email_list_size_only_when_there_is_a_list_and_deals_only_for_b2b() -> None:
    assert "email_size" not in _asks(_profile(email_list__has_list=False))
    assert "email_size" in _asks(_profile(email_list__has_list=True, sales__model="b2c"))
    assert "deal" not in _asks(_profile(sales__model="b2c"))
    assert "deal" in _asks(_profile(sales__model="both"))


def test_what_earlier_answers_settled_is_not_asked() -> None:
    profile = _profile(sales__model="b2c", sales__close_channels=frozenset({"physical_shop"}),
                       resources__hours_per_week=5.0)
    asked = _asks(profile)
    assert not {"sales_model", "close_channels", "hours"} & set(asked)
    declined = Profile().with_answer("resources.hours_per_week", None, "refused", "rather not say")
    assert "hours" not in _asks(declined)


@pytest.mark.parametrize("question", POLICY.questions, ids=lambda q: q.id)
def test_every_why_points_to_a_verbatim_passage_of_the_bundled_index(question, bundled_retriever) -> None:  # type: ignore[no-untyped-def]
    citation = anchor_citation(question.anchor, Context(retriever=bundled_retriever))
    assert citation is not None, f"{question.id}: quote not found in {question.anchor.source}"
    assert question.anchor.quote in bundled_retriever.chunk(citation.chunk_id).text
    verify([citation], bundled_retriever)


def test_no_knowledge_base_no_citation() -> None:
    assert anchor_citation(POLICY.questions[0].anchor, Context()) is None


@pytest.mark.parametrize("lang", codes("interview"))
@pytest.mark.parametrize("question", POLICY.questions, ids=lambda q: q.id)
def test_every_quick_reply_reads_back_as_an_answer(question, lang: str) -> None:  # type: ignore[no-untyped-def]
    profile = _profile(channels__used=frozenset({"facebook", "instagram"}), sales__model="b2b",
                       email_list__has_list=True)
    for reply in question.quick_replies(lang):
        reading = read(reply, lang, profile, question)
        assert reading.answered, (question.id, lang, reply)
        assert not reading.question
