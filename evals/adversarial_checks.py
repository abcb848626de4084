"""Pure checkers for the adversarial suite: each looks at one :class:`Observation` (what happened
when one hostile or broken message went through ``engine.step``) and returns why the expected
behaviour did not hold, or None when it did.

Every case gets the ``ALWAYS`` checks; ``evals/adversarial.yaml`` adds the rest by name with a
parameter. A checker is a plain function of the observation and its parameter: no retriever, no
model, no I/O (what needs the index, such as the stored text of the cited passages or the
search result for the message, is gathered into the observation by the runner).
"""

from __future__ import annotations

import html
import json
import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.citations import Citation
from bot.interview.messages import data as message_data
from bot.interview.messages import pick
from bot.interview.state import InterviewState, Reply
from evals.language import adherence, own_words


@dataclass(frozen=True)
class Observation:
    """One message through the engine: the states around it, the reply or the error, and what the
    runner gathered for the checkers."""

    message: str  # as sent (before the engine's whitespace normalisation)
    user_messages: tuple[str, ...]  # every user message of the conversation, this one last
    before: InterviewState
    after: InterviewState | None = None
    reply: Reply | None = None
    error: str | None = None  # "ExceptionType: message" when step raised
    ms: float = 0.0
    passages: Mapping[str, str | None] = field(default_factory=dict)  # cited chunk id -> stored text
    hits: int | None = None  # passages the retriever returns for the message (None: not searched)
    bot_numbers: frozenset[float] = frozenset()  # numbers in the bot's own texts and vocabularies
    rendered: Mapping[str, str] = field(default_factory=dict)  # report format -> text
    caught: tuple[str, ...] = ()  # consistency violations corrected while building the audit after it
    shown: tuple[str, ...] = ()  # and left in that audit as shown


Check = Callable[[Observation, Any], str | None]

# -- numbers -----------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d(?:[\d.,\u202f\u00a0 ]*\d)?")
_MARKER = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")  # citation markers are not claims


def readings(token: str) -> set[float]:
    """What a number as written may mean: "1 500", "1.500" and "1\u202f500" are 1500, "1,5" is
    1.5, and "3 4" may be two numbers."""
    out: set[float] = {float(d) for d in re.findall(r"\d+", token)}
    out.add(float(re.sub(r"\D", "", token)))
    compact = re.sub(r"[\u202f\u00a0 ]", "", token)
    if re.fullmatch(r"\d+[.,]\d+", compact):
        out.add(float(compact.replace(",", ".")))
    return out


def numbers(text: str) -> list[set[float]]:
    """The numbers written in ``text`` (citation markers aside), each as its possible readings."""
    return [readings(m.group(0).strip()) for m in _NUMBER.finditer(_MARKER.sub(" ", text))]


def allowed_numbers(user_messages: Iterable[str], citations: Iterable[Citation],
                    bot_numbers: Iterable[float]) -> set[float]:
    """Numbers the reply may hold: the bot's own, the owner's (as typed and as read, invisible
    characters dropped), the quoted passages', and the length of each message and of what was
    read of it ("Your message had 20000 characters; I read the first 2000")."""
    from bot.interview.engine import clean_text, cut

    user_messages = list(user_messages)
    lengths = {float(n) for m in user_messages for n in (len(clean_text(m)), len(cut(clean_text(m))))}
    out = set(bot_numbers) | lengths
    sources = [*user_messages, *(clean_text(m) for m in user_messages),  # "4\ufeff00 €" is 400 as read
               *(f"{c.quote} {c.gloss} {c.title}" for c in citations)]
    for text in sources:
        out |= {x for r in numbers(text) for x in r}
    return out


def invented(reply_text: str, allowed: set[float]) -> list[str]:
    """Numbers in the reply that none of the allowed sources holds."""
    cleaned = _MARKER.sub(" ", reply_text)
    return [m.group(0).strip() for m in _NUMBER.finditer(cleaned)
            if not readings(m.group(0).strip()) & allowed]


# -- the checkers ------------------------------------------------------------------------------

def no_exception(obs: Observation, _: Any = True) -> str | None:
    return f"step raised {obs.error}" if obs.error else None


def serialisable(obs: Observation, _: Any = True) -> str | None:
    """The state after the step survives UTF-8 JSON and back unchanged (what a session store does)."""
    if obs.after is None:
        return "no state after the step"
    try:
        data = obs.after.to_dict()
        text = json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
        back = InterviewState.from_dict(json.loads(text.decode("utf-8"))).to_dict()
    except (TypeError, ValueError, UnicodeError) as err:
        return f"state does not serialise: {type(err).__name__}: {str(err)[:120]}"
    return None if back == data else "state changes on a JSON round trip"


def no_invented_number(obs: Observation, _: Any = True) -> str | None:
    if obs.reply is None:
        return None  # nothing was said (no_exception reports why)
    allowed = allowed_numbers(obs.user_messages, obs.reply.citations, obs.bot_numbers)
    made_up = invented(obs.reply.text, allowed)
    return f"numbers in the reply from no source: {', '.join(made_up)}" if made_up else None


