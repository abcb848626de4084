"""The field parsers: a user's free-text answer as a field's typed value, or None when it is unclear.

Seven languages (en, sv, da, nb, fi, de, af). The words live in ``bot/data/answers.yaml``, whose
header gives the matching rules (``bot.interview.phrases`` applies them). Every parser accepts any
text and never raises on it; None means "the answer does not say", and the caller then tries
``parse_skip`` or asks again.

Rules worth knowing:
- ``parse_hours`` gives hours per week. No period means per week (the question asks per week);
  "a day" counts 7 days, as the profile schema does ("30 min a day" = 3.5), "per working day" /
  "on weekdays" 5; a month is 52/12 weeks;
  a day of work ("one day a week") is 8 hours; a range gives its midpoint; over 168 is None.
- ``parse_response_time`` gives elapsed hours: a day is 24, "same day" 8, "next day" 24.
- ``parse_amount`` normalises a rate to per month: a week ×52/12, a day ×365/12, a year ÷12.
- Several different values in one answer give None (no guessing which one was meant), except for
  response times, where the first one stated wins ("within an hour, sometimes the next day").
- ``parse_frequency`` gives posts per week: "a day" counts 7 days (posting has no weekends off).

For callers that read several fields out of one message (``bot.interview.read``), ``channel_spans``
and ``periods`` expose where channels and rates are named.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from bot import datafiles
from bot.errors import UnknownNameError
from bot.interview.phrases import (
    PhraseMatcher,
    Span,
    alternatives,
    answer_words,
    clause_texts,
    grammar,
    mask,
    mentions,
    normalise,
    phrase_list,
    phrase_matcher,
    says_hardly,
    vocabulary,
    word_list,
    words_of,
    words_pattern,
)
from bot.profile import Amount, SalesCycle

SkipKind = Literal["skipped", "unknown", "refused"]
Synonyms = Iterable[str] | Mapping[str, Iterable[str]]
Options = str | Mapping[str, Synonyms]

_NUM = r"[0-9]+(?:[.,][0-9]+)?"
_FILL = r"[\s~≈?!.,:;()\"'*+<>=/-]*"
_HHMM = re.compile(r"(?<![0-9.,])([0-9]{1,2})\s?[h:]\s?([0-5][0-9])(?![0-9])(?:\s?min\w*)?")
_UNITS = ("minute", "hour", "day", "week", "month", "year")
_WORK_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 8.0}
_ELAPSED_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0, "week": 168.0, "month": 730.0, "year": 8760.0}
_PER_WEEK = {"day": 7.0, "weekday": 5.0, "every_day": 7.0, "week": 1.0, "fortnight": 0.5,
             "month": 12 / 52, "quarter": 4 / 52, "year": 1 / 52}  # hours, and posts, a week
_PER_MONTH = {"day": 365 / 12, "weekday": 260 / 12, "every_day": 365 / 12, "week": 52 / 12,
              "fortnight": 26 / 12, "month": 1.0, "quarter": 1 / 3, "year": 1 / 12}
_SKIPS: dict[str, SkipKind] = {"skipped": "skipped", "unknown": "unknown"}


@datafiles.cached
def _range_words(*more: str) -> str:
    """The regex of what joins the two numbers of a range: "-" and the range words of grammar.yaml,
    then the words of the tables ``more`` names ("range_marks", "or_words", "and_words")."""
    g = grammar()
    tables = [g.range_words, *(getattr(g, name) for name in more)]
    return "-|" + alternatives(dict.fromkeys(w for table in tables for w in words_of(table)))


@datafiles.cached
def _bare() -> re.Pattern[str]:
    return re.compile(rf"{_FILL}(?P<a>{_NUM})(?:\s*(?:{_range_words()})\s*(?P<b>{_NUM}))?{_FILL}")


# Signals: yes, no, maybe, skip, don't know, refuse.

def parse_yes_no(text: str) -> bool | None:
    """True or False from the first yes/no word; None for maybe, don't know, a refusal or nothing."""
    found = vocabulary("signals").find(normalise(text))
    if not found or any(label == "refused" for *_, label in found):
        return None
    return {"yes": True, "no": False}.get(found[0][2])


