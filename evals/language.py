"""Whether a bot turn is in the user's language: pure, shared by the interview and adversarial suites.

Two signals, because each alone can be fooled:

- ``Reply.lang`` is the language the engine *chose*. It catches a bot that does not follow the
  user, but it is the engine grading itself: a template missing in that language silently falls
  back to English (``bot.interview.messages.pick``) and the reply still says ``lang="da"``.
- ``bot.lang.detect`` run on the bot's *own words* catches that fallback (and any mixed text), but
  on short Danish/Norwegian turns it may say it cannot tell (``None``).

A turn adheres when the engine chose the expected language and the detector, on the reply with
its verbatim source material removed (quotes, glosses and titles are in their own languages by
design), does not find another language. Between the close languages (sv, da, nb) the detector
must prefer the other one by the margin the engine itself needs to switch between them
(``bot.interview.engine``, 2.5): it calls plain Norwegian bot text Danish by a point or so, and
the eval should not hold the bot to a distinction its own detector cannot make. Both signals are
kept in the records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot import lang as language
from bot.citations import Citation

CLOSE_MARGIN = 2.5  # bot/interview/engine.py _SWITCH_MARGIN


def own_words(text: str, citations: Iterable[Citation]) -> str:
    """``text`` without the quotes, glosses and titles of its citations (longest first)."""
    pieces = {p for c in citations for p in (c.quote, c.gloss, c.title) if p and p.strip()}
    for piece in sorted(pieces, key=len, reverse=True):
        text = text.replace(piece, " ")
    return " ".join(text.split())


@dataclass(frozen=True)
class Adherence:
    expected: str
    chosen: str  # Reply.lang
    detected: str | None  # bot.lang.detect on the bot's own words; None: cannot tell
    lead: float = 0.0  # how far the detected language's score is ahead of the expected one's

    @property
    def ok(self) -> bool:
        if self.chosen != self.expected:
            return False
        if self.detected in (self.expected, None):
            return True
        return language.close(self.detected, self.expected) and self.lead < CLOSE_MARGIN

    @property
    def confirmed(self) -> bool:
        """The detector itself named the expected language (the stricter of the two readings)."""
        return self.chosen == self.expected and self.detected == self.expected

    def to_json(self) -> dict[str, object]:
        return {"expected": self.expected, "chosen": self.chosen, "detected": self.detected,
                "lead": self.lead, "ok": self.ok}


def adherence(text: str, chosen: str, citations: Iterable[Citation], expected: str) -> Adherence:
    words = own_words(text, citations)
    detected = language.detect(words)
    lead = 0.0
    if detected is not None and detected != expected:
        scores = language.scores(words)
        lead = round(scores[detected] - scores.get(expected, 0.0), 3)
    return Adherence(expected, chosen, detected, lead)
