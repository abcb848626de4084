"""What the audit could not judge, and which missing answer stopped it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.audit.facts import DERIVED_FROM, Facts
from bot.audit.findings import title
from bot.audit.judge import Judgement
from bot.audit.model import Gap
from bot.audit.texts import UI
from bot.conditions import said_dont_know
from bot.profile import PATHS, SETTLED


def _sources(path: str, facts: Facts) -> list[str]:
    """A missing derived fact stands for the missing answers it comes from."""
    if path not in DERIVED_FROM:
        return [path]
    return [p for p in DERIVED_FROM[path] if facts.get(p).status not in SETTLED]


def _status(path: str, facts: Facts) -> str:
    leaf = facts.get(path)
    return "dont_know" if said_dont_know(leaf) else leaf.status


def _score_topics(facts: Facts, ui: UI) -> list[tuple[str, str]]:
    """(path, topic) for the channel-score parts and plan sizing an answer is missing for."""
    part = ui.strings["part_labels"]
    missing = [p for p in PATHS if facts.value(p) is None]
    out: list[tuple[str, str]] = []
    if "channels.used" in missing:
        out.append(("channels.used", ui.strings["channels_topic"]))
    if "resources.hours_per_week" in missing:
        out += [("resources.hours_per_week", ui.t("parts_topic", part=part["capacity"])),
                ("resources.hours_per_week", ui.strings["plan_topic"])]
    if "email_list.has_list" in missing:
        out.append(("email_list.has_list", ui.t("parts_topic", part=part["owned_audience"])))
    if "resources.responder" in missing and "resources.response_time" in missing:
        topic = ui.t("parts_topic", part=part["service_readiness"])
        out += [("resources.responder", topic), ("resources.response_time", topic)]
    if "measurement.measures_results" in missing:
        out.append(("measurement.measures_results", ui.t("parts_topic", part=part["measurement"])))
    return out


def gaps(judgements: Sequence[Judgement], facts: Facts, ui: UI) -> tuple[Gap, ...]:
    topics: dict[str, dict[str, None]] = {}
    rules: dict[str, dict[str, None]] = {}
    for judgement in judgements:
        if judgement.value is not None:
            continue
        topic = title(judgement, facts, ui)
        for path in (s for p in judgement.unknown for s in _sources(p, facts)):
            topics.setdefault(path, {})[topic] = None
            rules.setdefault(path, {})[judgement.rule.id] = None
    for path, topic in _score_topics(facts, ui):
        topics.setdefault(path, {})[topic] = None
    out = []
    for path in sorted(topics, key=lambda p: PATHS.index(p) if p in PATHS else len(PATHS)):
        status = _status(path, facts)
        field = ui.field(path)
        names = tuple(topics[path])
        out.append(Gap(path, status, field, names, tuple(rules.get(path, ())),
                       ui.t("gap_line", field=field, status=ui.strings["status_labels"].get(status, status),
                            topics="; ".join(names))))
    return tuple(out)
