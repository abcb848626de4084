"""Hostile input for every parser of bot/interview/fields.py and the matcher of phrases.py
(hypothesis): control characters, NUL, lone combining marks, bidirectional controls, non-ASCII
digits, emoji and 20 000-character strings never raise, and every value returned has the declared
type and is one the profile accepts for the field it feeds. (tests/test_interview_fields.py covers
the main parsers on arbitrary text in English; this adds the hostile alphabets, long strings,
every language, every choice set and the helpers.)
"""

from __future__ import annotations

import math
from typing import get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.interview import fields, phrases
from bot.lang import codes
from bot.profile import CHANNELS, CLOSE_CHANNELS, CYCLES, SALES_MODELS, Amount, SalesCycle, check_value

# Characters that break naive text handling, and the bits answers are made of.
HOSTILE_CHARS = [
    "\x00", "\x01", "\x1b[31m", "\x7f", "\x85", "\r", "\r\n", "\t", "\x0b", "\x0c", "\u2028", "\u2029",
    "\u0301", "\u0308", "\u20dd", "e\u0301", "\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad",
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2069",
    "\u00a0", "\u202f", "\u3000", "１２", "٣", "۴", "४", "𝟗", "²", "½", "⅓", "Ⅻ", "İ", "ı", "ß", "ﬀ", "ǅ",
    "ŉ", "😀", "👩\u200d👩\u200d👧", "\U0010ffff", "\ufffd", "\ue000", "<script>", "'; DROP TABLE x;--",
]
ANSWER_BITS = [
    "2", "000", "1,5", "2.000", "3-4", " to ", "k", "tkr", "kr", "€", "$", "R", "SEK", "timmar", "h", "30",
    "min", "per", "a day", "i veckan", "päivässä", "om ugen", "pro Woche", "per maand", "x", "times",
    "ja", "nej", "ei", "nie", "not", "facebook", "insta", "LinkedIn", "företag", "privatpersoner",
    "vet inte", "rather not say", "skip", "mellan", " och ", ",", ".", ";", "?", "(", ")", " ",
]
BITS = HOSTILE_CHARS + ANSWER_BITS


def _long(pieces: list[str]) -> str:
    return ("".join(pieces) * (20_000 // max(1, len("".join(pieces))) + 1))[:20_000]


SHORT = st.one_of(
    st.text(max_size=300),  # any code point but surrogates, control characters included
    st.lists(st.one_of(st.sampled_from(BITS), st.text(max_size=3)), max_size=60).map("".join),
)
LONG = st.lists(st.one_of(st.sampled_from(BITS), st.text(min_size=1, max_size=8)), min_size=1,
                max_size=12).map(_long)
LANG = st.sampled_from([None, *codes("parser")])
PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LONG_PROPS = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _number(x: object, top: float = math.inf) -> bool:
    return isinstance(x, float) and math.isfinite(x) and 0 <= x <= top


def _spans(spans: object, text: str, labels: set[str]) -> bool:
    norm = phrases.normalise(text)
    return isinstance(spans, list) and all(
        isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(norm) and label in labels
        for s, e, label in spans)


def _check_all(text: str, lang: str | None) -> None:
    """Every parser once over ``text``: declared type, and a value the profile stores."""
    assert isinstance(phrases.normalise(text), str)
    assert fields.parse_yes_no(text) in (True, False, None)
    assert fields.parse_skip(text) in (*get_args(fields.SkipKind), None)
    channels = fields.parse_channels(text)
    assert isinstance(channels, set) and channels <= set(CHANNELS)
    assert _spans(fields.channel_spans(text), text, set(CHANNELS))
    assert fields.parse_sales_model(text) in (*SALES_MODELS, None)
    assert fields.parse_close_channels(text) <= set(CLOSE_CHANNELS)
    for name, options in phrases.answer_words()["choices"].items():
        assert fields.parse_choices(text, name) <= set(options)
        assert fields.parse_choice(text, name) in (*options, None)
    hours = fields.parse_hours(text)
    assert hours is None or (_number(hours, 168) and check_value("resources.hours_per_week", hours) == hours)
    response = fields.parse_response_time(text)
    assert response is None or (
        _number(response) and check_value("resources.response_time", response) == response)
    cycle = fields.parse_sales_cycle(text)
    assert cycle is None or (isinstance(cycle, SalesCycle) and cycle.category in CYCLES
                             and (cycle.days is None or _number(cycle.days)))
    assert cycle is None or check_value("sales.sales_cycle", cycle) == cycle
    amount = fields.parse_amount(text, lang)
    if amount is not None:
        assert isinstance(amount, Amount) and _number(amount.value) and isinstance(amount.monthly, bool)
        assert amount.high is None or (_number(amount.high) and amount.high >= amount.value)
        assert amount.currency is None or (len(amount.currency) == 3 and amount.currency.isupper())
        assert check_value("sales.deal_size", amount) == amount
    frequency = fields.parse_frequency(text)
    assert frequency is None or (_number(frequency) and check_value("channels.facebook.frequency", frequency))
    count = fields.parse_count(text, lang)
    assert count is None or (type(count) is int and count >= 0
                             and check_value("email_list.size", count) == count)
    assert fields.periods(text) <= set(phrases.answer_words()["periods"])


@PROPS
@given(SHORT, LANG)
def test_every_parser_takes_hostile_text(text: str, lang: str | None) -> None:
    _check_all(text, lang)


@LONG_PROPS
@given(LONG, LANG)
def test_every_parser_takes_20000_characters(text: str, lang: str | None) -> None:
    assert len(text) == 20_000
    _check_all(text, lang)


@PROPS
@given(SHORT, st.integers(-5, 400), st.one_of(st.none(), st.integers(-5, 400)))
def test_negated_takes_any_text_and_any_position(text: str, start: int, end: int | None) -> None:
    assert phrases.negated(text, start, end) in (True, False)


MATCHER = phrases.phrase_matcher({"delete": {"en": ["delete", "remove"], "sv": ["radera", "ta bort"]},
                                "answer": ["answer", "svara", "vastata"]})


@PROPS
@given(SHORT)
def test_find_phrases_takes_any_text(text: str) -> None:
    assert _spans(phrases.find_phrases(text, MATCHER), text, {"delete", "answer"})


def test_the_hostile_alphabet_itself() -> None:
    """Each hostile piece alone, and all of them at once, inside real answers."""
    for piece in [*HOSTILE_CHARS, "".join(HOSTILE_CHARS)]:
        for answer in (f"about 3{piece} hours a week", f"{piece}facebook{piece}", piece * 3):
            for lang in (None, "sv", "fi"):
                _check_all(answer, lang)
    assert fields.parse_hours("about 3 hours a week\x00") == 3.0  # a stray NUL does not hide the answer
    assert fields.parse_channels("\u202efacebook\u202c and instagram") == {"facebook", "instagram"}


def test_compatibility_digits_read_as_their_ascii_and_other_scripts_not_at_all() -> None:
    """Text is NFKC-normalised: full-width, superscript and mathematical digits are digits;
    Arabic-Indic digits and Roman numerals are not read as numbers; none of them crashes."""
    assert [fields.parse_hours(f"{d} hours a week") for d in ("１２", "²", "𝟗")] == [12.0, 2.0, 9.0]
    assert fields.parse_hours("٣ hours a week") is None and fields.parse_hours("Ⅻ hours") is None
    for text in ("⅓ of a day", "٣ ساعات", "Ⅻ"):
        _check_all(text, None)
