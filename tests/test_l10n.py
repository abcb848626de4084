"""Numbers as each language writes them (bot/l10n.py), and no decimal in the wrong style anywhere the
bot writes one: in the chat and in every format of the audit, in all seven languages."""

from __future__ import annotations

import html
import io
import json
import re
from typing import Any

import pytest

from bot import l10n
from bot.audit import build_audit, render
from bot.audit.texts import ui_data
from bot.interview import engine
from bot.interview.messages import render as message
from bot.interview.state import Context
from bot.lang import codes
from bot.profile import Amount
from evals.personas import load_personas

LANGS = ("en", "sv", "da", "nb", "fi", "de", "af")
NB = "\u00a0"


@pytest.mark.parametrize(("lang", "decimal", "grouped", "hours", "money"), [
    ("en", "4.43", "12,500", f"1.5{NB}h", f"5,000–8,000{NB}SEK"),
    ("sv", "4,43", f"12{NB}500", f"1,5{NB}h", f"5{NB}000–8{NB}000{NB}SEK"),
    ("da", "4,43", "12.500", f"1,5{NB}t", f"5.000–8.000{NB}SEK"),
    ("nb", "4,43", f"12{NB}500", f"1,5{NB}t", f"5{NB}000–8{NB}000{NB}SEK"),
    ("fi", "4,43", f"12{NB}500", f"1,5{NB}h", f"5{NB}000–8{NB}000{NB}SEK"),
    ("de", "4,43", "12.500", f"1,5{NB}Std.", f"5.000–8.000{NB}SEK"),
    ("af", "4,43", f"12{NB}500", f"1,5{NB}uur", f"5{NB}000–8{NB}000{NB}SEK"),
])
def test_each_kind_of_number_is_written_the_way_the_language_writes_it(
        lang: str, decimal: str, grouped: str, hours: str, money: str) -> None:
    assert l10n.decimal(4.4321, lang) == decimal
    assert l10n.number(12500.4, lang) == grouped and l10n.number(999, lang) == "999"
    assert l10n.hours(1.5, lang) == hours and l10n.hours(2.0, lang).startswith(f"2{NB}")
    assert l10n.money(5000, lang, "SEK", 8000) == money
    assert l10n.decimal(-0.001, lang) == "0" and l10n.decimal(-2.5, lang)[0] == "-"


def test_an_unknown_language_writes_numbers_the_english_way() -> None:
    assert l10n.decimal(1234.5, "xx") == "1,234.5"


def wrong_numbers(text: str, lang: str) -> list[str]:
    """Numbers in ``text`` that ``lang`` does not write so: its decimal mark followed by other than one
    or two digits (the most the bot writes), or the other mark where it is no thousands separator."""
    marks = l10n.marks(lang)
    other = "," if marks.decimal == "." else "."
    wrong = [m.group(0) for m in re.finditer(rf"\d{re.escape(marks.decimal)}(\d+)", text)
             if len(m.group(1)) > 2]
    wrong += [m.group(0) for m in re.finditer(rf"\d{re.escape(other)}(\d+)", text)
              if other != marks.group or len(m.group(1)) != 3]
    return sorted(wrong, key=text.index)


def test_the_check_itself_finds_decimals_in_the_wrong_style() -> None:
    assert wrong_numbers("1.5 tim och 4,43 h", "sv") == ["1.5"]
    assert wrong_numbers("1,5 h and 12,500 SEK and 2.75", "en") == ["1,5"]
    assert wrong_numbers("12.500 kr, 1,5 t, 2.5 t", "da") == ["2.5"]
    assert wrong_numbers("1,500 SEK", "sv") == ["1,500"]


