"""The report's words: UI strings per language (``bot/data/audit_ui.yaml``), strict templates, and
how answers are shown (channel names, options, amounts, numbers) in the report's language."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot import datafiles, l10n
from bot.errors import SocialAuditError
from bot.profile import Amount, SalesCycle


class UnsupportedLanguageError(SocialAuditError):
    def __init__(self, lang: str, available: Iterable[str]) -> None:
        super().__init__(f"the audit report is not available in {lang!r}; choose one of: "
                         f"{', '.join(available)}")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def fill(template: str, where: str = "template", **values: Any) -> str:
    """``template`` with its ``{placeholders}`` filled; a missing value is an error, never blank."""
    missing = placeholders(template) - set(values)
    if missing:
        raise KeyError(f"{where}: no value for {', '.join(sorted(missing))}")
    return template.format(**values)


class UIFile(BaseModel):
    """``bot/data/audit_ui.yaml``: per language, its strings and tables of names."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int
    ui: dict[str, dict[str, str | dict[str, str]]]


def ui_data() -> Mapping[str, Mapping[str, Any]]:
    return datafiles.load("audit_ui.yaml", UIFile).ui


@dataclass(frozen=True)
class UI:
    lang: str
    strings: Mapping[str, Any]

    def t(self, key: str, **values: Any) -> str:
        return fill(str(self.strings[key]), f"audit_ui.yaml {self.lang}.{key}", **values)

    def label(self, table: str, name: str) -> str:
        return str(self.strings[table].get(name, name))

    def channel(self, name: str) -> str:
        return self.label("channels", name)

    def join(self, items: Iterable[str]) -> str:
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.strings['and_word']} {items[-1]}"

    def channel_list(self, names: Iterable[str]) -> str:
        return self.join(self.channel(n) for n in names)

    def field(self, path: str) -> str:
        parts = path.split(".")
        if len(parts) == 3 and parts[0] == "channels":
            return fill(self.strings["fields"][f"channel.{parts[2]}"], path, channel=self.channel(parts[1]))
        return str(self.strings["fields"].get(path, path))

    def hours(self, value: float) -> str:
        return l10n.hours(value, self.lang)

    def amount(self, amount: Amount) -> str:
        text = l10n.money(amount.value, self.lang, amount.currency, amount.high)
        if amount.monthly:
            text += f" {self.strings['per_month']}"
        return text

    def value(self, path: str, value: Any) -> str:
        """An answer as the report shows it."""
        if value is None:
            return self.strings["none"]
        if isinstance(value, bool):
            return str(self.strings["answer_yes" if value else "answer_no"])
        if isinstance(value, Amount):
            return self.amount(value)
        if isinstance(value, SalesCycle):
            label = self.label("options", value.category)
            return label if value.days is None else f"{label} ({l10n.decimal(value.days, self.lang)})"
        if isinstance(value, frozenset | set | tuple | list):
            names = sorted(value)
            if path == "channels.used" or path.startswith("derived.social"):
                return self.channel_list(names) or self.strings["none"]
            return self.join(self.label("options", n) for n in names) or self.strings["none"]
        if isinstance(value, int | float):
            return l10n.decimal(float(value), self.lang)
        return self.label("options", str(value))


def ui_for(lang: str, available: Iterable[str] | None = None) -> UI:
    data = ui_data()
    langs = tuple(available) if available is not None else tuple(data)
    if lang not in data or lang not in langs:
        raise UnsupportedLanguageError(lang, langs)
    return UI(lang, data[lang])