_SHORT = 5  # words: a reply this short that says "don't know" anywhere says nothing else


@datafiles.cached
def _not_knowing() -> PhraseMatcher:
    """The "don't know" phrases alone, so that a longer phrase of another signal starting earlier
    ("i don't" in "i don't really know") cannot hide one."""
    return phrase_matcher({"unknown": answer_words()["signals"]["unknown"]})


def parse_skip(text: str) -> SkipKind | None:
    """"refused" if the text refuses anywhere; "skipped"/"unknown" if that is what it says first
    (before any number or yes/no word); otherwise None."""
    norm = normalise(text)
    found = vocabulary("signals").find(norm)
    if any(label == "refused" for *_, label in found):
        return "refused"
    digit = re.search(r"[0-9]", norm)
    if len(norm.split()) <= _SHORT and not digit and _not_knowing().find(norm):
        return "unknown"  # "nee, weet nie", "i don't really know": in a short reply, not knowing wins
    if not found or found[0][2] not in _SKIPS:
        return None
    if found[0][2] == "unknown" and digit:  # "hard to say, maybe 25 hours a week": a hedge, then an answer
        return None
    return None if digit and digit.start() < found[0][0] else _SKIPS[found[0][2]]


# Names: channels, sales model, closing channels, any option set.

def _lone_x(norm: str, start: int, end: int) -> bool:
    """"x" beside a number is "times" (2 x a week), not the platform."""
    if norm[start:end] != "x":
        return False
    return norm[:start].rstrip()[-1:].isdigit() or norm[end:].lstrip()[:1].isdigit()


def channel_spans(text: str) -> list[Span]:
    """(start, end, channel) of each channel named and not negated, in ``normalise(text)``."""
    norm = normalise(text)
    return [span for span in mentions(norm, vocabulary("channels")) if not _lone_x(norm, span[0], span[1])]


def parse_channels(text: str) -> set[str]:
    """Canonical channel names mentioned and not negated (see ``bot.profile.CHANNELS``)."""
    return {label for *_, label in channel_spans(text)}


def parse_sales_model(text: str) -> str | None:
    """"b2b", "b2c" or "both" (said, or both kinds of buyer named); None if neither is named."""
    labels = {label for *_, label in mentions(normalise(text), vocabulary("sales_model"))}
    if "both" in labels or {"b2b", "b2c"} <= labels:
        return "both"
    return labels.pop() if labels else None


def parse_close_channels(text: str) -> set[str]:
    """Where deals close (see ``bot.profile.CLOSE_CHANNELS``), negated ones left out. Regular
    customers are people the business knows only where the text says it sells to businesses ("70 %
    er erhverv – faste kunder"): a café's or a web shop's regulars ("überwiegend Stammkunden 50+")
    buy over its counter or online, and say nothing of where."""
    matcher = vocabulary("close_channels")
    labels = {label for clause in clause_texts(normalise(text)) if not says_hardly(clause)
              for *_, label in mentions(clause, matcher)}  # "Empfehlungen kommen leider kaum": none
    if "regulars" in labels:
        labels.discard("regulars")
        labels |= {"known_contacts"} if parse_sales_model(text) in ("b2b", "both") else set()
    return labels


_UNNAMED = frozenset({"posted"})  # sets whose options' names are no words of theirs ("sales" is not posted)


@datafiles.cached
def _named_choices(name: str) -> tuple[PhraseMatcher, tuple[str, ...]]:
    table: Mapping[str, Any] = answer_words()["choices"][name]
    return phrase_matcher(table, with_names=name not in _UNNAMED), tuple(table)