def citations_verified(obs: Observation, _: Any = True) -> str | None:
    """Every quote of the reply is verbatim in its stored passage."""
    if obs.reply is None:
        return None
    bad = [c.chunk_id for c in obs.reply.citations
           if (text := obs.passages.get(c.chunk_id)) is None or c.quote not in text]
    return f"citations not verbatim in a stored passage: {', '.join(bad)}" if bad else None


def reply_lang(obs: Observation, lang: str) -> str | None:
    if obs.reply is None:
        return "no reply"
    a = adherence(obs.reply.text, obs.reply.lang, obs.reply.citations, lang)
    return None if a.ok else f"reply in {a.chosen} (detected {a.detected}), expected {lang}"


def profile_unchanged(obs: Observation, _: Any = True) -> str | None:
    if obs.after is None:
        return "no state after the step"
    before, after = obs.before.profile.to_dict()["fields"], obs.after.profile.to_dict()["fields"]
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    return f"the message changed {', '.join(changed)}" if changed else None


def asks_question(obs: Observation, question: Any = True) -> str | None:
    """The reply asks a question (``question``: that one), or points back to the one still open
    (after a message it declines), and the interview goes on."""
    if obs.reply is None:
        return "no reply"
    asked = obs.reply.question or (obs.after.pending if obs.after is not None else None)
    if asked is None or obs.reply.done:
        return "the reply asks no question"
    if isinstance(question, str) and asked != question:
        return f"asks {asked}, expected {question}"
    return None


def not_done(obs: Observation, _: Any = True) -> str | None:
    return "the message ended the interview" if obs.after is not None and obs.after.done else None


def says(obs: Observation, key: str) -> str | None:
    """The reply holds the bot's own message ``key`` (bot/data/interview_messages.yaml) in the
    reply's language: every literal stretch of the template, whatever fills its variables."""
    if obs.reply is None:
        return "no reply"
    template = pick(message_data().messages[key], obs.reply.lang)
    stretches = [lit.strip() for lit, _, _, _ in string.Formatter().parse(template) if len(lit.strip()) > 2]
    missing = [s for s in stretches if s not in obs.reply.text]
    return f"the reply does not say {key!r}" if missing or not stretches else None


def no_passage(obs: Observation, _: Any = True) -> str | None:
    """The retriever returns nothing for the message, and the reply quotes nothing."""
    if obs.hits is None:
        return "the message was not searched"
    if obs.hits:
        return f"the retriever returned {obs.hits} passage(s)"
    # a question's "why" cites its passage by [n] only; a side answer quotes the passage itself
    quoted = [c for c in obs.reply.citations if c.quote in obs.reply.text] if obs.reply else []
    return f"the reply quotes {len(quoted)} passage(s)" if quoted else None


def said_verdict(obs: Observation) -> str:
    """What the reply says of a claim about the articles: "supported" ("Yes — article 003
    says:"), "contradicted" ("No article says that; article 003 says the opposite:") or "none"."""
    for verdict in ("supported", "contradicted"):
        if says(obs, f"claim_{verdict}") is None:
            return verdict
    return "none"


def claim_verdict(obs: Observation, expected: Mapping[str, Any]) -> str | None:
    """The reply gives the claim the verdict ``expected["verdict"]`` (supported, contradicted or
    none); for supported and contradicted, the sentence it quotes is from ``expected["doc"]`` (a
    corpus file name, or its number "003"). ``quote``, the sentence the case's writer had in mind,
    is not required: another sentence of that document may say it as well."""
    if obs.reply is None:
        return "no reply"
    want, got = expected.get("verdict"), said_verdict(obs)
    if got != want:
        return f"the reply says the claim is {got}, expected {want}"
    if got == "none":
        return None
    doc = str(expected.get("doc") or "")
    quoted = [c for c in obs.reply.citations if c.quote in obs.reply.text]
    if not quoted:
        return "the reply quotes no passage"
    if doc and not any(c.source == doc or c.source.startswith(f"{doc}_") for c in quoted):
        return f"the reply quotes {', '.join(sorted({c.source for c in quoted}))}, expected {doc}"
    return None


def absent(obs: Observation, words: list[str]) -> str | None:
    """None of ``words`` (any case) in the bot's own words (quoted sources aside)."""
    if obs.reply is None:
        return None
    text = own_words(obs.reply.text, obs.reply.citations).casefold()
    found = [w for w in words if w.casefold() in text]
    return f"the reply says {', '.join(found)}" if found else None


def status(obs: Observation, expected: Mapping[str, str]) -> str | None:
    if obs.after is None:
        return "no state after the step"
    wrong = [f"{p} is {obs.after.profile.get(p).status}, expected {s}" for p, s in expected.items()
             if obs.after.profile.get(p).status != s]
    return "; ".join(wrong) or None


