"""What the interviewer says: message templates per language, rendered strictly, and values shown back.

Templates live in ``bot/data/interview_messages.yaml``. ``render`` fails on a missing variable
(never prints a "{name}" to a user); languages without a template of a key fall back to English.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot import datafiles, l10n
from bot.profile import Amount, SalesCycle, kind_of

_OPTION_SETS = {"sales.model": "sales_model", "sales.close_channels": "close_channels",
                "resources.responder": "responder", "channels.used": "channels", "goals": "goals",
                "ownership.owners": "owners"}


class MessageError(KeyError):
    """A template was rendered without one of its variables, or does not exist."""


Texts = dict[str, str]  # language (or "all") -> text


class MessagesFile(BaseModel):
    """``bot/data/interview_messages.yaml``: each entry a text per language."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    messages: dict[str, Texts] = Field(min_length=1)
    words: dict[str, Texts]
    units: dict[str, Texts]
    fields: dict[str, Texts]
    options: dict[str, dict[str, Texts]]


def data() -> MessagesFile:
    return datafiles.load("interview_messages.yaml", MessagesFile)


def variables(template: str) -> set[str]:
    """The names a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def pick(table: Mapping[str, str], lang: str) -> str:
    """The entry for ``lang``, else the one every language shares ("all"), else English."""
    for key in (lang, "all", "en"):
        if key in table:
            return str(table[key])
    raise MessageError(f"no text in {lang!r} or English: {dict(table)!r}")


def fill(template: str, values: Mapping[str, Any]) -> str:
    """``template`` with ``values``; a missing variable is an error, not a blank."""
    missing = variables(template) - set(values)
    if missing:
        raise MessageError(f"template {template!r} needs {', '.join(sorted(missing))}")
    return template.format_map(dict(values))


def render(key: str, lang: str, **values: Any) -> str:
    table = data().messages.get(key)
    if table is None:
        raise MessageError(f"no message {key!r}")
    return fill(pick(table, lang), values)


def word(key: str, lang: str) -> str:
    return pick(data().words[key], lang)


def join(items: Iterable[str], lang: str) -> str:
    """"a, b and c" in the language."""
    parts = list(items)
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {word('and', lang)} {parts[-1]}"


def option(kind: str, name: str, lang: str) -> str:
    return pick(data().options[kind][name], lang)


def field_name(path: str, lang: str) -> str:
    """The name of a profile field for a user ("response time"), per-channel ones with the channel."""
    fields = data().fields
    parts = path.split(".")
    if parts[0] == "channels" and len(parts) == 3:
        channel = option("channels", parts[1], lang)
        return fill(pick(fields[f"channel.{parts[2]}"], lang), {"channel": channel})
    return pick(fields[path], lang)


def _amount(value: Amount, lang: str) -> str:
    shown = l10n.money(value.value, lang, value.currency, value.high)
    return fill(pick(data().units["per_month"], lang), {"amount": shown}) if value.monthly else shown


_MONTH_DAYS = 365 / 12


def _span(days: float, lang: str) -> tuple[str, str]:
    """A length of time as it was likely said: "2 months" (60.8 days), "3 weeks", "10 days"."""
    units = data().units
    months, weeks = days / _MONTH_DAYS, days / 7
    if days < 1:
        hours = days * 24
        shown = {"n": l10n.decimal(hours, lang), "hours": l10n.hours(hours, lang)}
        return "hours", fill(pick(units["hours"], lang), shown)
    if days >= 2 * _MONTH_DAYS - 1 and abs(months - round(months)) < 0.05:
        unit, n = "months", float(round(months))
    elif days >= 14 and abs(weeks - round(weeks)) < 0.01:
        unit, n = "weeks", float(round(weeks))
    else:
        unit, n = "days", days
    return unit, fill(pick(units[unit], lang), {"n": l10n.decimal(n, lang)})


def show(path: str, value: Any, lang: str) -> str:
    """A value as the user would say it: "5 h a week", "Facebook and Instagram", "yes"."""
    units = data().units
    leaf = path.rsplit(".", 1)[-1]
    kind = kind_of(path).name
    if isinstance(value, Amount):
        return _amount(value, lang)
    if isinstance(value, SalesCycle):
        name = option("cycles", value.category, lang)
        if not value.days:
            return name
        said_in, span = _span(value.days, lang)
        return span if said_in == value.category else f"{name} ({span})"  # "3 weeks", not "weeks (3 weeks)"
    if isinstance(value, bool):
        return word("yes" if value else "no", lang)
    if kind in ("set", "choice"):
        names = sorted(value) if kind == "set" else [value]
        sets = "purposes" if leaf == "purposes" else _OPTION_SETS.get(path, "")
        shown = [option(sets, n, lang) if sets else str(n) for n in names]
        return join(shown, lang) if shown else word("none", lang)
    if kind == "number":
        unit = {"hours_per_week": "hours_per_week", "response_time": "hours", "frequency": "per_week"}
        written = l10n.decimal(float(value), lang)
        if leaf in unit:
            hours = l10n.hours(float(value), lang)
            return fill(pick(units[unit[leaf]], lang), {"n": written, "hours": hours})
        return written
    return l10n.number(value, lang) if isinstance(value, int) else str(value)