def _choice_matcher(options: Options) -> tuple[PhraseMatcher, tuple[str, ...]]:
    if isinstance(options, str):
        if options not in answer_words()["choices"]:
            raise UnknownNameError("choice set", options, sorted(answer_words()["choices"]))
        return _named_choices(options)
    return phrase_matcher(options, with_names=True), tuple(options)


def parse_choices(text: str, options: Options) -> set[str]:
    """Every option named. ``options`` maps each option to synonyms (a list, or lists per language),
    or names a set in answers.yaml (responder, sales_cycle, goals, purposes, owners)."""
    matcher, _ = _choice_matcher(options)
    return {label for *_, label in mentions(normalise(text), matcher)}


def parse_choice(text: str, options: Options) -> str | None:
    """The one option named, or the n-th option for an answer "n"; None if none or several."""
    matcher, names = _choice_matcher(options)
    norm = normalise(text)
    labels = {label for *_, label in mentions(norm, matcher)}
    if len(labels) == 1:
        return labels.pop()
    number = re.fullmatch(r"[\s(#]*([0-9]{1,2})[\s.):]*", norm)
    if not labels and number and 1 <= int(number.group(1)) <= len(names):
        return names[int(number.group(1)) - 1]
    return None


# Durations: hours per week, response time, sales cycle.

@dataclass(frozen=True)
class _Quantity:
    start: int
    end: int
    value: float
    unit: str


@datafiles.cached
def _number_words() -> dict[str, float]:
    return {" ".join(normalise(w).split()): float(v)
            for table in answer_words()["number_words"].values() for w, v in table.items()}


@datafiles.cached
def _quantity_regex() -> re.Pattern[str]:
    words = "|".join(words_pattern(w) for w in sorted(_number_words(), key=len, reverse=True))
    number = rf"{_NUM}|(?:{words})(?=[\s\-])"
    units = "|".join(f"(?P<{unit}>{_longest_first(phrase_list(phrases))})"
                     for unit, phrases in answer_words()["units"].items())
    joiner = _range_words("range_marks", "or_words")
    return re.compile(
        rf"(?<![\w.,])(?P<a>{number})(?:\s*(?:{joiner})\s*(?P<b>{number}))?\s*(?:{units})(?!\w)")


def _longest_first(phrases: Iterable[str]) -> str:
    return "|".join(words_pattern(p) for p in sorted({normalise(p) for p in phrases}, key=len, reverse=True))


def _read(token: str) -> float:
    if token[:1].isdigit():
        return float(token.replace(",", "."))
    return _number_words()[" ".join(re.split(r"[\s\-]+", token))]


def _quantities(norm: str) -> list[_Quantity]:
    """Whole-phrase durations ("half an hour", "puolitoista tuntia") and number + unit."""
    phrases = vocabulary("durations").find(norm)
    vague = {end for _, end, _ in word_list("few").find(norm)}
    found = [_Quantity(s, e, float(label), "hour") for s, e, label in phrases
             if not any(v <= s and not norm[v:s].strip() for v in vague)]
    for m in _quantity_regex().finditer(mask(norm, phrases)):
        low = _read(m.group("a"))
        value = (low + _read(m.group("b"))) / 2 if m.group("b") else low
        unit = next(u for u in _UNITS if m.group(u))
        if math.isfinite(value):
            found.append(_Quantity(m.start(), m.end(), value, unit))
    return _join_minutes(sorted(found, key=lambda q: q.start), norm)


@datafiles.cached
def _minutes_joiner() -> re.Pattern[str]:
    """Between hours and the minutes that go with them: "and" (grammar.yaml and_words) or "&"."""
    return re.compile(rf"[\s,]*(?:{alternatives(words_of(grammar().and_words))}|&)?[\s,]*")


def _join_minutes(found: list[_Quantity], norm: str) -> list[_Quantity]:
    """"1 hour and 30 minutes" is one quantity of 1.5 hours."""
    out: list[_Quantity] = []
    for q in found:
        prev = out[-1] if out else None
        gap = norm[prev.end:q.start] if prev else ""
        if prev and prev.unit == "hour" and q.unit == "minute" and _minutes_joiner().fullmatch(gap):
            out[-1] = replace(prev, end=q.end, value=prev.value + q.value / 60)
        else:
            out.append(q)
    return out


