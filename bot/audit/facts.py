"""What the audit reads: the profile's answers plus a few facts derived from them.

Derived facts (``derived.*``) are known only when every answer they come from is settled; they are
"answered" when those answers were stated and "inferred" when any of them was inferred.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.audit.config import ScoringConfig
from bot.errors import UnknownNameError
from bot.profile import CHANNELS, SETTLED, Field, Kind, Profile

DERIVED: dict[str, Kind] = {
    "derived.social_count": Kind("count"),  # social channels in use
    "derived.hours_needed": Kind("number"),  # hours a week the channels in use need
    "derived.hours_over": Kind("number"),  # how far those needs exceed the stated hours (>= 0)
}
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "derived.social_count": ("channels.used",),
    "derived.hours_needed": ("channels.used",),
    "derived.hours_over": ("channels.used", "resources.hours_per_week"),
}


def derived_kind(path: str) -> Kind:
    if path not in DERIVED:
        raise UnknownNameError("derived fact", path, list(DERIVED))
    return DERIVED[path]


@dataclass(frozen=True)
class Facts:
    profile: Profile
    config: ScoringConfig

    def get(self, path: str) -> Field[Any]:
        if not path.startswith("derived."):
            return self.profile.get(path)
        derived_kind(path)
        sources = [self.profile.get(p) for p in DERIVED_FROM[path]]
        if any(s.status not in SETTLED or s.value is None for s in sources):
            return Field()
        inferred = any(s.status == "inferred" for s in sources)
        return Field(self._compute(path), "inferred" if inferred else "answered")

    def _compute(self, path: str) -> float | int:
        used = self.used() or ()
        if path == "derived.social_count":
            return sum(1 for c in used if c in self.config.social)
        needed = round(sum(self.config.needs[c] for c in used), 2)
        if path == "derived.hours_needed":
            return needed
        hours = float(self.profile.resources.hours_per_week.value or 0.0)
        return round(max(0.0, needed - hours), 2)

    def value(self, path: str) -> Any:
        """The settled value at ``path``, or None."""
        leaf = self.get(path)
        return leaf.value if leaf.status in SETTLED else None

    def used(self) -> tuple[str, ...] | None:
        """Channels in use, in the profile's channel order; None when not known."""
        used = self.value("channels.used")
        return None if used is None else tuple(c for c in CHANNELS if c in used)

    def channels_for(self, scope: str) -> tuple[str, ...] | None:
        used = self.used()
        if used is None:
            return None
        return tuple(c for c in used if scope == "used" or c in self.config.social)

    def hours(self) -> float | None:
        value = self.value("resources.hours_per_week")
        return None if value is None else float(value)
