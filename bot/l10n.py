"""Numbers as each language writes them: one function per kind (a count, a decimal, hours, money),
used by the chat, the page and the audit (its JSON keeps machine numbers); and the names of languages
in each language. Both are data (``bot/data/locale.yaml``); an unknown language is written the
English way."""

from __future__ import annotations

from dataclasses import dataclass

from bot import datafiles
from bot.errors import ConfigError

NBSP = "\u00a0"  # between a number and its unit: "1,5 h" never breaks across lines


@dataclass(frozen=True)
class Marks:
    decimal: str
    group: str
    hours: str


@datafiles.cached
def _data() -> dict[str, dict[str, dict[str, str]]]:
    data: dict[str, dict[str, dict[str, str]]] = datafiles.load_checked(
        "locale.yaml", dict[str, dict[str, dict[str, str]]])
    if set(data) != {"numbers", "languages"} or set(data["numbers"]) != set(data["languages"]):
        raise ConfigError("bot/data/locale.yaml needs 'numbers' and 'languages', for the same languages")
    return data


@datafiles.cached
def _table() -> dict[str, Marks]:
    out = {}
    for lang, entry in _data()["numbers"].items():
        if set(entry) != {"decimal", "group", "hours"} or entry["decimal"] == entry["group"]:
            raise ConfigError(f"bot/data/locale.yaml {lang}: needs a decimal mark, a different group "
                              "separator and an hours unit")
        out[lang] = Marks(**{k: str(v) for k, v in entry.items()})
    return out


def marks(lang: str) -> Marks:
    table = _table()
    return table.get(lang) or table["en"]


def language_name(source: str, lang: str) -> str | None:
    """The language ``source`` as ``lang`` names it in a gloss label ("svenska" in Swedish), or None
    when the table has no name for it."""
    names = _data()["languages"].get(lang) or _data()["languages"]["en"]
    return names.get(source)


def _grouped(digits: str, group: str) -> str:
    """"12345" -> "12,345", "1234" -> "1,234": thousands separated."""
    head = len(digits) % 3 or 3
    return group.join([digits[:head], *(digits[i:i + 3] for i in range(head, len(digits), 3))])


def decimal(value: float, lang: str, places: int = 2) -> str:
    """``value`` with at most ``places`` decimals, none when whole: 1.5 -> "1.5" (en), "1,5" (sv);
    4.4321 -> "4,43"; 12000 -> "12 000" (sv), "12.000" (da), "12,000" (en)."""
    m = marks(lang)
    text = f"{abs(value):.{places}f}".rstrip("0").rstrip(".") if places else f"{abs(value):.0f}"
    whole, _, fraction = text.partition(".")
    sign = "-" if value < 0 and text.strip("0.") else ""
    return sign + _grouped(whole, m.group) + (m.decimal + fraction if fraction else "")


def number(value: float, lang: str) -> str:
    """A count, rounded to a whole number: 2588 -> "2 588" (sv), "2,588" (en)."""
    return decimal(value, lang, places=0)


def hours(value: float, lang: str) -> str:
    """A number of hours with the language's short unit: "1,5 h" (sv), "1.5 h" (en), "2 Std." (de)."""
    return f"{decimal(value, lang)}{NBSP}{marks(lang).hours}"


def money(value: float, lang: str, currency: str | None = None, high: float | None = None) -> str:
    """An amount, or a range, with its currency code after it: "5 000–10 000 SEK"."""
    shown = decimal(value, lang) + (f"–{decimal(high, lang)}" if high is not None else "")
    return f"{shown}{NBSP}{currency}" if currency else shown
