"""What the page shows, as pure functions: escaping, citation markers, checklist, profile."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot import l10n
from bot.citations import Citation, cite, sentences
from bot.interview.policy import load
from bot.interview.state import InterviewState, Turn
from bot.profile import Profile
from bot.web import render

CITE = Citation(chunk_id="c1", source="003_x.txt", quote="Det <viktigste> steget", lang="nb",
                title="Sosialmediastrategi", author="Ola <b>", gloss="The most important step")


def test_text_is_inert_in_a_markdown_and_html_view() -> None:
    assert render.text("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    assert render.text("a & b's \"c\"") == "a &amp; b's \"c\""
    assert render.text("[x](javascript:1) ![i](http://t/p.png) *b* `c` # h") == (
        "&#91;x&#93;(javascript:1) !&#91;i&#93;(http&#58;//t/p.png) &#42;b&#42; &#96;c&#96; &#35; h")
    assert render.attr('"><img>') == "&quot;&gt;&lt;img&gt;"


def test_a_citation_opens_to_its_passage_in_the_original_with_gloss_title_and_author() -> None:
    html = render.citation_html(2, CITE, "sv")
    assert html.startswith('<details class="sa-cite"><summary>[2] Sosialmediastrategi — av Ola &lt;b&gt;')
    assert '<blockquote lang="nb">Det &lt;viktigste&gt; steget</blockquote>' in html
    assert "Original (Norsk bokmål)" in html
    assert "Engelsk översättning av texten på norska:</strong> The most important step" in html
    assert "003&#95;x.txt" in html  # shown as 003_x.txt
    untitled = render.citation_html(1, Citation("c", "s.txt", "q", "fi"), "en")
    assert "[1] (untitled)</summary>" in untitled and "In English" not in untitled


@pytest.mark.parametrize(("lang", "source", "label"), [
    ("en", "sv", "English translation of the Swedish text"),
    ("en", "da", "English translation of the Danish text"),
    ("sv", "fi", "Engelsk översättning av texten på finska"),
    ("da", "af", "Engelsk oversættelse af teksten på afrikaans"),
    ("nb", "sv", "Engelsk oversettelse av teksten på svensk"),
    ("fi", "sv", "Englanninkielinen käännös ruotsinkielisestä tekstistä"),
    ("de", "nb", "Englische Übersetzung des Textes auf Norwegisch"),
    ("af", "da", "Engelse vertaling van die teks in Deens"),
    ("sv", "xx", "På engelska"),  # a language the table does not name: the label names none
])
def test_the_gloss_label_says_which_language_it_translates_from(lang: str, source: str, label: str) -> None:
    html = render.citation_html(1, replace(CITE, lang=source), lang)
    assert f"<strong>{label}:</strong> The most important step" in html


@pytest.mark.parametrize(("lang", "curated", "machine"), [
    ("en", "English translation of the {} text:", "English machine translation of the {} text:"),
    ("de", "Englische Übersetzung des Textes auf {}:",
     "Englische maschinelle Übersetzung des Textes auf {}:"),
])
def test_a_machine_gloss_is_labelled_machine_translation_and_a_curated_one_is_not(
        bundled_retriever: Any, lang: str, curated: str, machine: str) -> None:
    hit = next(h for h in bundled_retriever.search("Should we delete angry comments?", k=5) if h.gloss)
    chunk = bundled_retriever.chunk(hit.chunk_id)
    by_person = cite(hit, sentences(hit.text)[0])
    by_llm = cite(replace(chunk, gloss_source="llm"), sentences(hit.text)[0])
    assert (by_person.gloss_source, by_llm.gloss_source) == ("curated", "llm")
    source = l10n.language_name(hit.lang, lang)
    curated, machine = curated.format(source), machine.format(source)
    shown_person, shown_llm = render.citation_html(1, by_person, lang), render.citation_html(1, by_llm, lang)
    assert f"<strong>{curated}</strong>" in shown_person and "sa-gloss-llm" not in shown_person
    assert f"<strong>{machine}</strong>" in shown_llm and 'class="sa-gloss sa-gloss-llm"' in shown_llm
    assert render.text(by_llm.gloss) in shown_llm and render.text(by_person.gloss) in shown_person


def test_markers_are_numbered_per_turn_as_the_turn_text_numbers_them() -> None:
    other = Citation(chunk_id="c2", source="001.txt", quote="Q", lang="sv")
    turns = (Turn("bot", "A [1]", "en", citations=(CITE,)), Turn("user", "<b>hi</b>", "en"),
             Turn("bot", "B [1] [2]", "en", citations=(other, CITE)))
    messages = render.chat_messages(turns, "en")
    assert [m["role"] for m in messages] == ["assistant", "user", "assistant"]
    assert messages[1]["content"] == "&lt;b&gt;hi&lt;/b&gt;"
    assert "<summary>[1] Sosialmediastrategi" in messages[0]["content"]
    third = messages[2]["content"]
    assert third.index("<summary>[1] (untitled)") < third.index("<summary>[2] Sosialmediastrategi")


def test_checklist_and_profile_follow_the_interview_policy() -> None:
    policy = load()
    profile = Profile().with_answer("sales.model", "b2b").with_answer("resources.hours_per_week", 5.0)
    state = InterviewState(profile=profile, transcript=(), lang="en", asked=(), pending=None, done=False)
    items = dict(render.checklist(policy, state, "en"))
    assert items["who you sell to"] == "answered" and items["goals"] == "missing"
    html = render.checklist_html(render.checklist(policy, state, "fi"), "fi")
    assert "vastattu" in html and "puuttuu" in html
    rows = render.understood(policy, profile, "en")
    assert ("resources.hours_per_week", "time for social media", "5\u00a0h a week") in rows
    assert "<dt>customers</dt><dd>businesses (B2B)</dd>" in render.profile_html(rows, "en")
    assert ("time for social media", "resources.hours_per_week") in render.editable(policy, profile, "en")
