"""The optional LLM's executive narrative, and the post-check that keeps it grounded.

The model sees only the decisions, the findings and the numbered quotes, each quote a JSON string
marked as source material. Whatever it writes, a sentence survives only if ``why_dropped`` finds
nothing against it (the rules are listed under ``check`` in ``bot/data/audit_narrative.yaml``):
it cites valid ``[n]`` markers; every number is in the sources it cites, the profile or the
audit's own findings; it echoes no part of the brief, no key or address of the configured model;
and it carries no link or e-mail address.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from bot import datafiles
from bot import lang as langs
from bot.audit.model import ChannelVerdict, Finding, Misconception
from bot.audit.texts import UI, fill
from bot.citations import Citation, sentences
from bot.numbers import numbers_in as _numbers_as_written
from bot.profile import PATHS, SETTLED, Amount, Profile, SalesCycle
from bot.retrieval.lexical import tokens

MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# Links and e-mail addresses: with a scheme, www., user@host, or a bare host.tld[/path].
LINK = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+"
                  r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                  r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}/\S*"
                  r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)+\.(?:com|net|org|io|co|info|biz|xyz|se|dk|no|fi|de)\b")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Check(_Strict):
    echo_words: int
    secret_fields: tuple[str, ...]
    secret_min: int


class NarrativeFile(_Strict):
    """``bot/data/audit_narrative.yaml``: the prompts and the post-check's settings."""

    version: int
    system: str
    user: str
    check: Check


def _prompt() -> NarrativeFile:
    return datafiles.load("audit_narrative.yaml", NarrativeFile)


def numbers_in(text: str) -> list[set[float]]:
    """The numbers written in ``text`` (citation markers aside), each as its possible readings."""
    return _numbers_as_written(MARKER.sub(" ", text))


def _profile_numbers(profile: Profile) -> set[float]:
    out: set[float] = set()
    for path in PATHS:
        leaf = profile.get(path)
        if leaf.source_message:
            out |= {x for readings in numbers_in(leaf.source_message) for x in readings}
        value = leaf.value if leaf.status in SETTLED else None
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            out.add(float(value))
        elif isinstance(value, Amount):
            out |= {value.value} | ({value.high} if value.high is not None else set())
        elif isinstance(value, SalesCycle) and value.days is not None:
            out.add(value.days)
    return out


def source_numbers(citations: Iterable[Citation]) -> set[float]:
    """Every reading of every number in the quotes and glosses of ``citations``."""
    return {x for c in citations for readings in numbers_in(f"{c.quote} {c.gloss}") for x in readings}


def refs(sentence: str) -> list[int]:
    """The source numbers a sentence cites, in order: ``[2][3]`` and ``[2, 3]`` are 2 and 3."""
    return [int(n) for group in MARKER.findall(sentence) for n in re.split(r"\s*[,;]\s*", group)]


# -- the full check: what a sentence may rest on and what it must never carry -----------------

def words(text: str) -> list[str]:
    """``text`` as casefolded word tokens (punctuation, markers and spacing aside)."""
    return tokens(MARKER.sub(" ", text))


def grams(text: str, n: int) -> frozenset[tuple[str, ...]]:
    """The runs of ``n`` consecutive words of ``text``."""
    w = words(text)
    return frozenset(tuple(w[i:i + n]) for i in range(len(w) - n + 1))


def echoes(sentence: str, brief: frozenset[tuple[str, ...]], n: int) -> bool:
    """The sentence repeats ``n`` consecutive words of the brief."""
    return bool(grams(sentence, n) & brief)


def leaks(sentence: str, secrets: Iterable[str]) -> bool:
    folded = sentence.casefold()
    return any(s.casefold() in folded for s in secrets)


def links(text: str) -> list[str]:
    """The URLs, bare web addresses and e-mail addresses written in ``text``."""
    return [m.group(0).rstrip(".,;:)]»”\"'") for m in LINK.finditer(text)]


@dataclass(frozen=True)
class Grounds:
    """What the sentences of one narrative may rest on (its sources, by ``[n]``, and the numbers
    of the profile and of the audit's own texts) and what they must never carry (the brief's
    wording, the configured model's secrets)."""

    sources: tuple[Citation, ...]
    numbers: frozenset[float]
    brief: frozenset[tuple[str, ...]] = frozenset()
    secrets: tuple[str, ...] = ()
    echo_words: int = 6


def why_dropped(sentence: str, grounds: Grounds) -> str | None:
    """Why ``sentence`` may not stand in the narrative, or None when it may."""
    cited = refs(sentence)
    if not cited:
        return "no-citation"
    if not all(1 <= n <= len(grounds.sources) for n in cited):
        return "unknown-citation"
    sources = [grounds.sources[n - 1] for n in dict.fromkeys(cited)]
    if leaks(sentence, grounds.secrets):
        return "secret"
    if echoes(sentence, grounds.brief, grounds.echo_words):
        return "brief"
    if links(MARKER.sub(" ", sentence)):
        return "link"
    allowed = grounds.numbers | source_numbers(sources)
    if not all(readings & allowed for readings in numbers_in(sentence)):
        return "number"
    return None


