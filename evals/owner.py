"""A simulated owner: answers what the bot asks from a persona's written answers. Pure.

- A question: the persona's unused answer to that question id, else to a closely related one
  (the best-fitting topic first), else the persona's "not sure". Each answer is given once.
- "Here is what I understood" (the summary before the audit): the persona's confirmation.
- "Which is right?" (a contradiction): the quick reply that matches the persona's gold value,
  else "not sure".
- A reading asked back ("Do you mean …? yes / no", or "which of these fits?"): as an owner
  clicks, by what they said: yes when it is the gold value of what they said, no when that gold
  says otherwise, the option their gold holds; "not sure" when what they said holds no gold for
  that field (they cannot vouch for what they never said).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.interview.state import Check, InterviewState, Reply
from bot.profile import Amount, SalesCycle
from evals.conversation_cases import Answer, Conversation

RELATED: dict[str, tuple[str, ...]] = {
    "sales_model": ("close_channels",), "close_channels": ("sales_model",),
    "channels": ("channel_use",), "channel_use": ("channels",),
    "hours": ("ads",), "ads": ("hours",),
    "service": ("response_time",), "response_time": ("service",),
    "email": ("email_size",), "email_size": ("email",),
}


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= max(tolerance * max(abs(a), abs(b)), 0.5)


def matches(path: str, gold: Any, got: Any) -> bool:
    """Whether ``got`` is the gold value as an owner would accept it: numbers and amounts within
    a third (owners' hours and replies are rough), currencies equal when both are given, cycles
    of one category, sets and the rest equal."""
    if isinstance(gold, bool) or isinstance(got, bool):
        return gold is got
    if isinstance(gold, Amount) and isinstance(got, Amount):
        currency = gold.currency is None or got.currency is None or gold.currency == got.currency
        return currency and _close(gold.mid, got.mid, 0.2)
    if isinstance(gold, SalesCycle) and isinstance(got, SalesCycle):
        return gold.category == got.category
    if isinstance(gold, int | float) and isinstance(got, int | float):
        return _close(float(gold), float(got), 0.34 if path.startswith(("resources.", "channels.")) else 0.1)
    return bool(gold == got)


@dataclass(frozen=True)
class Owner:
    conversation: Conversation
    used: tuple[int, ...] = ()  # indices of answers given

    def said(self) -> tuple[Answer, ...]:
        return tuple(self.conversation.answers[i] for i in self.used)

    def _pick(self, question: str) -> int | None:
        answers = self.conversation.answers
        for topic in (question, *RELATED.get(question, ())):
            for i, answer in enumerate(answers):
                if i not in self.used and answer.topic == topic:
                    return i
        return None

    def _choose(self, path: str, options: Sequence[tuple[Any, str]]) -> str:
        gold = self.conversation.gold(self.said()).get(path)
        if gold is None:
            return self.conversation.not_sure
        return next((shown for value, shown in options if matches(path, gold, value)),
                    self.conversation.not_sure)

    def _fits(self, path: str, value: Any) -> bool | None:
        gold = self.conversation.gold(self.said()).get(path)
        if gold is None:
            return None
        if isinstance(value, frozenset) and isinstance(gold, frozenset):
            return value <= gold
        return matches(path, gold, value)

    def _check(self, check: Check, quick: Sequence[str]) -> str:
        fits = [self._fits(check.path, v) for v in check.options]
        if len(check.options) == 1 and fits[0] is not None and len(quick) >= 2:
            return quick[0] if fits[0] else quick[1]
        fitting = [(q, v) for q, v, ok in zip(quick, check.options, fits, strict=False) if ok]
        gold = self.conversation.gold(self.said()).get(check.path)
        if len(fitting) > 1 and isinstance(gold, (int, float)):  # numbers: the closest, as an owner clicks
            return min(fitting, key=lambda qv: abs(qv[1] - gold))[0]
        return fitting[0][0] if fitting else self.conversation.not_sure

    def reply(self, state: InterviewState, reply: Reply) -> tuple[Owner, str]:
        """(the owner after answering, the message) for the bot's ``reply`` in ``state``."""
        if state.check is not None:
            return self, self._check(state.check, reply.quick_replies)
        if state.conflict is not None and len(reply.quick_replies) >= 2:
            path = state.conflict.path
            old = state.profile.get(path).value
            options = list(zip((old, state.conflict.new), reply.quick_replies, strict=False))
            return self, self._choose(path, options)
        if reply.question == "summary":
            return self, self.conversation.confirm
        if reply.question is None:
            return self, self.conversation.not_sure
        index = self._pick(reply.question)
        if index is None:
            return self, self.conversation.not_sure
        return Owner(self.conversation, (*self.used, index)), self.conversation.answers[index].text
