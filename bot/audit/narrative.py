"""The optional LLM's executive narrative, and the post-check that keeps it grounded.

The model sees only the decisions, the findings and the numbered quotes. Whatever it writes, a
sentence survives only if it carries at least one ``[n]`` that resolves to a citation of the
audit and every number in it appears in the cited sources or in the profile.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from bot.audit.config import load_yaml
from bot.audit.model import ChannelVerdict, Finding, Misconception
from bot.audit.texts import UI, fill
from bot.citations import Citation, sentences
from bot.profile import PATHS, SETTLED, Amount, Profile, SalesCycle

MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
NUMBER = re.compile(r"(?<![^\W\d_])(?<![\d.,])\d+(?:[.,]\d+)*")


@lru_cache(maxsize=1)
def _prompt() -> dict[str, Any]:
    text = (resources.files("bot") / "data" / "audit_narrative.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = load_yaml(text)
    return data


def _readings(token: str) -> set[float]:
    """The values a number as written may mean: 1,5 and 1.5 are 1.5; 5,000 may also be 5000."""
    out = set()
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", token):
        out.add(float(re.sub(r"[.,]", "", token)))
    head, _, tail = token.replace(",", ".").partition(".")
    out.add(float(f"{head}.{tail.replace('.', '')}" if tail else head))
    return out


def numbers_in(text: str) -> list[set[float]]:
    """The numbers written in ``text`` (citation markers aside), each as its possible readings."""
    return [_readings(m.group(0)) for m in NUMBER.finditer(MARKER.sub(" ", text))]


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


def allowed_numbers(citations: Iterable[Citation], profile: Profile) -> set[float]:
    out = _profile_numbers(profile)
    for c in citations:
        out |= {x for readings in numbers_in(f"{c.quote} {c.gloss}") for x in readings}
    return out


def keep(sentence: str, count: int, allowed: set[float]) -> bool:
    refs = [int(n) for group in MARKER.findall(sentence) for n in re.split(r"\s*[,;]\s*", group)]
    if not refs or not all(1 <= n <= count for n in refs):
        return False
    return all(readings & allowed for readings in numbers_in(sentence))


def post_check(text: str, count: int, allowed: set[float]) -> str:
    """Only the sentences of ``text`` that cite a valid ``[n]`` and invent no number."""
    return " ".join(s for s in sentences(text) if keep(s, count, allowed))


def messages(channels: Sequence[ChannelVerdict], findings: Sequence[Finding],
             misconceptions: Sequence[Misconception], citations: Sequence[Citation],
             ui: UI) -> list[tuple[str, str]]:
    number = {c: n for n, c in enumerate(citations, 1)}

    def refs(cs: Iterable[Citation]) -> str:
        return "".join(f"[{number[c]}]" for c in cs)

    prompt = _prompt()
    lines = [f"- {v.label}: {ui.strings['verdict_labels'][v.verdict]}" for v in channels]
    items = [f"- {f.title}: {f.text} {refs(f.citations)}" for f in findings]
    items += [f"- {m.title}: {m.text} {refs(m.citations)}" for m in misconceptions]
    sources = [f"[{n}] {c.quote} (English: {c.gloss or '-'}; {c.title or c.source}"
               f"{', ' + c.author if c.author else ''})" for c, n in number.items()]
    system = fill(prompt["system"], "audit_narrative.yaml system",
                  language=prompt["languages"].get(ui.lang, ui.lang))
    user = fill(prompt["user"], "audit_narrative.yaml user", channels="\n".join(lines) or "-",
                findings="\n".join(items) or "-", sources="\n".join(sources) or "-")
    return [("system", system), ("user", user)]


def write(llm: Any, channels: Sequence[ChannelVerdict], findings: Sequence[Finding],
          misconceptions: Sequence[Misconception], citations: Sequence[Citation], profile: Profile,
          ui: UI) -> str | None:
    """The checked narrative, or None when nothing the model wrote survives the check."""
    if not citations:
        return None
    reply = llm.invoke(messages(channels, findings, misconceptions, citations, ui))
    content = reply.content if hasattr(reply, "content") else reply
    text = content if isinstance(content, str) else " ".join(
        part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    kept = post_check(text, len(citations), allowed_numbers(citations, profile))
    return kept or None