def check(text: str, grounds: Grounds) -> str:
    """Only the sentences of ``text`` that ``why_dropped`` lets stand."""
    return " ".join(s for s in sentences(text) if why_dropped(s, grounds) is None)


def brief_grams(system: str, n: int) -> frozenset[tuple[str, ...]]:
    """The word runs of the brief's fixed text: the system prompt as sent, and the user template's
    own lines (its placeholders are the audit's data, which the narrative should restate)."""
    fixed = [line for line in _prompt().user.splitlines() if "{" not in line]
    return frozenset().union(*(grams(line, n) for line in [*system.splitlines(), *fixed]))


def _secret_values(value: Any) -> list[str]:
    if value is None:
        return []
    text = str(value.get_secret_value() if hasattr(value, "get_secret_value") else value).strip()
    host = urlsplit(text).netloc if "://" in text else ""
    return [t for t in (text, host, text.rstrip("/")) if t]


def secrets_of(llm: Any) -> tuple[str, ...]:
    """The configured model's key, base URL and host (the ``secret_fields`` it has), each at
    least ``secret_min`` characters long."""
    rules = _prompt().check
    found = [s for name in rules.secret_fields for s in _secret_values(getattr(llm, name, None))]
    return tuple(dict.fromkeys(s for s in found if len(s) >= rules.secret_min))


def grounds_for(citations: Sequence[Citation], profile: Profile, system: str,
                secrets: Sequence[str] = (), stated: Iterable[str] = ()) -> Grounds:
    """The grounds of a narrative over ``citations``: ``system`` is the system prompt as sent,
    ``stated`` the audit's own texts the model was given (their numbers may be restated)."""
    n = _prompt().check.echo_words
    numbers = _profile_numbers(profile) | {x for t in stated for readings in numbers_in(t) for x in readings}
    return Grounds(tuple(citations), frozenset(numbers), brief_grams(system, n), tuple(secrets), n)


# -- the request --------------------------------------------------------------------------------

def _quoted(text: str) -> str:
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def source_line(n: int, citation: Citation) -> str:
    """One numbered source as data: quote, English gloss and provenance, each a JSON string."""
    where = ", ".join(p for p in (citation.title or citation.source, citation.author) if p)
    return (f"[{n}] quote: {_quoted(citation.quote)}; English: {_quoted(citation.gloss or '-')}; "
            f"from: {_quoted(where)}")


def system_prompt(ui: UI) -> str:
    prompt = _prompt()
    return fill(prompt.system, "audit_narrative.yaml system",
                language=langs.language(ui.lang).name)  # "Norwegian Bokmål", from languages.yaml


def messages(channels: Sequence[ChannelVerdict], findings: Sequence[Finding],
             misconceptions: Sequence[Misconception], citations: Sequence[Citation],
             ui: UI) -> list[tuple[str, str]]:
    number = {c: n for n, c in enumerate(citations, 1)}

    def marks(cs: Iterable[Citation]) -> str:
        return "".join(f"[{number[c]}]" for c in cs)

    lines = [f"- {v.label}: {ui.strings['verdict_labels'][v.verdict]}" for v in channels]
    items = [f"- {f.title}: {f.text} {marks(f.citations)}" for f in findings]
    items += [f"- {m.title}: {m.text} {marks(m.citations)}" for m in misconceptions]
    sources = [source_line(n, c) for c, n in number.items()]
    user = fill(_prompt().user, "audit_narrative.yaml user", channels="\n".join(lines) or "-",
                findings="\n".join(items) or "-", sources="\n".join(sources) or "-")
    return [("system", system_prompt(ui)), ("user", user)]


def write(llm: Any, channels: Sequence[ChannelVerdict], findings: Sequence[Finding],
          misconceptions: Sequence[Misconception], citations: Sequence[Citation], profile: Profile,
          ui: UI) -> str | None:
    """The checked narrative, or None when nothing the model wrote survives the check."""
    if not citations:
        return None
    sent = messages(channels, findings, misconceptions, citations, ui)
    reply = llm.invoke(sent)
    content = reply.content if hasattr(reply, "content") else reply
    text = content if isinstance(content, str) else " ".join(
        part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    stated = [t for f in findings for t in (f.title, f.text)]
    stated += [t for m in misconceptions for t in (m.title, m.text)]
    kept = check(text, grounds_for(citations, profile, sent[0][1], secrets_of(llm), stated))
    return kept or None