def _prepare(text: str) -> str:
    """Normalised, with "1h30" / "1:30" written as decimal hours."""
    return _HHMM.sub(lambda m: f" {int(m.group(1)) + int(m.group(2)) / 60:g} h ", normalise(text))


def _bare_number(text: str) -> float | None:
    """The number when it is all the answer says, bar words like "about" and "ca"."""
    m = _bare().fullmatch(mask(text, word_list("approximately").find(text)))
    if not m:
        return None
    low = float(m.group("a").replace(",", "."))
    high = float(m.group("b").replace(",", ".")) if m.group("b") else low
    if high < low:  # "9 to 5": a clock time, not a range of hours
        return None
    value = (low + high) / 2
    return value if math.isfinite(value) else None


def _period_for(start: int, end: int, bounds: tuple[int, int], periods: list[Span],
                preceding: list[Span] | None = None) -> str | None:
    """The rate said of a value: the first after it, else the last before it (of ``preceding``,
    by default any), within ``bounds``."""
    after = [label for s, _, label in periods if end <= s < bounds[1]]
    before = [label for s, e, label in (periods if preceding is None else preceding)
              if bounds[0] <= s and e <= start]
    return after[0] if after else (before[-1] if before else None)


# a rate right after another number and its unit is that number's ("3 hours a week, and 500 kr on ads")
_RATE_OF_NUMBER = re.compile(r"\d\s*[^\W\d]*\.?\s*$")


_SENTENCE_END = re.compile(r"[.!?;](?=\s)|\n")


def _bounds(items: list[tuple[int, int]], i: int, size: int) -> tuple[int, int]:
    return (items[i - 1][1] if i else 0, items[i + 1][0] if i + 1 < len(items) else size)


_FULL_WEEK = 37.5  # hours: a share of a job is a share of this ("60 % stilling" = 22.5 h a week)
_POSITION_REACH = 30  # characters between a percentage and the word that makes it a share of a job


@datafiles.cached
def _percent() -> re.Pattern[str]:
    words = "|".join(rf"{re.escape(w)}\b" for w in words_of(grammar().percent_words))
    return re.compile(rf"(?<![\w.,])({_NUM})\s*(?:%|{words})")


def _shares(norm: str) -> list[tuple[int, int, float]]:
    """(start, end, hours a week) of each share of a job said: "Ingrid har 40 % stilling",
    "a content person at 50 % on social", "60 % työajalla somessa"."""
    words = word_list("position").find(norm)
    out = []
    for m in _percent().finditer(norm):
        share = float(m.group(1).replace(",", "."))
        near = any(0 <= s - m.end() <= _POSITION_REACH or 0 <= m.start() - e <= _POSITION_REACH
                   for s, e, _ in words)
        if near and 0 < share <= 100:
            out.append((m.start(), m.end(), share / 100 * _FULL_WEEK))
    return out


def parse_hours(text: str) -> float | None:
    """Hours per week spent (see the module docstring for the rules). A share of someone's job
    adds to what else is said ("40 % stilling, og selv en time om dagen": 15 + 7)."""
    norm = _prepare(text)
    shares = _shares(norm)
    if shares:
        others = mask(norm, shares)
        rest = parse_hours(others) if _quantities(others) else None
        return round(sum(h for *_, h in shares) + (rest or 0.0), 4)
    periods = vocabulary("periods").find(norm)
    masked = mask(norm, periods)
    spans = [(q.start, q.end, q.value * _WORK_HOURS[q.unit])
             for q in _quantities(masked) if q.unit in _WORK_HOURS]
    if not spans:
        bare = _bare_number(masked)
        if bare is None:
            return 0.0 if word_list("zero_hours").find(norm) else None
        spans = [(0, len(norm), bare)]
    edges = [(s, e) for s, e, _ in spans]
    weekly = set()
    weekdays = any(label == "weekday" for *_, label in periods)  # "an hour a day on weekdays": 5 days
    for i, (start, end, hours) in enumerate(spans):
        period = _period_for(start, end, _bounds(edges, i, len(norm)), periods) or "week"
        period = "weekday" if period == "day" and weekdays else period
        weekly.add(round(hours * _PER_WEEK[period], 4))
    value = weekly.pop() if len(weekly) == 1 else None
    return value if value is not None and value <= 168 else None


