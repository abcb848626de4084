"""Personas: business profiles written as data (``evals/personas/*.yaml``), each with the findings
an audit must make for it (and the document each must cite) and the advice that would be wrong.

A profile is a mapping from profile path to answer. A plain value is an answer the user stated;
``{value, status, said}`` sets the status and the user's own words (``said``); amounts are
``{amount, high, currency, monthly}`` and sales cycles ``{cycle, days}``.
``fill_unused_channels: true`` answers every question about channels not in use (no posts, no
purpose), which makes the profile complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.profile import CHANNELS, Amount, Profile, SalesCycle

FOLDER = Path(__file__).resolve().parent / "personas"


@dataclass(frozen=True)
class Persona:
    id: str
    name: str
    lang: str
    profile: Profile
    expect_findings: dict[str, str]  # rule id -> the document one of its citations must come from
    expect_verdicts: dict[str, str]  # channel -> verdict
    forbid_rules: tuple[str, ...]
    forbid_verdicts: dict[str, tuple[str, ...]]  # channel -> verdicts that would be wrong


def value_from_yaml(raw: Any) -> Any:
    """A profile value as the eval YAML files write it: {amount: …} and {cycle: …} become types."""
    if isinstance(raw, dict) and "amount" in raw:
        return Amount(raw["amount"], raw.get("currency"), raw.get("high"), bool(raw.get("monthly", False)))
    if isinstance(raw, dict) and "cycle" in raw:
        return SalesCycle(raw["cycle"], raw.get("days"))
    return raw


def profile_from_spec(spec: dict[str, Any], fill_unused_channels: bool = False) -> Profile:
    profile = Profile()
    for path, raw in spec.items():
        if isinstance(raw, dict) and "status" in raw:
            value = value_from_yaml(raw.get("value"))
            profile = profile.with_answer(path, value, raw["status"], raw.get("said"))
        else:
            profile = profile.with_answer(path, value_from_yaml(raw), "answered")
    if fill_unused_channels:
        used = profile.get("channels.used").value or frozenset()
        for channel in (c for c in CHANNELS if c not in used):
            profile = profile.with_answer(f"channels.{channel}.frequency", 0, "answered")
            profile = profile.with_answer(f"channels.{channel}.purposes", [], "answered")
            profile = profile.with_answer(f"channels.{channel}.results", "not used", "answered")
    return profile


def load_persona(path: Path) -> Persona:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    expect, forbid = data.get("expect") or {}, data.get("forbid") or {}
    return Persona(
        id=path.stem, name=data["name"], lang=data.get("lang", "en"),
        profile=profile_from_spec(data["profile"], bool(data.get("fill_unused_channels", False))),
        expect_findings=dict(expect.get("findings") or {}),
        expect_verdicts=dict(expect.get("verdicts") or {}),
        forbid_rules=tuple(forbid.get("rules") or ()),
        forbid_verdicts={c: tuple(v if isinstance(v, list) else [v])
                         for c, v in (forbid.get("verdicts") or {}).items()})


def load_personas(folder: Path = FOLDER) -> list[Persona]:
    return [load_persona(p) for p in sorted(folder.glob("*.yaml"))]