# The owner says 1.5 hours, 2.5 hours' response time and 12 500 a month on ads, as each language writes it.
SAID = {
    "en": "We sell to other businesses and use LinkedIn twice a week. I spend about 1.5 hours a week on "
          "social media and about 12,500 SEK a month on ads. I answer comments myself, usually "
          "within 2.5 hours.",
    "sv": "Vi säljer till andra företag och använder LinkedIn två gånger i veckan. Jag lägger ungefär 1,5 "
          "timmar i veckan på sociala medier och cirka 12 500 kr i månaden på annonser. Jag svarar själv på "
          "kommentarer, oftast inom 2,5 timmar.",
    "da": "Vi sælger til andre virksomheder og bruger LinkedIn to gange om ugen. Jeg bruger omkring 1,5 "
          "timer om ugen på sociale medier og cirka 12.500 kr om måneden på annoncer. Jeg svarer selv på "
          "kommentarer, som regel inden for 2,5 timer.",
    "nb": "Vi selger til andre bedrifter og bruker LinkedIn to ganger i uka. Jeg bruker rundt 1,5 timer "
          "i uka på sosiale medier og ca. 12 500 kr i måneden på annonser. Jeg svarer selv på "
          "kommentarer, vanligvis innen 2,5 timer.",
    "fi": "Myymme muille yrityksille ja käytämme LinkedIniä kaksi kertaa viikossa. Käytän someen noin 1,5 "
          "tuntia viikossa ja mainoksiin noin 12 500 euroa kuukaudessa. Vastaan kommentteihin itse, yleensä "
          "2,5 tunnin sisällä.",
    "de": "Wir verkaufen an andere Unternehmen und nutzen LinkedIn zweimal pro Woche. Ich verbringe etwa 1,5 "
          "Stunden pro Woche mit sozialen Medien und gebe etwa 12.500 € im Monat für Anzeigen aus. Ich "
          "beantworte Kommentare selbst, meist innerhalb von 2,5 Stunden.",
    "af": "Ons verkoop aan ander besighede en gebruik LinkedIn twee keer per week. Ek spandeer sowat 1,5 uur "
          "per week aan sosiale media en sowat R12 500 per maand aan advertensies. Ek antwoord self op "
          "kommentaar, gewoonlik binne 2,5 uur.",
}


def _own_words(text: str, quotes: list[str]) -> str:
    """``text`` without the passages it quotes (an article's numbers are written as its author wrote)."""
    for quote in quotes:
        text = text.replace(quote, " ")
    return text


@pytest.mark.parametrize("lang", LANGS)
def test_no_chat_message_has_a_decimal_in_the_wrong_style(lang: str, bundled_retriever: Any) -> None:
    ctx = Context(retriever=bundled_retriever)
    state, reply = engine.start(lang, ctx)
    replies = [reply]
    state, reply = engine.step(state, SAID[lang], ctx)
    replies.append(reply)
    assert state.profile.get("resources.hours_per_week").value == 1.5
    for _ in range(20):  # "skip" the rest, and confirm the summary, which says every answer back
        if state.done:
            break
        answer = message("summary_yes", lang) if reply.question == "summary" else "skip"
        state, reply = engine.step(state, answer, ctx)
        replies.append(reply)
    texts = [_own_words(r.text, [c.quote for c in r.citations] + [c.gloss for c in r.citations])
             for r in replies]
    said = "\n".join(texts)
    assert l10n.hours(1.5, lang) in said  # the hours were said back, so the check below has a number
    assert not [(t, wrong_numbers(t, lang)) for t in texts if wrong_numbers(t, lang)]


PERSONA = next(p for p in load_personas() if p.id == "deletes_criticism")


@pytest.fixture(scope="module")
def odd_profile() -> Any:
    """A persona's profile with numbers that have decimals and thousands."""
    return (PERSONA.profile.with_answer("resources.hours_per_week", 1.5)
            .with_answer("resources.response_time", 2.5)
            .with_answer("resources.ad_budget", Amount(12500, "SEK", monthly=True)))


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("lang", sorted(ui_data()))
def test_no_rendered_audit_has_a_decimal_in_the_wrong_style(lang: str, odd_profile: Any,
                                                            bundled_retriever: Any) -> None:
    audit = build_audit(odd_profile, bundled_retriever, lang)
    quotes = [q for c in audit.citations for q in (c.quote, c.gloss) if q]
    words = [c.source_message for c in audit.evidence if c.source_message]
    md = str(render(audit, "md"))
    page = html.unescape(re.sub(r"<[^>]+>", "\n", str(render(audit, "html")).split("</style>")[1]))
    pdf = _pdf_text(bytes(render(audit, "pdf")))  # type: ignore[arg-type]
    for name, text in (("md", md), ("html", page), ("pdf", pdf)):
        # the sources' own words (md escapes them, the PDF breaks their lines) are left out by line
        own = "\n".join(line for line in text.splitlines()
                        if not line.lstrip().startswith((">", "“", "[")) and not
                        any(q[:40] in line or line.strip()[:40] in q for q in quotes + words if line.strip()))
        own = _own_words(own, quotes + words)
        assert l10n.decimal(1.5, lang) in own, name
        assert not wrong_numbers(own, lang), (name, wrong_numbers(own, lang))
    data = json.loads(str(render(audit, "json")))
    assert data["plan"]["hours_per_week"] == 1.5
    assert data["plan"]["ad_budget"]["value"] == 12500  # JSON keeps machine numbers


def test_locale_table_covers_every_language_of_the_page() -> None:
    assert set(codes("ui")) <= set(l10n._table())