def parse_response_time(text: str) -> float | None:
    """Hours until a comment or message is answered: the first time the answer states."""
    norm = _prepare(text)
    phrases = vocabulary("response_times").find(norm)
    found = [(s, float(label)) for s, _, label in phrases]
    found += [(q.start, q.value * _ELAPSED_HOURS[q.unit]) for q in _quantities(mask(norm, phrases))]
    if found:
        return min(found)[1]
    return _bare_number(norm)


def parse_sales_cycle(text: str) -> SalesCycle | None:
    """Days from first contact to a closed deal ("2-3 months"), or a category ("a few weeks");
    a duration with a price after it is what is sold ("En time koster 690"), no cycle."""
    norm = _prepare(text)
    priced = [start for start, _, _ in word_list("priced").find(norm)]
    days = {round(q.value * _ELAPSED_HOURS[q.unit] / 24, 4) for q in _quantities(norm)
            if not any(s >= q.end and not norm[q.end:s].strip() for s in priced)}
    if len(days) == 1:
        return SalesCycle.from_days(days.pop())
    category = None if days else parse_choice(text, "sales_cycle")
    return SalesCycle(category) if category else None


# Money.

@dataclass(frozen=True)
class _Money:
    start: int
    end: int
    value: float
    multiplier: float
    currency: str | None
    strong: bool  # a currency or a multiplier was written with it
    high: float | None = None


def _alternation(phrases: Iterable[str], prefix: bool = False) -> str:
    parts = []
    for p in sorted({normalise(p) for p in phrases}, key=len, reverse=True):
        head = r"(?<!\w)" if prefix and re.match(r"\w", p) else ""
        parts.append(head + words_pattern(p) + (r"(?![^\W\d_])" if re.search(r"\w$", p) else ""))
    return "|".join(parts)


@datafiles.cached
def _amount_regex() -> re.Pattern[str]:
    data = answer_words()
    suffix = _alternation(p for ps in data["currencies"].values() for p in ps)
    prefix = _alternation((p for ps in data["currency_prefixes"].values() for p in ps), prefix=True)
    mult = _alternation(p for ps in data["multipliers"].values() for p in ps)
    grouped = r"[1-9][0-9]{0,2}(?P<sep>[ .,'])[0-9]{3}(?:(?P=sep)[0-9]{3})*(?:[.,][0-9]+)?"
    return re.compile(
        rf"(?:(?P<pre>{prefix})\s?)?(?<![0-9.,])(?P<num>{grouped}|{_NUM})(?![0-9])"
        rf"(?:\s?(?P<mult>{mult}|[tkm](?=\.?\s?(?:{_GLUED}))))?(?:[\s.]{{0,2}}(?P<cur>{suffix}))?")


# A multiplier glued to a currency: "200 tkr", "10-20 mkr", "5 MSEK", "3-4 t€/kk".
_GLUED = r"kr|sek|nok|dkk|€|eur(?![a-z])"


@datafiles.cached
def _money_tables() -> tuple[dict[str, str], dict[str, float], re.Pattern[str]]:
    data = answer_words()
    codes = {" ".join(normalise(p).split()): code
             for table in ("currencies", "currency_prefixes") for code, ps in data[table].items() for p in ps}
    mults = {normalise(p): float(m) for m, ps in data["multipliers"].items() for p in ps} | {"t": 1000.0}
    units = _alternation(p for phrases in data["units"].values() for p in phrase_list(phrases))
    return codes, mults, re.compile(rf"\s?(?:%|x\b|(?:{units}))")


