"""Scripted interviews as typed data (``evals/interview_scripts/*.yaml``), and what they expect.

A script is the user's messages in order, the language each is written in (the script's ``lang``
until a message says otherwise: ``{say: "...", lang: sv}`` switches from there on), the language
the chat opens in (``start``), whether the fast subset runs it, the number of user turns within
which the interview must end (``done_within``; omit it for a script that stops early), and the
profile values some paths must end up with:

- a plain value: the path is settled (answered or inferred) with that value; numbers within 1%,
  amounts as ``{amount, currency, high, monthly}``, sales cycles as ``{cycle}`` (the category);
- ``{status: skipped}`` (or unknown, refused): the path has that status; add ``value`` to check
  the value too.

Written for this suite, independent of ``evals/datasets``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot import lang as registry
from bot.errors import ConfigError, SocialAuditError
from bot.interview.engine import same
from bot.profile import SETTLED, STATUSES, Amount, Profile, SalesCycle, check_value
from evals.personas import value_from_yaml

FOLDER = Path(__file__).resolve().parent / "interview_scripts"


class Said(BaseModel):
    model_config = ConfigDict(extra="forbid")

    say: str
    lang: str


class Script(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    lang: str
    start: str = "en"
    fast: bool = False
    done_within: int | None = Field(default=None, ge=1)
    messages: list[str | Said] = Field(min_length=1)
    expect: dict[str, Any] = Field(min_length=1)

    @model_validator(mode="after")
    def _languages_known(self) -> Script:
        langs = {self.lang, self.start} | {m.lang for m in self.messages if isinstance(m, Said)}
        known = registry.codes("interview")
        unknown = langs - set(known)
        if unknown:
            raise ValueError(f"unknown language {', '.join(sorted(unknown))}; "
                             f"choose among {', '.join(known)}")
        return self

    def turns(self) -> list[tuple[str, str]]:
        """(message, the language it is written in), in order."""
        out, current = [], self.lang
        for m in self.messages:
            if isinstance(m, Said):
                current = m.lang
                out.append((m.say, current))
            else:
                out.append((m, current))
        return out


@dataclass(frozen=True)
class Expected:
    path: str
    value: Any  # None with a status: only the status is checked
    status: str | None  # None: any settled status (answered or inferred)

    def met(self, profile: Profile) -> bool:
        leaf = profile.get(self.path)
        if self.status is not None:
            return leaf.status == self.status and (self.value is None or same(leaf.value, self.value))
        return leaf.status in SETTLED and same(leaf.value, self.value)

    def shown(self) -> Any:
        value = self.value
        if isinstance(value, frozenset):
            value = sorted(value)
        elif isinstance(value, Amount | SalesCycle):
            value = value.__dict__
        return value if self.status is None else {"status": self.status, "value": value}


def expectation(path: str, raw: Any) -> Expected:
    """One ``expect`` entry, checked against the profile schema (a typo fails, never passes)."""
    status = None
    if isinstance(raw, dict) and "status" in raw:
        status = str(raw["status"])
        if status not in STATUSES:
            raise ValueError(f"{path}: unknown status {status!r}; choose one of: {', '.join(STATUSES)}")
        raw = raw.get("value")
    value = check_value(path, value_from_yaml(raw))
    if value is None and status is None:
        raise ValueError(f"{path}: give a value or a status")
    return Expected(path, value, status)


def expectations(script: Script) -> tuple[Expected, ...]:
    return tuple(expectation(path, raw) for path, raw in script.expect.items())


def load_script(path: Path) -> Script:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        script = Script.model_validate({"id": path.stem, **data})
        expectations(script)
    except (OSError, yaml.YAMLError, ValueError, SocialAuditError) as err:
        detail = " ".join(str(err).split())[:300]
        raise ConfigError(f"invalid interview script {path}: {detail}") from err
    return script


def load_scripts(folder: Path = FOLDER) -> list[Script]:
    return [load_script(p) for p in sorted(folder.glob("*.yaml"))]
