"""The optional LLM narrative: only sentences with a valid [n] and no invented number survive.
The model is a loopback OpenAI-compatible server (real HTTP)."""

from __future__ import annotations

from typing import Any

from bot.audit import build_audit, render
from bot.audit.narrative import check, grounds_for, numbers_in, why_dropped
from bot.citations import Citation
from bot.llm import get_chat_model
from bot.profile import Profile
from evals.personas import load_personas
from tests.fakes import openai_stub

SOLO = next(p for p in load_personas() if p.id == "solo_consultant")
SOURCES = [Citation("c1", "000.txt", "I genomsnitt kommer bara ett par procent av dina gillare", "sv",
                    gloss="On average, only a few percent of your fans will see your activities."),
           Citation("c2", "000.txt", "Runt 100 procent av alla som är online har ett e-postkonto", "sv")]
PROFILE = Profile().with_answer("resources.hours_per_week", 2.5, "answered", "två och en halv timme, max 3")


def test_numbers_are_read_as_written() -> None:
    assert numbers_in("about 2,5 hours [3] and 1,000 SEK in B2B for 24h") == [{2.5}, {1.0, 1000.0}, {24.0}]


def test_allowed_numbers_come_from_the_cited_sources_and_the_profile() -> None:
    grounds = grounds_for(SOURCES, PROFILE, system="")
    assert {2.5, 3.0} <= grounds.numbers and 100.0 not in grounds.numbers
    assert why_dropped("Almost 100 percent of people online use email [2].", grounds) is None
    assert why_dropped("You have 3 hours at most [1].", grounds) is None
    assert why_dropped("Almost 97 percent of people online use email [1][2].", grounds) == "number"


def test_the_check_keeps_only_grounded_sentences() -> None:
    text = ("Only a few percent of your fans see your posts [1]. "
            "Almost 100 percent of people online use email [2]. "
            "You have 2,5 hours a week [1][2]. "
            "Studies show 87 percent of posts fail [1]. "
            "You should post every day. "
            "Email is owned [3].")
    assert check(text, grounds_for(SOURCES, PROFILE, system="")) == (
        "Only a few percent of your fans see your posts [1]. "
        "Almost 100 percent of people online use email [2]. "
        "You have 2,5 hours a week [1][2].")


def test_a_narrative_from_a_stub_llm_over_http(bundled_retriever: Any) -> None:
    def reply(body: dict[str, Any]) -> str:
        return ("Too many channels for the two hours you have: prioritise [1]. "
                "Our data shows that 73 percent of consultants double their sales on TikTok [2]. "
                "You should definitely start a podcast. "
                "Keep the channels that fit how you sell [1][2].")

    with openai_stub(reply) as (url, seen):
        llm = get_chat_model("openai:stub", base_url=url)
        audit = build_audit(SOLO.profile, bundled_retriever, "en", llm=llm)
    assert audit.narrative == ("Too many channels for the two hours you have: prioritise [1]. "
                               "Keep the channels that fit how you sell [1][2].")
    prompt = " ".join(m["content"] for m in seen[0]["body"]["messages"])
    assert "Too many channels for your time" in prompt and "[1]" in prompt and "English" in prompt
    narrative_claims = [c for c in audit.evidence if c.section == "narrative"]
    assert [c.citations for c in narrative_claims] == [audit.citations[:1], audit.citations[:2]]
    assert "Keep the channels that fit how you sell" in str(render(audit, "md"))
    assert audit.to_json()["narrative"] == audit.narrative


def test_without_an_llm_there_is_no_narrative(bundled_retriever: Any) -> None:
    assert build_audit(SOLO.profile, bundled_retriever, "en").narrative is None


def test_an_unreachable_llm_leaves_the_audit_without_a_narrative(bundled_retriever: Any,
                                                                 caplog: Any) -> None:
    llm = get_chat_model("openai:stub", base_url="http://127.0.0.1:9/v1", timeout=5)
    audit = build_audit(SOLO.profile, bundled_retriever, "en", llm=llm)
    assert audit.narrative is None and audit.findings
    assert "audit narrative skipped" in caplog.text


def test_a_reply_with_nothing_grounded_gives_no_narrative(bundled_retriever: Any) -> None:
    with openai_stub(lambda body: "Social media is great. Post more!") as (url, _):
        llm = get_chat_model("openai:stub", base_url=url)
        audit = build_audit(SOLO.profile, bundled_retriever, "en", llm=llm)
    assert audit.narrative is None