def _number(num: str, sep: str | None) -> float:
    if not sep:
        return float(num.replace(",", "."))
    decimal = re.search(r"([.,])([0-9]+)$", num)
    if decimal and decimal.group(1) != sep:
        whole = num[: decimal.start()].replace(sep, "")
        return float(f"{whole}.{decimal.group(2)}")
    return float(num.replace(sep, ""))


def _money_tokens(norm: str, lang: str | None) -> list[_Money]:
    codes, mults, unit_after = _money_tables()
    tokens = []
    for m in _amount_regex().finditer(norm):
        multiplier = mults.get(m.group("mult") or "", 1.0)
        value = _number(m.group("num"), m.group("sep")) * multiplier
        raw = m.group("pre") or m.group("cur")
        strong = bool(raw or m.group("mult"))
        if not math.isfinite(value) or (not strong and unit_after.match(norm, m.end())):
            continue
        code = codes.get(" ".join(raw.split())) if raw else None
        if code == "kr":
            code = grammar().krona.get(lang or "")
        tokens.append(_Money(m.start(), m.end(), value, multiplier, code, strong))
    return tokens


_GROUPED = re.compile(r"\d[ .\u00a0\u202f']\d{3}(?!\d)")


def _leading(value: float) -> float:
    """The place of a number's first digit: 1000 for 4000, 100 for 400."""
    return float(10 ** (len(str(int(value))) - 1))


def _ranges(tokens: list[_Money], norm: str) -> list[_Money]:
    """Join "5-10k", "5 000 to 10 000 kr", "between 5 and 10 tkr" into ranges."""
    joiner = rf"\s*(?:{_range_words('range_marks')})\s*"
    if word_list("between_words").find(norm):
        joiner = rf"\s*(?:{_range_words('range_marks', 'and_words')})\s*"
    out: list[_Money] = []
    for token in tokens:
        prev = out[-1] if out else None
        if prev and prev.high is None and re.fullmatch(joiner, norm[prev.end:token.start]):
            low = prev.value
            if prev.multiplier == 1.0 and token.multiplier > 1 and low * token.multiplier <= token.value:
                low *= token.multiplier
            elif low < 1000 <= token.value and low * 1000 <= token.value \
                    and _GROUPED.search(norm[token.start:token.end]):
                low *= 1000  # "90-120.000 kr", "25-60 000": the thousands are written once, on the top
            elif low < 10 <= 100 <= token.value and low == int(low) and \
                    low * _leading(token.value) < token.value:
                low *= _leading(token.value)  # "2-4000 kr", "3-400 kr": one digit for the top's first
            low, high = sorted((low, token.value))
            out[-1] = _Money(prev.start, token.end, low, token.multiplier, prev.currency or token.currency,
                             prev.strong or token.strong, high)
        else:
            out.append(token)
    return out


def _same(a: Amount, b: Amount) -> bool:
    def close(x: float | None, y: float | None) -> bool:
        if x is None or y is None:
            return x is y
        return abs(x - y) <= 0.01 * max(1.0, y)

    currencies_agree = a.currency == b.currency or None in (a.currency, b.currency)
    return close(a.value, b.value) and close(a.high, b.high) and currencies_agree


@datafiles.cached
def _zero_words() -> frozenset[str]:
    """The whole-answer words for no money ("=null", "=nothing"), as words that can open a clause."""
    return frozenset(p.strip("=") for p in phrase_list(answer_words()["zero_amount"]) if p.startswith("="))


