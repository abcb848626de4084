"""The business profile the interview fills in: typed sections of answer fields, updated immutably.

Every leaf is a ``Field``: a value, how we came to it (``status``) and the user message it came
from. Leaves are addressed by dotted paths ("resources.hours_per_week", "channels.facebook.frequency");
``PATHS`` lists them all. ``Profile.with_answer`` checks the value against the leaf's kind and
returns a new profile; ``to_dict``/``from_dict`` round-trip through plain JSON.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, Generic, Literal, TypeVar, get_args

from bot.errors import UnknownNameError

Status = Literal["unknown", "answered", "inferred", "contradicted", "skipped", "refused"]
STATUSES: tuple[str, ...] = get_args(Status)
SETTLED = frozenset({"answered", "inferred"})  # statuses that need a value

SALES_MODELS = ("b2b", "b2c", "both")
CYCLES = ("instant", "days", "weeks", "months", "year+")
CLOSE_CHANNELS = ("known_contacts", "referrals", "cold_outreach", "physical_shop", "web_shop", "tenders",
                  "field_sales")
RESPONDERS = ("owner", "staff", "agency", "nobody")
CHANNELS = ("facebook", "instagram", "linkedin", "twitter", "tiktok", "youtube", "snapchat", "pinterest",
            "email", "website", "google_business", "other")
PURPOSES = ("sales", "relationships", "customer_service", "information", "recruitment", "brand")
GOALS = ("sales", "relationships", "customer_service", "information_press", "recruitment", "brand")
OWNERS = ("marketing", "customer_service", "sales", "management", "everyone")
SCHEMA_VERSION = 1

T = TypeVar("T")


@dataclass(frozen=True)
class Field(Generic[T]):
    """One answer: its value (None until known), its status and the message it came from."""

    value: T | None = None
    status: Status = "unknown"
    source_message: str | None = None


@dataclass(frozen=True)
class Amount:
    """Money: a value or a range (``value``..``high``), per month when ``monthly``."""

    value: float
    currency: str | None = None  # ISO 4217 code, None when the answer did not say
    high: float | None = None
    monthly: bool = False  # a rate (per week/month/year in the answer), normalised to per month

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", float(self.value))
        if self.high is not None:
            object.__setattr__(self, "high", float(self.high))
        if not (math.isfinite(self.value) and self.value >= 0):
            raise ValueError(f"an amount must be a finite number >= 0, not {self.value!r}")
        if self.high is not None and not (math.isfinite(self.high) and self.high >= self.value):
            raise ValueError(f"the top of a range must be >= its bottom, not {self.high!r}")

    @property
    def mid(self) -> float:
        return self.value if self.high is None else (self.value + self.high) / 2


@dataclass(frozen=True)
class SalesCycle:
    """How long a sale takes: a category, and the number of days when the answer gave one."""

    category: str
    days: float | None = None

    def __post_init__(self) -> None:
        if self.category not in CYCLES:
            raise ValueError(f"unknown sales cycle {self.category!r}; choose one of: {', '.join(CYCLES)}")

    @classmethod
    def from_days(cls, days: float) -> SalesCycle:
        limits = ((1, "instant"), (7, "days"), (30, "weeks"), (365, "months"))
        category = next((name for limit, name in limits if days < limit), "year+")
        return cls(category, float(days))


@dataclass(frozen=True)
class Sales:
    model: Field[str] = Field()
    buyers: Field[str] = Field()
    deal_size: Field[Amount] = Field()
    sales_cycle: Field[SalesCycle] = Field()
    close_channels: Field[frozenset[str]] = Field()


@dataclass(frozen=True)
class Resources:
    hours_per_week: Field[float] = Field()
    responder: Field[str] = Field()
    response_time: Field[float] = Field()  # hours
    ad_budget: Field[Amount] = Field()
    skills: Field[frozenset[str]] = Field()


@dataclass(frozen=True)
class ChannelUse:
    frequency: Field[float] = Field()  # posts per week
    purposes: Field[frozenset[str]] = Field()
    results: Field[str] = Field()


@dataclass(frozen=True)
class Channels:
    """Which channels are used, and how each is used: a fixed mapping over ``CHANNELS``."""

    used: Field[frozenset[str]] = Field()
    facebook: ChannelUse = ChannelUse()
    instagram: ChannelUse = ChannelUse()
    linkedin: ChannelUse = ChannelUse()
    twitter: ChannelUse = ChannelUse()
    tiktok: ChannelUse = ChannelUse()
    youtube: ChannelUse = ChannelUse()
    snapchat: ChannelUse = ChannelUse()
    pinterest: ChannelUse = ChannelUse()
    email: ChannelUse = ChannelUse()
    website: ChannelUse = ChannelUse()
    google_business: ChannelUse = ChannelUse()
    other: ChannelUse = ChannelUse()

    def __getitem__(self, name: str) -> ChannelUse:
        if name not in CHANNELS:
            raise UnknownNameError("channel", name, list(CHANNELS))
        use: ChannelUse = getattr(self, name)
        return use

    def items(self) -> Iterator[tuple[str, ChannelUse]]:
        return ((name, self[name]) for name in CHANNELS)


@dataclass(frozen=True)
class EmailList:
    has_list: Field[bool] = Field()
    size: Field[int] = Field()


@dataclass(frozen=True)
class Measurement:
    measures_results: Field[bool] = Field()
    expects_quick_roi: Field[bool] = Field()


@dataclass(frozen=True)
class Criticism:
    deletes_critical_comments: Field[bool] = Field()
    has_plan_for_criticism: Field[bool] = Field()


@dataclass(frozen=True)
class Ownership:
    owners: Field[frozenset[str]] = Field()


@dataclass(frozen=True)
class Kind:
    """What a leaf holds: ``name`` is choice, set, tags, text, number, count, bool, amount or cycle."""

    name: str
    options: tuple[str, ...] = ()


_KINDS: dict[str, Kind] = {
    "sales.model": Kind("choice", SALES_MODELS),
    "sales.buyers": Kind("text"),
    "sales.deal_size": Kind("amount"),
    "sales.sales_cycle": Kind("cycle"),
    "sales.close_channels": Kind("set", CLOSE_CHANNELS),
    "resources.hours_per_week": Kind("number"),
    "resources.responder": Kind("choice", RESPONDERS),
    "resources.response_time": Kind("number"),
    "resources.ad_budget": Kind("amount"),
    "resources.skills": Kind("tags"),
    "channels.used": Kind("set", CHANNELS),
    "email_list.has_list": Kind("bool"),
    "email_list.size": Kind("count"),
    "goals": Kind("set", GOALS),
    "measurement.measures_results": Kind("bool"),
    "measurement.expects_quick_roi": Kind("bool"),
    "criticism.deletes_critical_comments": Kind("bool"),
    "criticism.has_plan_for_criticism": Kind("bool"),
    "ownership.owners": Kind("set", OWNERS),
}
_CHANNEL_KINDS = {"frequency": Kind("number"), "purposes": Kind("set", PURPOSES), "results": Kind("text")}
for _channel in CHANNELS:
    for _leaf, _kind in _CHANNEL_KINDS.items():
        _KINDS[f"channels.{_channel}.{_leaf}"] = _kind


def _leaves(node: Any, prefix: str = "") -> Iterator[str]:
    for f in fields(node):
        child = getattr(node, f.name)
        path = f"{prefix}{f.name}"
        if isinstance(child, Field):
            yield path
        elif is_dataclass(child):
            yield from _leaves(child, path + ".")


def kind_of(path: str) -> Kind:
    kind = _KINDS.get(path)
    if kind is None:
        raise UnknownNameError("profile path", path, list(PATHS))
    return kind


def _check_number(path: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{path} takes a finite number >= 0, not {value!r}")
    return float(value)


def _check_set(path: str, kind: Kind, value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"{path} takes a set of names, not {value!r}")
    items = frozenset(value)
    if not all(isinstance(v, str) and v for v in items):
        raise ValueError(f"{path} takes non-empty strings, not {value!r}")
    if kind.options and not items <= set(kind.options):
        bad = ", ".join(sorted(items - set(kind.options)))
        raise ValueError(f"{path}: unknown {bad}; choose among: {', '.join(kind.options)}")
    return items


def check_value(path: str, value: object) -> Any:
    """``value`` as leaf ``path`` stores it (sets become frozensets), or ValueError."""
    kind = kind_of(path)
    if value is None:
        return None
    if kind.name in ("set", "tags"):
        return _check_set(path, kind, value)
    if kind.name == "number":
        return _check_number(path, value)
    if kind.name == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{path} takes a whole number >= 0, not {value!r}")
        return value
    expected: dict[str, type] = {"choice": str, "text": str, "bool": bool, "amount": Amount,
                                 "cycle": SalesCycle}
    if not isinstance(value, expected[kind.name]):
        raise ValueError(f"{path} takes a {expected[kind.name].__name__}, not {value!r}")
    if kind.name == "choice" and value not in kind.options:
        raise ValueError(f"{path}: unknown {value!r}; choose one of: {', '.join(kind.options)}")
    if kind.name == "text" and not str(value).strip():
        raise ValueError(f"{path} takes some text, not an empty string")
    return value


def _encode(kind: Kind, value: Any) -> Any:
    if value is None or kind.name not in ("set", "tags", "amount", "cycle"):
        return value
    if kind.name in ("set", "tags"):
        return sorted(value)
    return {f.name: getattr(value, f.name) for f in fields(value)}


def _decode(path: str, kind: Kind, raw: Any) -> Any:
    if raw is None:
        return None
    if kind.name == "amount":
        return Amount(**raw)
    if kind.name == "cycle":
        return SalesCycle(**raw)
    if kind.name in ("set", "tags") and isinstance(raw, list):
        return frozenset(raw)
    return check_value(path, raw)


def _replace_at(node: Any, parts: list[str], leaf: Field[Any]) -> Any:
    if len(parts) == 1:
        return replace(node, **{parts[0]: leaf})
    return replace(node, **{parts[0]: _replace_at(getattr(node, parts[0]), parts[1:], leaf)})


@dataclass(frozen=True)
class Profile:
    """Everything the interview has learnt about a business. Immutable: updates return a copy."""

    sales: Sales = Sales()
    resources: Resources = Resources()
    channels: Channels = Channels()
    email_list: EmailList = EmailList()
    goals: Field[frozenset[str]] = Field()
    measurement: Measurement = Measurement()
    criticism: Criticism = Criticism()
    ownership: Ownership = Ownership()

    def get(self, path: str) -> Field[Any]:
        kind_of(path)
        node: Any = self
        for part in path.split("."):
            node = getattr(node, part)
        leaf: Field[Any] = node
        return leaf

    def with_answer(self, path: str, value: object, status: Status = "answered",
                    source: str | None = None) -> Profile:
        """A copy with leaf ``path`` set. Answered and inferred leaves need a value."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; choose one of: {', '.join(STATUSES)}")
        checked = check_value(path, value)
        if checked is None and status in SETTLED:
            raise ValueError(f"{path}: status {status!r} needs a value")
        profile: Profile = _replace_at(self, path.split("."), Field(checked, status, source))
        return profile

    def missing(self, paths: Iterable[str] | None = None) -> tuple[str, ...]:
        """The paths still to ask: never answered, or contradicted. Declined and "don't know"
        answers (status unknown with a source message) are not asked again."""
        out = []
        for path in PATHS if paths is None else paths:
            leaf = self.get(path)
            if leaf.status == "contradicted" or (leaf.status == "unknown" and leaf.source_message is None):
                out.append(path)
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: the schema version and every leaf that differs from a blank one."""
        blank: Field[Any] = Field()
        out: dict[str, Any] = {}
        for path in PATHS:
            leaf = self.get(path)
            if leaf != blank:
                out[path] = {"value": _encode(kind_of(path), leaf.value), "status": leaf.status,
                             "source_message": leaf.source_message}
        return {"version": SCHEMA_VERSION, "fields": out}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        if data.get("version") != SCHEMA_VERSION:
            raise ValueError(f"profile schema version {data.get('version')!r} is not {SCHEMA_VERSION}")
        profile = cls()
        for path, raw in (data.get("fields") or {}).items():
            value = _decode(path, kind_of(path), raw.get("value"))
            status = raw.get("status", "unknown")
            profile = profile.with_answer(path, value, status, raw.get("source_message"))
        return profile


PATHS: tuple[str, ...] = tuple(_leaves(Profile()))
