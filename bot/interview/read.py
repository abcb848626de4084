"""Reading one message: every profile field it states, and what kind of message it is. Pure.

Every parser runs over every message, so one message that tells everything fills many fields.
A field is read from a stretch of the message (a clause, or a sentence for lists) whose cue
words say it talks about that field (``bot/data/cues.yaml``): "we answer within 2 hours" is a
response time, "5 hours a week" time spent. The question just asked needs no cue: it is read
from the whole message minus the stretches other fields claimed. A correction ("actually 5
hours, not 2") is read for earlier answers instead of the question just asked.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot import datafiles
from bot.interview import fields, phrases
from bot.interview.cues import Spans, cues, guessed_figure, looks_like_question, opens_request, venue
from bot.interview.fields import SkipKind, parse_yes_no
from bot.interview.meaning import UNUSED, offline
from bot.interview.phrases import alternatives, grammar, normalise, words_of
from bot.interview.policy import SOCIAL, Question
from bot.links import unquestioned
from bot.profile import SETTLED, Amount, Profile, Status, kind_of

_SENTENCE = re.compile(r"[!?;\n]+|\.(?=\s|$)")
_WORD_START = re.compile(r"^\S+")
_NUMERIC = frozenset({"number", "count", "amount", "cycle"})
_ONE_OF = frozenset({"bool", "choice"})  # fields that hold one value: two readings of it in a message clash
_SHORT_REPLY = 6  # words: a bare yes or no this short answers the yes/no question just asked
MIN_CLAUSE_WORDS = 3  # the reader's heads read a shorter piece of a sentence with the one before it
MAX_CLAUSES = 12  # a long paste is read by its first clauses (each embedding costs ~10 ms here)
MAX_CLAUSE_CHARS = 300
_TOPICS = ("comment", "deal", "sell", "email")  # cue keys a clause inherits from its sentence


@datafiles.cached
def _list_glue() -> re.Pattern[str]:
    """What may stand between channels of one list (grammar.yaml list_glue: "and", "both")."""
    return re.compile(rf"[\s,&/+]*(?:{alternatives(words_of(grammar().list_glue))})?[\s,&/+]*")


@datafiles.cached
def _negated_number() -> re.Pattern[str]:
    """A number taken back by the words before it ("not 5", "istället för 3"; grammar.yaml)."""
    words = alternatives(words_of(grammar().number_negators))
    return re.compile(rf"(?:\b(?:{words})\s+)([0-9]+(?:[.,][0-9]+)?)(?:\s*[^\W\d_]+)?")


@dataclass(frozen=True)
class Found:
    path: str
    value: Any
    status: Status = "answered"
    words: str | None = None  # the clause it was read from, when the reader knows it


@dataclass(frozen=True)
class Reading:
    found: tuple[Found, ...] = ()
    skip: SkipKind | None = None  # a skip, "don't know" or refusal of the question just asked
    answered: bool = False  # something in the message answers the question just asked
    correction: bool = False  # the message corrects an earlier answer
    question: bool = False  # the message is a question (and answers nothing)


# -- the fields: when a stretch talks about one, and how its value is read ---------------------

Cues = Spans  # cue key -> spans; a key a clause inherits from its sentence has no spans


def _polar(text: str, spans: list[tuple[int, int, str]] | None) -> bool | None:
    """True where a cue stands un-negated ("we delete them"), False where negated ("we never
    delete"), None without the cue, or where its cues say both ("bots we block, but we don't
    delete criticism": which one answers is not for the cue words to guess)."""
    said = {not phrases.negated(text, start, end) for start, end, *_ in spans or ()}
    return said.pop() if len(said) == 1 else None


def _leading_yes_no(text: str) -> bool | None:
    """A yes or no that opens the answer ("Nej, vi har ingen", "no plan"), not one deep inside."""
    return parse_yes_no(re.split(r"[,.;:!?]", text, maxsplit=1)[0])


def _nonempty(values: set[str]) -> frozenset[str] | None:
    return frozenset(values) if values else None


def _roi(text: str, c: Spans) -> bool | None:
    if "long" in c:
        return False
    if "quick" in c:
        return _polar(text, c["quick"])
    cycle = fields.parse_sales_cycle(text)
    if cycle is None or cycle.category == "months" and (cycle.days is None or 92 < cycle.days < 180):
        return None
    return cycle.category in ("instant", "days", "weeks", "months")


def _no_ads(text: str, lang: str) -> bool:
    """Some clause about ads says no ("We don't pay for any online ads", "Annonser på nätet:
    noll"; not "don't know") and no clause gives ads an amount: then the money named elsewhere
    is for something else ("the printed catalog is our big spend, about $40k a year")."""
    about = [cl for s in sentences(text) for cl in clauses(s, lang) if "ads" in cues(cl, lang)]
    amounts = [fields.parse_amount(cl, lang) for cl in about]
    zero = any(phrases.says_not(cl) and fields.parse_skip(cl) is None or fields.says_zero(cl)
               or a == Amount(0.0) for cl, a in zip(about, amounts, strict=True))
    return zero and not any(a is not None and a.value > 0 for a in amounts)


def _online(text: str, lang: str) -> str:
    """``text`` less its sentences about print, radio, fairs or sponsoring that name no channel:
    their money is no online ad budget ("Nur die Anzeige im Gemeindeblatt, 120 € im Monat")."""
    return " ; ".join(s for s in sentences(text) if not offline(s, lang))


def _ads(text: str, lang: str, c: Spans, primary: bool) -> Amount | None:
    """Money for ads; read alongside another answer ("5 hours, 200 € on ads"), only money that says
    so: a currency or a word for ads. A "no ads" beside money for other things is no ads."""
    if "ads" in c and _no_ads(text, lang):
        return Amount(0.0)
    amount = fields.parse_budget(_online(text, lang), lang)
    if amount is not None and (primary or "ads" in c or amount.currency is not None):
        return amount
    if _polar(text, c.get("ads")) is False or (primary and _leading_yes_no(text) is False):
        return Amount(0.0)
    return None


def _deal(text: str, lang: str, c: Spans, primary: bool) -> Amount | None:
    """The first amount, read clause by clause: in "3 000 € and it takes about a month" the month
    is the sales cycle, not a rate of the amount. Said in passing (the deal was not asked), only
    an amount in money: "3 ingenieurs vir die nuwe kontrak" counts people, not a deal."""
    for sentence in sentences(text):
        for clause in clauses(sentence, lang):
            amount = fields.parse_deal(clause, lang)
            if amount is not None and (primary or amount.currency is not None):
                return amount
    return None


def _bool_answer(key: str, keep: str | None = None) -> Callable[[str, str, Spans, bool], Any]:
    def read(text: str, lang: str, c: Spans, primary: bool) -> bool | None:
        leading = _leading_yes_no(text) if primary else None
        if leading is not None and (key in c or len(text.split()) <= _SHORT_REPLY):
            return leading  # "Nej haha, vem läser nyhetsbrev": the answer's first word decides
        if key in c:
            return _polar(text, c[key])
        if keep and keep in c:
            return False
        return None  # a longer "yes, about 120k get our email" says yes to something else
    return read


_DELETE_OR_KEEP = _bool_answer("delete", keep="keep")


def _deletes(text: str, lang: str, c: Spans, primary: bool) -> bool | None:
    """Whether critical comments are deleted, read past the clauses about removing abuse ("bots we
    block", "racistiske og truende kommentarer skjuler vi"): those say nothing of criticism."""
    kept = [cl for s in sentences(text) for cl in clauses(s, lang) if "abuse" not in cues(cl, lang)]
    if not kept:
        return None
    rest = " ; ".join(kept)
    return _DELETE_OR_KEEP(rest, lang, cues(rest, lang), primary)


def _channels_answer(text: str, lang: str, c: Spans, primary: bool) -> frozenset[str] | None:
    found = fields.parse_channels(text)
    if found:
        return frozenset(found)
    return frozenset() if primary and _leading_yes_no(text) is False else None


_NIX = re.compile(r"\bnix\b")  # colloquial German "not" ("Die Agentur antwortet nix"), not a negator of
# channel names ("auf Facebook zahlen wir gar nix" is about money, the page is in use)


def _denied(clause: str, value: str) -> bool:
    """A clause that says who does not answer ("Die Agentur antwortet nix, die postet nur"); a
    "nobody" is said with its negation."""
    return value != "nobody" and (phrases.says_not(clause) or bool(_NIX.search(normalise(clause))))


def _responder(text: str, lang: str, c: Spans, primary: bool) -> str | None:
    said = [(cl, v) for s in sentences(text) for cl in clauses(s, lang)
            if (v := fields.parse_choice(cl, "responder"))]
    if said and all(_denied(cl, v) for cl, v in said):
        return None
    whole = fields.parse_choice(text, "responder")
    if whole is not None and not any(v == whole and _denied(cl, v) for cl, v in said):
        return whole
    kept = {v for cl, v in said if not _denied(cl, v)}
    if len(kept) == 1:
        return kept.pop()
    parts = re.split(r"[,;]|\s-\s", text)
    return next((v for s in parts if (v := fields.parse_choice(s, "responder"))), None)


@dataclass(frozen=True)
class Rule:
    about: Callable[[str, Cues], bool]  # does a stretch with these cues talk about the field?
    answer: Callable[[str, str, Spans, bool], Any]  # its value, read as an answer (primary: asked first)
    scope: str = "clause"  # or "sentence", for lists


def _simple(fn: Callable[[str, str], Any]) -> Callable[[str, str, Spans, bool], Any]:
    return lambda text, lang, c, primary: fn(text, lang)


def _about_cycle(t: str, c: Cues) -> bool:
    return ("cycle" in c or "takes" in c and bool(c.keys() & {"deal", "sell"})) and not fields.periods(t)


def _about_hours(t: str, c: Cues) -> bool:
    return ("spend" in c or bool(fields.periods(t))) and "within" not in c


# Longer than a month is no time to answer a comment: "mange har handlet her i 20 år" says how long
# customers have come, and "inom en månad eller två" when results are expected.
_MAX_RESPONSE_HOURS = 31 * 24


def _response_hours(text: str) -> float | None:
    hours = fields.parse_response_time(text)
    return hours if hours is None or hours <= _MAX_RESPONSE_HOURS else None


def _about_response(t: str, c: Cues) -> bool:
    return "within" in c or "reply" in c and "spend" not in c and not fields.periods(t)


def _about_return(text: str, c: Spans) -> bool:
    """Said in passing, a clause about the return on social media: a word of return, or patience
    with social media named ("we see social media as long-term"); patience alone is about anything
    ("bit slower on a saturday night", "before the patient hears back", "long term we'd love to be
    the name people think of")."""
    return "roi" in c or "long" in c and bool(c.keys() & {"social", "measure"})


def _roi_answer(t: str, lang: str, c: Spans, primary: bool) -> bool | None:
    value = _roi(t, c)
    return _leading_yes_no(t) if value is None and primary else value


def _options(name: str) -> Callable[[str, str, Spans, bool], Any]:
    return _simple(lambda t, lang: _nonempty(fields.parse_choices(t, name)))


RULES: dict[str, Rule] = {
    "sales.model": Rule(lambda t, c: "sell" in c, _simple(lambda t, lang: fields.parse_sales_model(t)),
                        "sentence"),
    "sales.close_channels": Rule(lambda t, c: bool(c.keys() & {"sell", "close_via"}),
                                 _simple(lambda t, lang: _nonempty(fields.parse_close_channels(t))),
                                 "sentence"),
    "sales.deal_size": Rule(lambda t, c: bool(c.get("deal")), _deal),
    "sales.sales_cycle": Rule(_about_cycle, _simple(lambda t, lang: fields.parse_sales_cycle(t))),
    "resources.hours_per_week": Rule(_about_hours, _simple(lambda t, lang: fields.parse_hours(t))),
    "resources.response_time": Rule(_about_response, _simple(lambda t, lang: _response_hours(t))),
    "resources.responder": Rule(lambda t, c: "reply" in c, _responder),
    "resources.ad_budget": Rule(lambda t, c: "ads" in c, _ads),
    "channels.used": Rule(lambda t, c: "use" in c or fields.parse_frequency(t) is not None, _channels_answer,
                          "sentence"),
    "email_list.has_list": Rule(lambda t, c: "email" in c, _bool_answer("email")),
    "email_list.size": Rule(lambda t, c: "email" in c, _simple(fields.parse_count)),
    "goals": Rule(lambda t, c: "goal" in c, _options("goals"), "sentence"),
    "measurement.measures_results": Rule(lambda t, c: "measure" in c and "measure_up" not in c,
                                         _bool_answer("measure")),
    "measurement.expects_quick_roi": Rule(_about_return, _roi_answer, "sentence"),
    "criticism.deletes_critical_comments": Rule(lambda t, c: {"delete", "comment"} <= c.keys(), _deletes),
    "criticism.has_plan_for_criticism": Rule(lambda t, c: {"plan", "comment"} <= c.keys(),
                                             _bool_answer("plan")),
    "ownership.owners": Rule(lambda t, c: "owner" in c, _options("owners"), "sentence"),
}


# -- stretches of a message ------------------------------------------------------------------

@dataclass(frozen=True)
class Stretch:
    text: str
    sentence: int  # index of its sentence
    cues: Spans


@datafiles.cached
def _abbreviation() -> re.Pattern[str]:
    """A piece ending in an abbreviation, after which a full stop ends no sentence (grammar.yaml)."""
    return re.compile(rf"(?:^|\s)(?:{alternatives(words_of(grammar().abbreviations))})$", re.IGNORECASE)


def sentences(norm: str) -> list[str]:
    """The sentences of a message: cut at ". ", "!", "?", ";" and new lines, but not after an
    abbreviation ("ca. 1.200 modtagere") nor before a number."""
    out: list[str] = []
    for piece in (s.strip() for s in _SENTENCE.split(norm)):
        if not piece:
            continue
        if out and (_abbreviation().search(out[-1]) or piece[:1].isdigit()):
            out[-1] = f"{out[-1]}. {piece}"
        else:
            out.append(piece)
    return out


def statements(norm: str) -> str:
    """The message without its questions (sentences ending in "?"): "Should I be on TikTok?"
    names a channel but does not say the business uses it. A guessed figure with a question mark
    ("Totalt kanske 10 timmar i veckan?") is a statement (``guessed_figure``)."""
    pieces = re.split(r"(\?+)", norm)
    kept = []
    for piece, after in zip(pieces[::2], [*pieces[1::2], ""], strict=True):
        if after:  # keep what precedes the question's own sentence
            cut = max((m.end() for m in _SENTENCE.finditer(piece)), default=0)
            piece = piece if guessed_figure(piece[cut:]) else piece[:cut]
        kept.append(piece)
    return " ".join(p.strip() for p in kept if p.strip())


def without_requests(norm: str, lang: str) -> str:
    """The message without its sentences that ask the bot for something ("Give me a statistic
    that proves Instagram increases sales."): a request names fields but answers none."""
    parts = sentences(norm)
    if not any(opens_request(p, lang) for p in parts):
        return norm
    return ". ".join(p for p in parts if not opens_request(p, lang))


def _cuts(sentence: str, lang: str) -> list[tuple[int, int]]:
    """Where a sentence is cut: ", " and "and"/"but" words, except between two numbers ("5 and 10")."""
    coordinators = grammar().coordinators
    words = "|".join({*coordinators.get(lang, []), *coordinators["en"]} - {""})
    out = []
    for m in re.finditer(rf",?\s+(?:{words})\s+|,\s+", sentence):
        if sentence[:m.start()].rstrip()[-1:].isdigit() and sentence[m.end():].lstrip()[:1].isdigit():
            continue
        out.append((m.start(), m.end()))
    return out


def clauses(sentence: str, lang: str, min_words: int = 0) -> list[str]:
    """A sentence cut at ", " and at "and"/"but" words, except between two numbers ("5 and 10").
    With ``min_words``, a piece shorter than that stays joined to the one before it ("we sell to
    grid companies and municipalities" is one clause)."""
    pieces, start = [], 0
    for cut_start, cut_end in _cuts(sentence, lang):
        pieces.append((start, cut_start, cut_end))
        start = cut_end
    pieces.append((start, len(sentence), len(sentence)))
    out: list[tuple[int, int]] = []  # (start, end) spans in the sentence
    for begin, end, _ in pieces:
        short = len(sentence[begin:end].split()) < min_words
        if out and short:
            out[-1] = (out[-1][0], end)
        else:
            out.append((begin, end))
    if len(out) > 1 and len(sentence[out[0][0]:out[0][1]].split()) < min_words:
        out[:2] = [(out[0][0], out[1][1])]
    return [sentence[a:b].strip() for a, b in out if sentence[a:b].strip()]


def _stretches(norm: str, lang: str) -> tuple[list[Stretch], list[Stretch]]:
    """(clauses, sentences), each with its cues. A clause also carries the topic of its sentence
    ("… criticism, but we have no plan for it" is a plan for criticism), without spans; a
    sentence with no topic of its own, that of the sentence before it."""
    clause_list, sentence_list = [], []
    before: Spans = {}
    for i, sentence in enumerate(sentences(norm)):
        found = cues(sentence, lang)
        sentence_list.append(Stretch(sentence, i, found))
        own: Spans = {k: [] for k in _TOPICS if k in found}
        topics: Spans = own or before  # "… sletter ingenting. Vi har ingen plan.": still criticism
        before = own
        clause_list += [Stretch(c, i, topics | cues(c, lang)) for c in clauses(sentence, lang)]
    return clause_list, sentence_list


# -- reading ---------------------------------------------------------------------------------

def _unprompted(clause_list: list[Stretch], sentence_list: list[Stretch],
                lang: str) -> list[tuple[Found, set[int]]]:
    """Fields stated in passing, each with the clauses that stated it (for a list read from a
    whole sentence, the clauses that name something of it)."""
    found: list[tuple[Found, set[int]]] = []
    for path, rule in RULES.items():
        pool = sentence_list if rule.scope == "sentence" else clause_list
        for i, stretch in enumerate(pool):
            if not rule.about(stretch.text, stretch.cues):
                continue
            value = rule.answer(stretch.text, lang, stretch.cues, False)
            if value is None:
                continue
            claimed = {i} if rule.scope == "clause" else {
                j for j, c in enumerate(clause_list)
                if c.sentence == stretch.sentence and rule.answer(c.text, lang, c.cues, False) is not None}
            found.append((Found(path, value, words=stretch.text), claimed))
    return found


def _posts(text: str, lang: str) -> float | None:
    """Posts a week, unless ``text`` is about money for ads ("200 a month on facebook ads")."""
    return None if "ads" in cues(text, lang) else fields.parse_frequency(text)


def _lead_rate(text: str, start: int, lang: str) -> float | None:
    """The rate said before the channel at ``start`` ("Three times a week on LinkedIn"), from the
    channel's own clause only: not "… each month, but I don't know what came from Instagram"."""
    if "ads" in cues(text, lang):
        return None
    before = clauses(text[:start], lang) or [""]
    return _posts(before[-1], lang)


def _channel_details(sentence_list: list[Stretch], lang: str, asked: set[str]) -> list[Found]:
    """Per-channel posting frequency ("Facebook 3 times a week, Instagram daily") and purposes."""
    found: list[Found] = []
    asked_channels = [p.split(".")[1] for p in asked if p.endswith(".frequency")]
    named = {label for stretch in sentence_list for *_, label in fields.channel_spans(stretch.text)}
    if not asked_channels and len(named) == 1 and named <= set(SOCIAL):  # "Net Facebook. Elke
        asked_channels = list(named)  # Donderdag gaan die specials op": one channel, its rate later
    about_channels = "channels.used" in asked or any(p.endswith(".purposes") for p in asked)
    last: list[str] = []  # the social channels of the sentence before ("FB and Insta, 3 a week each.
    # Before/afters, whitening offers"), if it named any
    for stretch in sentence_list:
        all_spans = fields.channel_spans(stretch.text)
        spans = [s for s in all_spans if s[2] in SOCIAL]
        segments = [(label, stretch.text[start:(spans[i + 1][0] if i + 1 < len(spans) else None)])
                    for i, (start, _, label) in enumerate(spans)]
        follows = not all_spans and bool(last) and about_channels  # about the channels before it:
        if not all_spans and asked_channels:  # "FB elke dag. Outage updates, specials …"
            segments = [(channel, stretch.text) for channel in (last if follows else asked_channels)]
        elif follows:  # their purposes only: "Facebook is die hoofding … Dis vir die nuus"
            segments = [(channel, stretch.text) for channel in last]
        last = [label for *_, label in spans] if all_spans else []
        rates = {ch: r for ch, seg in segments if (r := _posts(seg, lang)) is not None}
        rates = rates if asked_channels or not follows else {}
        needed = len(spans) > 1 or len(spans) == 1 and not rates  # read only where it is used
        lead = _lead_rate(stretch.text, spans[0][0], lang) if needed else None
        if len(spans) == 1 and not rates:
            rates = {spans[0][2]: lead} if lead is not None else rates
        elif len(spans) > 1 and lead is not None:  # rates before their channels throughout:
            # "3x a week on LinkedIn, daily on Instagram": each channel's rate is in the gap before it
            gaps = [(b[2], _posts(stretch.text[a[1]:b[0]], lang)) for a, b in itertools.pairwise(spans)]
            rates = {spans[0][2]: lead} | {channel: r for channel, r in gaps if r is not None}
        shared = set(rates.values())
        for channel, segment in segments:
            bare = not spans or _list_glue().fullmatch(_WORD_START.sub("", segment, 1)) is not None
            inherits = len(shared) == 1 and bare
            rate = rates.get(channel, next(iter(shared)) if inherits else None)
            if rate is not None:
                found.append(Found(f"channels.{channel}.frequency", rate))
            purpose_path = f"channels.{channel}.purposes"
            purposes = _purposes(segment, stretch.text, lang, purpose_path in asked,
                                 posted=rate is not None and bool(spans) or follows)
            if purposes:
                found.append(Found(purpose_path, frozenset(purposes)))
    return found


def _purposes(segment: str, sentence: str, lang: str, asked: bool, posted: bool) -> set[str]:
    """What a channel is for, from the stretch about it: the goals' words where asked or after
    "for" ("Insta … mest for å vise fram folka"), else what is posted there at a stated rate or in
    the sentence after it ("FB so 3x n week, specials": sales), never a goal's word alone ("FB 3x a
    week, but sales come from referrals")."""
    if asked or "for" in cues(segment, lang):
        return fields.parse_choices(segment, "purposes") or fields.parse_choices(sentence, "purposes")
    return fields.parse_choices(segment, "posted") if posted else set()


def _answer(question: Question, profile: Profile, text: str, lang: str) -> list[Found]:
    """The question just asked, read from ``text`` with no cue words needed."""
    found: list[Found] = []
    c = cues(text, lang)
    primary = question.fills(profile)[:1]
    for path in (*question.fills(profile), *question.also(profile)):
        rule = RULES.get(path)
        if rule is None or not text.strip():
            continue
        value = rule.answer(text, lang, c, path in primary)
        if value is not None:
            found.append(Found(path, value))
    return found


_TOLD_IN_PARTS = ("channels.used", "goals")  # lists owners tell a clause at a time: parts join


def _merge(answer: list[Found], passing: list[Found]) -> tuple[Found, ...]:
    """One value per path: sets are joined; differing single values in one message cancel out
    (no guessing which was meant); an answer to the question asked beats a value said in passing,
    except the lists owners tell in parts (``_TOLD_IN_PARTS``), which join it. (Where deals close
    joined too loses more in precision than it gains: measured on tune and dev.)"""
    out: dict[str, Found] = {}
    for group in (answer, passing):
        seen: dict[str, Found] = {}
        dropped: set[str] = set()
        for f in group:
            old = seen.get(f.path)
            if old is None:
                seen[f.path] = f
            elif isinstance(old.value, frozenset) and isinstance(f.value, frozenset):
                seen[f.path] = Found(f.path, old.value | f.value, old.status)
            elif old.value != f.value:
                dropped.add(f.path)
        for path, f in seen.items():
            if path in dropped:
                continue
            if path not in out:
                out[path] = f
            elif path in _TOLD_IN_PARTS:
                out[path] = Found(path, out[path].value | f.value, out[path].status)
    return tuple(out.values())


def _corrected_target(norm: str, profile: Profile, recent: Question | None) -> list[str]:
    """Which settled number a correction replaces: the one it negates ("…, not 2"), else the
    question answered last."""
    negated = {float(m.group(1).replace(",", ".")) for m in _negated_number().finditer(norm)}
    for path, rule in RULES.items():
        leaf = profile.get(path)
        value = leaf.value.value if isinstance(leaf.value, Amount) else leaf.value
        if leaf.status in SETTLED and isinstance(value, int | float) and not isinstance(value, bool) \
                and float(value) in negated and rule:
            return [path]
    return list(recent.fills(profile)) if recent else []


def _correction(norm: str, lang: str, profile: Profile, recent: Question | None) -> Reading:
    masked = _negated_number().sub(lambda m: " " * len(m.group(0)), norm)
    clause_list, sentence_list = _stretches(masked, lang)
    found = [f for f, _ in _unprompted(clause_list, sentence_list, lang)]
    if not found:
        c = cues(masked, lang)
        for path in _corrected_target(norm, profile, recent):
            rule = RULES.get(path)
            value = rule.answer(masked, lang, c, True) if rule else None
            if value is not None:
                found.append(Found(path, value))
    return Reading(found=_merge(found, []), correction=True)


def _inferred(norm: str, lang: str) -> list[Found]:
    """"We run a café": a business that sells to consumers in person. Marked inferred."""
    if venue(norm, lang) and "self" in cues(norm, lang):
        return [Found("sales.model", "b2c", "inferred"),
                Found("sales.close_channels", frozenset({"physical_shop"}), "inferred")]
    return []


def _words(message: str) -> str:
    """The owner's words of a message: markup taken out, and a web address's "?" written as "/"
    (a sentence that names "https://…/tilbud?utm=x" is no question)."""
    return unquestioned(without_markup(message))


def message_clauses(message: str, lang: str) -> list[str]:
    """The clauses of a message's statements (its questions and requests to the bot set aside)."""
    norm = without_requests(statements(normalise(_words(message))), lang)
    found = [c[:MAX_CLAUSE_CHARS] for s in sentences(norm) for c in clauses(s, lang, MIN_CLAUSE_WORDS)]
    return found[:MAX_CLAUSES]


def message_sentences(message: str, lang: str) -> list[str]:
    """The sentences of a message's statements (its questions and requests to the bot set aside)."""
    norm = without_requests(statements(normalise(_words(message))), lang)
    return [s[:MAX_CLAUSE_CHARS] for s in sentences(norm)][:MAX_CLAUSES]


def _without_channels(found: list[Found], unused: frozenset[str]) -> list[Found]:
    """``found`` less the channels a clause said are not in use (a dormant page, a plan)."""
    out = []
    for f in found:
        if f.path == "channels.used" and isinstance(f.value, frozenset):
            kept = f.value - unused
            if kept:
                out.append(Found(f.path, kept, f.status, f.words))
        elif not (f.path.startswith("channels.") and f.path.split(".")[1] in unused):
            out.append(f)
    return out


_TOPIC_WORDS = {"criticism.deletes_critical_comments": "comment",
                "criticism.has_plan_for_criticism": "comment"}


def _had_enough(words: str) -> bool:
    """A clause saying one has enough of something, not negated ("Aufträge haben wir genug",
    "töitä riittää"): what it names is no goal ("not enough customers" is one)."""
    return bool(phrases.word_list("enough").find(normalise(words))) and not phrases.says_not(words)


def _kept_or_abuse(words: str, lang: str) -> bool:
    """A clause the heads read as deleting criticism that says otherwise in so many words: it
    removes abuse ("bots we block"), its deleting is denied ("ons vee nie uit nie"), or it keeps
    the comment and names no deleting ("det tåler vi")."""
    c = cues(words, lang)
    return "abuse" in c or _polar(words, c.get("delete")) is False or ("keep" in c and "delete" not in c)


def _on_topic(meant: tuple[Found, ...] | None, asked: set[str],
              sentence_list: list[Stretch], lang: str) -> tuple[Found, ...] | None:
    """The heads' readings, less a field not asked about that the message never names
    (``_TOPIC_WORDS``): a yes or no on criticism needs criticism or comments named ("we also have
    a newsletter" is no plan for criticism, however the heads score it); and less "deletes
    criticism" where the clause says otherwise (``_kept_or_abuse``); less money in a sentence
    about print or fairs (``meaning.offline``); less a goal read from a clause that says there is
    enough of it or that it is not needed ("lisää asiakkaita ei tarvii"), or from an answer to
    another question ("bilder från cuper så att ungdomarna känner sig som en del av gänget" is what
    Instagram is for, "inviterede dem tilbage på et glas vin" how a complaint was met: neither is
    what social media should do for the business)."""
    if meant is None:
        return None
    named = set().union(*(s.cues.keys() for s in sentence_list))

    def kept(m: Found) -> bool:
        if m.path == "goals" and (m.words and (_had_enough(m.words) or phrases.says_not(m.words))
                                  or "goals" not in asked):
            return False  # goals only where asked: in passing, what a post or a reply is for reads as one
        if m.path == "resources.ad_budget" and m.words and any(
                m.words in s.text and offline(s.text, lang) for s in sentence_list):
            return False  # money for the local paper or a fair, said in a clause of its own
        if m.path == "criticism.deletes_critical_comments" and m.value is True and m.words \
                and _kept_or_abuse(m.words, lang):
            return False
        needs = _TOPIC_WORDS.get(m.path)
        return m.path in asked or needs is None or needs in named

    return tuple(m for m in meant if kept(m))


def _mailed(stretches: list[Stretch]) -> list[Found]:
    """Email in use where a sentence gives the newsletter a rate and says nothing negative
    ("lounaslista lähtee maanantaisin sähköpostilla", "stuur 3-4 keer n jaar n nuusbrief"); a
    list said to lie idle ("haven't sent anything in a year") is no use of it."""
    for stretch in stretches:  # clauses, then sentences
        named = fields.parse_channels(stretch.text)
        rate = fields.parse_frequency(stretch.text)
        if named == {"email"} and rate and not phrases.says_not(stretch.text):
            return [Found("channels.used", frozenset({"email"}), words=stretch.text)]
    return []


_TOOLS = frozenset({"website", "google_business"})  # channels everyone has: named, they are not news


def _without_tools(passing: list[Found], asked: set[str]) -> list[Found]:
    """``passing`` less a website or a Google profile named in passing on its own ("dom bokar på
    hemsidan" says where sales happen, not which channels are in use): a website alone said in
    passing never settles the channels question; in a list of channels it counts."""
    if "channels.used" in asked:
        return passing
    named = frozenset().union(*(f.value for f in passing if f.path == "channels.used"))
    if named - _TOOLS:
        return passing
    return [f for f in passing if f.path != "channels.used"]


def _posted(details: list[Found]) -> frozenset[str]:
    """Channels given a posting rate ("tiktok 3x a week when Jess has time")."""
    return frozenset(f.path.split(".")[1] for f in details
                     if f.path.endswith(".frequency") and isinstance(f.value, float) and f.value > 0)


def _stale(clause: Stretch) -> bool:
    """A clause saying nothing has happened on what it names for a while: a "not", a "since"
    and no posting rate ("nobody's posted since 2022", "ei päivitetty vuoden 2021 jälkeen")."""
    idle = "stale" in clause.cues and phrases.says_not(clause.text)
    return idle and fields.parse_frequency(clause.text) is None


def _idle(clause_list: list[Stretch]) -> frozenset[str]:
    """Channels a stale clause, or one saying they were given up (no word of ads in it: "we stopped
    the FB ads" stops no page), names, or, naming none, the nearest clause before it in its
    sentence ("Instagram we set up in 2022 | and nobody's posted since")."""
    idle: set[str] = set()
    last: tuple[int, set[str]] = (-1, set())
    for clause in clause_list:
        named = fields.parse_channels(clause.text)
        if _stale(clause) or "stopped" in clause.cues and "ads" not in clause.cues:
            idle |= named or (last[1] if last[0] == clause.sentence else set())
        if named:
            last = (clause.sentence, named)
    return frozenset(idle)


def _unused_checked(meant: tuple[Found, ...], clause_list: list[Stretch],
                    posted: frozenset[str]) -> tuple[Found, ...]:
    """The heads' readings with corrections to which channels are not in use: a channel named in
    a plan or a wish is not in use ("the MD wonders if …"), nor one used only privately ("FB bruger
    jeg kun privat"), nor one a clause says has lain idle
    ("Instagram har vi men den har ikke blitt brukt siden i fjor"); one given a posting rate is."""
    plans = [c.text for c in clause_list if "considering" in c.cues or "private" in c.cues]
    planned = frozenset().union(*(fields.parse_channels(text) for text in plans)) | _idle(clause_list)
    posted = posted - planned
    out = [Found(m.path, m.value - posted, m.status, m.words) if m.path == UNUSED else m for m in meant]
    return tuple(m for m in out if m.value or m.path != UNUSED) + (
        (Found(UNUSED, planned),) if planned else ())


def combine(answer: list[Found], passing: list[Found], meant: tuple[Found, ...] | None,
            settled: frozenset[str] = frozenset(), lang: str = "en") -> tuple[list[Found], list[Found]]:
    """Cue-word readings checked against what the heads say the clauses mean (precision first):
    - a number said in passing is dropped where the heads read its words as being about other
      fields only;
    - a fact said in passing is dropped where the heads read another value (then neither stays:
      left open, never a guess);
    - the answer to the question just asked stays (its words were asked for), unless it is a
      number the heads read otherwise from the clause about that field;
    - what only the heads read is added, but never over a field already ``settled`` (the heads
      alone never contradict the owner); channels named as unused are taken out."""
    if meant is None:
        return answer, passing
    unused = frozenset().union(*(m.value for m in meant if m.path == UNUSED))
    meant = tuple(m for m in meant if m.path != UNUSED)
    if unused:
        answer, passing = _without_channels(answer, unused), _without_channels(passing, unused)
        meant = tuple(_without_channels(list(meant), unused))
    by_path: dict[str, list[Found]] = {}
    for m in meant:
        by_path.setdefault(m.path, []).append(m)

    def contradicted(f: Found) -> bool:
        """The heads read this field and none of their values agrees (for a set: shares a member)."""
        values = [m.value for m in by_path.get(f.path, ())]
        if not values:
            return False
        if isinstance(f.value, frozenset):
            return f.path != "channels.used" and not f.path.endswith(".purposes") and all(
                not (v & f.value) for v in values)
        return all(v != f.value for v in values)

    def elsewhere(f: Found) -> bool:
        """A number said in passing whose stretch the heads read as being about other fields only
        ("we're 6 and we answer within a day" gives no ad budget). Names and yes/no the cue words
        read with negation, and stay; a stretch the heads say nothing about keeps its number."""
        if kind_of(f.path).name not in _NUMERIC:
            return False
        if not f.words:
            return f.path not in by_path
        inside = {m.path for m in meant if m.words and (m.words in f.words or f.words in m.words)}
        return bool(inside) and f.path not in inside

    def misplaced(f: Found) -> bool:
        """A number the cue words read for the question asked, where the heads read another from
        the clause that is about the field ("150 000 a year on fairs, zero on digital ads"); a yes
        or no where the heads read the other ("Einen Plan haben wir dafür nicht":
        the negation comes after the cue word): the heads' reading stands."""
        if kind_of(f.path).name == "bool" and f.value is False:
            return False  # a no the cue words read with its negation ("Wouldn't delete stuff") stands
        if kind_of(f.path).name == "bool" and not _about_it(f.path, by_path.get(f.path, ()), lang):
            return False  # "Ja, über einen Rabattcode sehe ich, was reinkommt. Ich erwarte aber …": the
            # heads' no comes from a clause that does not speak of measuring
        if f.path == "sales.model" and f.value in _ONE_SIDE:  # businesses where the heads read only
            heads = by_path.get(f.path, ())  # consumers, or back; but "B2C" said in so many words
            if any(m.words and re.search(rf"\b{f.value}\b", m.words) for m in heads):  # stands (the
                return False  # heads' vectors hardly tell "b2c" from "b2b")
            return {m.value for m in heads} == {_ONE_SIDE[f.value]}
        return kind_of(f.path).name in (*_NUMERIC, "bool") and contradicted(f)

    cue_said = {(f.path, f.value) for f in answer + passing}
    torn = {path for path, ms in by_path.items()  # the heads read two values of a one-value field
            if kind_of(path).name in _ONE_OF and path != "sales.model"  # and the cue words back
            and len({m.value for m in ms}) > 1  # neither: left open ("replied, apologised …
            and not any((path, m.value) in cue_said for m in ms)}  # wouldn't delete stuff")
    answer = [_other_side(f, by_path.get(f.path, [])) for f in answer]
    answer, passing = _shops_agreed(answer, by_path), _shops_agreed(passing, by_path)
    kept_answer = [f for f in answer if not misplaced(f) and f.path not in torn]  # torn: asked, yet open
    kept_passing = [f for f in passing if f.status == "inferred" or not elsewhere(f) and not contradicted(f)]
    disputed = {f.path for f in passing if contradicted(f)} | torn  # two readings disagree: neither
    have = {f.path for f in kept_answer + kept_passing} | disputed
    said_yes_no = {(f.words, f.path) for f in kept_passing if f.words and kind_of(f.path).name == "bool"}

    def taken(m: Found) -> bool:
        """A yes or no the heads alone read from a clause whose cue words say the yes or no of
        another field ("… men vi har ingen plan" is no plan for criticism, not "no email list")."""
        return kind_of(m.path).name == "bool" and any(
            w == m.words and p != m.path for w, p in said_yes_no)

    extra = [m for m in meant if m.path not in settled and not taken(m)
             and (m.path not in have or isinstance(m.value, frozenset))]
    return kept_answer, kept_passing + extra


_SHOPS = frozenset({"physical_shop", "web_shop"})


def _shops_agreed(found: list[Found], heads: dict[str, list[Found]]) -> list[Found]:
    """Where deals close, less a shop the cue words read beside other places the heads agree with,
    where the heads read no shop ("gardbrukere, snekkere, et par butikker … Nesten alle kjenner vi
    fra før": shops among the customers): a shop read wrongly tells an accounting firm to show
    products on Instagram. A shop the cue words read alone stays ("meestal deur ons aanlyn winkel")."""
    read = frozenset().union(*(m.value for m in heads.get("sales.close_channels", ())))
    if not read or read & _SHOPS:
        return found
    out = []
    for f in found:
        if f.path == "sales.close_channels" and isinstance(f.value, frozenset) and f.value & _SHOPS \
                and f.value & read:
            f = Found(f.path, f.value - _SHOPS, f.status, f.words)
        out.append(f)
    return out


_ONE_SIDE = {"b2b": "b2c", "b2c": "b2b"}  # who buys: the one the other rules out
# The cue words of a yes-or-no field: a heads' reading against the answer counts where its clause has them.
_BOOL_CUES = {"measurement.measures_results": "measure", "criticism.has_plan_for_criticism": "plan",
              "email_list.has_list": "email", "criticism.deletes_critical_comments": "delete"}


def _about_it(path: str, heads: Sequence[Found], lang: str) -> bool:
    """Whether a heads' reading of ``path`` comes from a clause with the field's cue words (or the
    field has none listed, or the reading names no clause)."""
    key = _BOOL_CUES.get(path)
    return key is None or any(not m.words or key in cues(m.words, lang) for m in heads)


def _other_side(f: Found, heads: list[Found]) -> Found:
    """Consumers said in words in one clause, businesses read by the heads in another that names
    no buyer in words ("Ca. 80 % går til privatkunder, resten til restauranter"): both."""
    if f.path != "sales.model" or f.value not in _ONE_SIDE or not heads or not all(
            m.value == _ONE_SIDE[f.value] and m.words and fields.parse_sales_model(m.words) is None
            and not phrases.says_not(m.words) for m in heads):
        return f
    return Found(f.path, "both", f.status, f.words)

_OPENING_WORDS = 4  # a correction word counts in the first words of a message ("actually, 5 hours")


def _rest(clause_list: list[Stretch], claimed: set[int]) -> str:
    """The clauses not claimed, those of one sentence kept together (" ; " between sentences): a
    sentence about the local paper keeps its money ("… Badischen Zeitung …, das sind 6.000 € im Jahr")."""
    kept = [(c.sentence, c.text) for i, c in enumerate(clause_list) if i not in claimed]
    groups = itertools.groupby(kept, key=lambda k: k[0])
    return " ; ".join(", ".join(t for _, t in group) for _, group in groups)


def _corrects(norm: str, lang: str) -> bool:
    """The message corrects an earlier answer: a correction word among its first words, or one
    anywhere beside a number it negates ("we actually have 5, not 2"). "jeg forventer egentlig at
    …" (a filler "actually" mid-sentence) corrects nothing."""
    spans = cues(norm, lang).get("correction") or []
    if spans and _negated_number().search(norm):
        return True
    return any(len(norm[:start].split()) < _OPENING_WORDS for start, *_ in spans)


def _mirrored(found: tuple[Found, ...], clause_list: list[Stretch]) -> tuple[Found, ...]:
    """A channel a clause says gets another's posts by itself ("Insta 3-4 mal die Woche …, FB läuft
    automatisch mit") is used for what that one is, at its rate: the one social channel of the
    message with a rate or purposes read, the clause naming only the mirrored one."""
    said = {f.path: f.value for f in found}
    given = {p.split(".")[1] for p in said
             if p.startswith("channels.") and p.endswith((".frequency", ".purposes"))}
    out = list(found)
    for clause in clause_list:
        named = {c for c in fields.parse_channels(clause.text) if c in SOCIAL}
        source = given - named
        if "mirror" not in clause.cues or len(named) != 1 or len(source) != 1:
            continue
        mirror, (origin,) = named.pop(), source
        out += [Found(f"channels.{mirror}.{leaf}", said[f"channels.{origin}.{leaf}"], "answered", clause.text)
                for leaf in ("frequency", "purposes")
                if f"channels.{origin}.{leaf}" in said and f"channels.{mirror}.{leaf}" not in said]
    return tuple(out)


def _consistent(found: tuple[Found, ...]) -> tuple[Found, ...]:
    """``found`` less a "no list" beside a number of subscribers in the same message ("about
    2,700 all in - members plus supporters who signed petitions"): the count is the answer."""
    size = next((f.value for f in found if f.path == "email_list.size"), None)
    if isinstance(size, int | float) and size > 0:
        return tuple(f for f in found if not (f.path == "email_list.has_list" and f.value is False))
    return found


def read(message: str, lang: str, profile: Profile, pending: Question | None = None,
         recent: Question | None = None, meant: tuple[Found, ...] | None = None) -> Reading:
    """What ``message`` says, given the question just asked (``pending``), the one before it and
    what the reader's heads say its clauses mean (``meant``, None without heads)."""
    message = _words(message)
    norm = without_requests(statements(normalise(message)), lang)
    skip = fields.parse_skip(message) if pending is not None else None
    if _corrects(norm, lang) and skip is None:
        return _correction(norm, lang, profile, recent)
    asked = set(pending.fills(profile)) | set(pending.also(profile)) if pending else set()
    clause_list, sentence_list = _stretches(norm, lang)
    passing = _unprompted(clause_list, sentence_list, lang)
    found = [f for f, _ in passing if f.path not in asked]
    claimed = set().union(*(c for f, c in passing if f.path not in asked))
    rest = _rest(clause_list, claimed)
    answer = _answer(pending, profile, rest, lang) if pending and skip is None else []
    if pending and skip is None:  # said with cue words in a clause about it: the rest's reading
        named = [f for f, _ in passing if f.path in asked]  # fills the gaps, and a number there
        first = {f.path for f in named if kind_of(f.path).name in _NUMERIC}  # beats a bare one
        have = {f.path for f in answer} - first  # elsewhere ("no ads; 30k a year on fairs")
        answer = [f for f in named if f.path in first] + [f for f in answer if f.path not in first] \
            + [f for f in named if f.path not in first and f.path not in have]
    details = _channel_details(sentence_list, lang, asked)
    settled = frozenset(p for p in RULES if profile.get(p).status in SETTLED)
    posted = _posted(details)  # a channel given a posting rate is in use
    if meant is not None:
        meant = _unused_checked(meant, clause_list, posted)
    heads = None if skip is not None else _on_topic(meant, asked, sentence_list, lang)
    listed = profile.get("channels.used").value if "channels.used" in settled else None
    unlisted = posted - (listed or frozenset())
    found += [Found("channels.used", unlisted)] if unlisted and "channels.used" not in asked else []
    answer, found = combine(answer, found + _inferred(norm, lang), heads, settled, lang)
    merged = _merge(answer + [f for f in details if f.path in asked],
                    _without_tools(found + [f for f in details if f.path not in asked], asked)
                    + _mailed(clause_list + sentence_list))
    merged = _consistent(_mirrored(merged, clause_list))
    answered = skip is not None or any(f.path in asked for f in merged)
    question = not answered and looks_like_question(message, lang)
    if question:
        return Reading(question=True)
    return Reading(found=merged, skip=skip, answered=answered)


_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def without_markup(message: str) -> str:
    """``message`` as words: scripts and styles (with what they hold) and tags taken out
    ("we're on <b>instagram</b> 4x a week <script>alert('x')</script>" names no X). What is
    shown and stored stays as the owner typed it, escaped wherever it is shown."""
    return _TAG.sub(" ", _SCRIPT.sub(" ", message))


def answer_value(path: str, text: str, lang: str) -> Any:
    """``text`` read as the answer to ``path`` alone (a form field, a pick between two values)."""
    norm = normalise(text)
    parts = path.split(".")
    if parts[0] == "channels" and len(parts) == 3 and parts[2] == "frequency":
        return fields.parse_frequency(norm)
    if parts[0] == "channels" and len(parts) == 3 and parts[2] == "purposes":
        return _nonempty(fields.parse_choices(norm, "purposes"))
    rule = RULES.get(path)
    return rule.answer(norm, lang, cues(norm, lang), True) if rule else None


EDITABLE = (*RULES, *(f"channels.{c}.{leaf}" for c in SOCIAL for leaf in ("frequency", "purposes")))