def parse_budget(text: str, lang: str | None = None) -> Amount | None:
    """Money for ads: an amount with no rate and a word for once ("nur einmal 50 Euro probiert",
    "boosted one post for R200 once") was spent once, no budget: 0 when the answer opens with
    none ("Nix, …"), else left unsaid."""
    amount = parse_amount(text, lang)
    if amount is None or amount.monthly or not word_list("one_off").find(normalise(text)):
        return amount
    return Amount(0.0) if says_zero(text) else None


def says_zero(text: str) -> bool:
    """"null på digitale annonser", "zero on ads": a clause about money that opens with none; or
    that ends with it after a colon or dash ("Annonser på nätet: noll", "ads - nothing")."""
    norm = normalise(text)
    words = norm.split()
    if not words:
        return False
    parts = re.split(r"[:\u2013\u2014-]", norm)
    return (words[0] in _zero_words() or " ".join(words[:2]) in _zero_words()
            or len(parts) > 1 and parts[-1].strip(" .!") in _zero_words())


def parse_deal(text: str, lang: str | None = None) -> Amount | None:
    """One sale's value: as :func:`parse_amount`, but a yearly figure is kept as said ("4-6.000 €
    im Jahr" for a client is a 4-6 000 € deal, not 333-500 € a month)."""
    return parse_amount(text, lang, keep_year=True)


def parse_amount(text: str, lang: str | None = None, keep_year: bool = False) -> Amount | None:
    """Money in the answer. A bare "kr" becomes SEK/DKK/NOK by the conversation's ``lang``
    (the text alone cannot tell them apart); without it the currency is left unsaid. A rate
    makes it monthly; ``keep_year``: a yearly one stays the year's amount."""
    norm = normalise(text)
    candidates = _ranges(_money_tokens(norm, lang), norm)
    pool = [c for c in candidates if c.strong] or candidates
    if not pool:
        return Amount(0.0) if word_list("zero_amount").find(norm) else None
    periods = vocabulary("periods").find(norm)
    edges = [(c.start, c.end) for c in pool]
    amounts = []
    for i, c in enumerate(pool):
        low, high_end = _bounds(edges, i, len(norm))  # a rate before it only in its own sentence:
        low = max([low, *(m.end() for m in _SENTENCE_END.finditer(norm, 0, c.start))])  # not "30 h a
        before = [p for p in periods if not _RATE_OF_NUMBER.search(norm[max(low, p[0] - 30):p[0]])]
        period = _period_for(c.start, c.end, (low, high_end), periods, before)  # week. Ads R90k for the year"
        if keep_year and period == "year":
            period = None
        factor = _PER_MONTH[period] if period else 1.0
        high = c.high * factor if c.high is not None else None
        if math.isfinite(c.value * factor) and (high is None or math.isfinite(high)):
            amounts.append(Amount(c.value * factor, c.currency, high, monthly=period is not None))
    if not amounts or not all(_same(a, amounts[0]) for a in amounts[1:]):
        return None
    currency = next((a.currency for a in amounts if a.currency), None)
    return replace(amounts[0], currency=currency)


# Posting frequency and counts.

@datafiles.cached
def _frequency_regex() -> re.Pattern[str]:  # no count after "2 " ("R2 000 p/m" is money)
    words = "|".join(words_pattern(w) for w in sorted(_number_words(), key=len, reverse=True))
    counted = _longest_first(phrase_list(answer_words()["post_counts"]))
    once = _longest_first(p for node in answer_words()["once"].values() for p in phrase_list(node))
    joiner = _range_words("range_marks", "or_words")
    return re.compile(rf"(?<![\w.,])(?<![0-9] )(?:(?P<n>{_NUM}|(?:{words})(?=[\s\-]))"
                      rf"(?:\s*(?:{joiner})\s*(?P<m>{_NUM}))?\s*(?P<t>{counted})?|(?P<once>{once}))(?!\w)")


@datafiles.cached
def _once_values() -> dict[str, float]:
    return {normalise(p): float(value)
            for value, node in answer_words()["once"].items() for p in phrase_list(node)}


