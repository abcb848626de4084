"""What every format shows, as plain data: the report's sections in order, its labels, and the
``[n]`` markers. The format modules only lay these out (and escape them for their medium)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot import l10n
from bot.audit.config import scoring_config
from bot.audit.model import PART_NAMES, Audit
from bot.audit.texts import UI, ui_for
from bot.citations import Citation

LEVEL_KEYS = ("severity", "impact", "effort")


@dataclass(frozen=True)
class View:
    audit: Audit
    ui: UI
    numbers: dict[Citation, int]

    @classmethod
    def of(cls, audit: Audit) -> View:
        return cls(audit, ui_for(audit.lang), audit.numbers())

    def s(self, key: str, **values: object) -> str:
        return self.ui.t(key, **values) if values else str(self.ui.strings[key])

    def marks(self, citations: Iterable[Citation]) -> str:
        return "".join(f"[{self.numbers[c]}]" for c in dict.fromkeys(citations))

    def verdict(self, verdict: str) -> str:
        return str(self.ui.strings["verdict_labels"][verdict])

    def level(self, level: str) -> str:
        return str(self.ui.strings["level_labels"][level])

    def basis(self, basis: str) -> str:
        return str(self.ui.strings["basis_labels"][basis])

    def part_labels(self) -> list[str]:
        return [str(self.ui.strings["part_labels"][p]) for p in PART_NAMES]

    def part(self, value: int | None) -> str:
        return "–" if value is None else str(value)

    def name(self, label: str) -> str:
        """A channel's name where it starts a cell ("e-post" -> "E-post")."""
        return label[:1].upper() + label[1:]

    def in_use(self, used: bool) -> str:
        return self.s("in_use" if used else "not_in_use")

    def hours(self, value: float) -> str:
        return self.ui.hours(value)

    def plan_intro(self) -> str:
        plan = self.audit.plan
        if not plan.sized or plan.hours_per_week is None:
            return self.s("plan_unsized", n=scoring_config().plan.unsized_max_per_phase)
        hours = l10n.decimal(plan.hours_per_week, self.ui.lang)
        return self.s("plan_budget", hours=hours, budget=plan.budget_text)

    def action_cost(self, hours: float, weekly: float) -> str:
        parts = []
        if hours:
            parts.append(self.s("one_off", hours=self.hours(hours)))
        if weekly:
            parts.append(self.s("weekly", hours=self.hours(weekly)))
        return " · ".join(parts)

    def load(self, load: float, empty: bool = False) -> str:
        """The hours a phase takes; a phase with no new task says so rather than showing a load
        as if it were work to plan (running the kept channels still takes its hours)."""
        plan = self.audit.plan
        available = l10n.decimal(plan.hours_per_week or 0.0, self.ui.lang)
        return self.s("plan_empty" if empty else "plan_load", hours=l10n.decimal(load, self.ui.lang),
                      available=available)

    def deferred_reason(self, reason: str | None) -> str:
        return self.s("deferred_budget" if reason == "budget" else "deferred_hours")

    def gloss_label(self, citation: Citation) -> str:
        """The label before a gloss: "English translation of the Swedish text", in the report's
        language; a machine-written one says it is a machine translation."""
        key = "gloss_llm" if citation.machine_gloss else "gloss"
        language = l10n.language_name(citation.lang, self.ui.lang)
        return self.s(f"{key}_from", language=language) if language else self.s(key)

    def source_line(self, citation: Citation) -> str:
        title = citation.title or self.s("untitled")
        author = f" — {citation.author}" if citation.author else ""
        return f"{title}{author} ({citation.source}, {citation.lang})"