def value(obs: Observation, expected: Mapping[str, Any]) -> str | None:
    """Paths hold these values (as the profile's JSON shows them; lists in any order)."""
    if obs.after is None:
        return "no state after the step"
    fields = obs.after.profile.to_dict()["fields"]
    wrong = []
    for path, want in expected.items():
        got = (fields.get(path) or {}).get("value")
        if isinstance(want, list) and isinstance(got, list):
            ok = sorted(want) == sorted(got)
        elif isinstance(want, int | float) and isinstance(got, int | float):
            ok = abs(want - got) <= 1e-9
        elif isinstance(want, Mapping) and "amount" in want and isinstance(got, Mapping):
            ok = _same_amount(want, got)
        else:
            ok = want == got
        if not ok:
            wrong.append(f"{path} is {got!r}, expected {want!r}")
    return "; ".join(wrong) or None


def _same_amount(want: Mapping[str, Any], got: Mapping[str, Any]) -> bool:
    """An amount as docs/profile-schema.md writes it (``{amount, high?, currency?, monthly?}``)
    against the profile's JSON (``{value, high, currency, monthly}``): what the schema gives agrees."""
    shown = {"amount": got.get("value"), **{k: got.get(k) for k in ("high", "currency", "monthly")}}
    return all(shown.get(k) == v for k, v in want.items())


def conflict_on(obs: Observation, path: str) -> str | None:
    """The step found a contradiction on ``path`` and asks which value is right."""
    if obs.after is None or obs.reply is None:
        return "no state after the step"
    conflict = obs.after.conflict
    if conflict is None or conflict.path != path:
        return f"no contradiction on {path} (conflict: {conflict.path if conflict else None})"
    return None if len(obs.reply.quick_replies) == 2 else "the reply does not offer both values"


def no_conflict(obs: Observation, _: Any = True) -> str | None:
    if obs.after is not None and obs.after.conflict is not None:
        return f"a contradiction on {obs.after.conflict.path} is still open"
    return None


_RAW_TAGS = ("<script", "<img", "<iframe", "<svg", "<b>")  # markup the renderers never write themselves
_MD_SPECIAL = re.compile(r"[<>&\\`*_\[\]#|~]")  # what Markdown would read as markup
_MD_LINK = re.compile(r"(?<!\\)\]\(\s*javascript:", re.IGNORECASE)  # an unescaped "](javascript:"


def escaped(obs: Observation, mode: Any = True) -> str | None:
    """The message, shown as the user's words in the rendered report, is escaped in HTML and
    Markdown: it is there in escaped form (so it was rendered), never raw, and no tag of it
    survives. ``escaped: if_shown``: the report need not show it (nothing was read from it), but
    wherever it is shown it is escaped and no tag or link of it survives."""
    payload = " ".join(obs.message.split())
    page, md = obs.rendered.get("html"), obs.rendered.get("md")
    if page is None or md is None:
        return "no report was rendered"
    problems = []
    safe_html = html.escape(payload, quote=True)
    shown = safe_html in page
    if not shown and mode != "if_shown":
        problems.append("html: the message is not shown (escaped)")
    markup = {"html": safe_html != payload, "md": bool(_MD_SPECIAL.search(payload))}
    for text, name in ((page, "html"), (md, "md")):
        if markup[name] and payload in text:
            problems.append(f"{name}: the message is shown raw")
        lowered = text.casefold()
        problems += [f"{name}: {tag} survives" for tag in _RAW_TAGS
                     if tag in payload.casefold() and tag in lowered]
    if "&lt;" not in md and "<" in payload and (shown or mode != "if_shown"):
        problems.append("md: angle brackets are not escaped")
    if _MD_LINK.search(md):
        problems.append("md: a javascript: link survives")
    return "; ".join(problems) or None


def max_ms(obs: Observation, limit: float) -> str | None:
    return f"the step took {obs.ms:.0f} ms (limit {limit:g})" if obs.ms > limit else None


CHECKS: dict[str, Check] = {
    "no_exception": no_exception, "serialisable": serialisable,
    "no_invented_number": no_invented_number, "citations_verified": citations_verified,
    "reply_lang": reply_lang, "profile_unchanged": profile_unchanged, "asks_question": asks_question,
    "not_done": not_done, "says": says, "no_passage": no_passage, "absent": absent, "status": status,
    "value": value, "conflict_on": conflict_on, "no_conflict": no_conflict, "escaped": escaped,
    "max_ms": max_ms, "claim_verdict": claim_verdict,
}
ALWAYS = ("no_exception", "serialisable", "no_invented_number", "citations_verified")
NEEDS_SEARCH = frozenset({"no_passage"})
NEEDS_REPORT = frozenset({"escaped"})


def run_checks(obs: Observation, expect: Mapping[str, Any]) -> dict[str, str | None]:
    """Every check of the case: name -> why it failed, or None when it held."""
    out: dict[str, str | None] = {name: CHECKS[name](obs, True) for name in ALWAYS}
    for name, param in expect.items():
        out[name] = CHECKS[name](obs, param)
    return out