def _rate_after(norm: str, end: int, periods: list[Span]) -> str | None:
    """The rate phrase that follows position ``end`` with nothing but spaces between."""
    return next((label for start, _, label in periods if start >= end and not norm[end:start].strip()), None)


@datafiles.cached
def _titles() -> re.Pattern[str]:
    """Job titles whose first word is a rate word ("daglig leder" is a managing director, not "daily")."""
    titles = grammar().rate_titles.values()
    first = alternatives(dict.fromkeys(w for t in titles for w in t.first))
    second = alternatives(dict.fromkeys(w for t in titles for w in t.second))
    return re.compile(rf"\b(?:{first})\s+(?:{second})\w*")


def parse_frequency(text: str) -> float | None:
    """Posts per week: "3 times a week", "3x/week", "5 posts a month", "twice a day", "daily",
    "kolme kertaa viikossa". None when no rate is said, or several different ones."""
    norm = _titles().sub(lambda m: "_" * len(m.group(0)), normalise(text))
    periods = vocabulary("periods").find(norm)
    found: set[float] = set()
    counted = False
    for m in _frequency_regex().finditer(norm):
        if m.group("once"):
            count = _once_values()[" ".join(m.group("once").split())]
        elif m.group("t") or m.group("n")[:1].isdigit():
            count = _read(m.group("n"))
            if m.group("m"):
                count = (count + _read(m.group("m"))) / 2
        else:
            continue
        period = _rate_after(norm, m.end(), periods)
        if period is not None and math.isfinite(count):
            counted = True
            found.add(round(count * _PER_WEEK[period], 4))
    for m in ([] if counted else _every_n().finditer(norm)):  # "alle 3 Wochen", "every 10 days"
        counted = True
        per_week = 7.0 if m.group("days") else 1.0
        found.add(round(per_week / max(float(m.group("n")), 1.0), 4))
    if not counted:  # "daily", "every week": one post per period named
        named = {label for *_, label in periods}
        named = {"weekday"} if named == {"day", "weekday"} else named  # "every morning Mon-Fri": 5
        if len(named) == 1 and not re.search(r"[0-9]", mask(norm, periods)):  # "alle 2 wochen" is a period
            found.add(round(_PER_WEEK[named.pop()], 4))
    return found.pop() if len(found) == 1 else None


@datafiles.cached
def _every_n() -> re.Pattern[str]:
    """"every N weeks / days" (grammar.yaml every_n): one post per N periods; an ordinal's mark
    may follow the number ("hver 14. dag", "var 3:e vecka")."""
    every_n = grammar().every_n
    every, weeks, days = (alternatives(words_of(t)) for t in (every_n.every, every_n.weeks, every_n.days))
    return re.compile(rf"\b(?:{every})\s+(?P<n>[0-9]{{1,2}})(?:\.|:e|:a)?\s*"
                      rf"(?:(?P<weeks>{weeks})|(?P<days>{days}))\b")


_YEAR = re.compile(r"(?<![0-9])(?<![0-9][ .,'])(?:199[0-9]|20[0-3][0-9])(?![0-9]|[ .,'][0-9]{3})")


def _years_masked(text: str) -> str:
    """``text`` with the years blanked ("nobody's touched it since 2022", "provkörningsfilmer
    2020"): a year written as four digits, bar round ones (2000 is a count as often as a year)."""
    return _YEAR.sub(lambda m: m.group(0) if int(m.group(0)) % 50 == 0 else " " * 4, text)


def parse_count(text: str, lang: str | None = None) -> int | None:
    """A number of people or things ("about 800 subscribers", "2k", "1 200"); None for money,
    for a rate, for a year, or when the answer gives no number."""
    amount = parse_amount(_years_masked(text), lang)
    if amount is None or amount.currency is not None or amount.monthly:
        return None
    return int(round(amount.mid))


def periods(text: str) -> set[str]:
    """The rates named in the text: day, weekday, every_day, week, fortnight, month, year."""
    return {label for *_, label in vocabulary("periods").find(normalise(text))}
