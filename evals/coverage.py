"""The coverage map: every paragraph of the bundled articles that gives advice, the audit rules
that can cite it, and whether one of those rules can fire.

The decisions are data (``evals/coverage.yaml``): per paragraph, whether it gives advice, why, and
the rules whose anchors quote it. What the rules cite is read from the rules themselves, so the
list and the rules cannot drift apart unnoticed. A rule *can fire* when it fires on at least one
profile: the audit suite's personas (``evals/personas``) or a witness of ``coverage.yaml`` (a
profile written only to show that a rule's condition can be met). An advice paragraph is
*reachable* when a rule that cites it can fire. No index is needed: anchors are matched against
the paragraph texts of ``corpus/glosses.jsonl`` (the index test checks them against the chunks).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.audit.config import scoring_config
from bot.audit.facts import Facts
from bot.audit.judge import judge_all
from bot.audit.rules import Rule, default_rules
from bot.config import Settings
from bot.errors import ConfigError
from bot.profile import Profile
from evals.personas import load_personas, profile_from_spec
from evals.suite import CaseRecord, Metrics, Suite, SuiteResult

FILE = Path(__file__).resolve().parent / "coverage.yaml"
KINDS = ("paragraph", "list-item")  # titles and headings give no advice of their own


def flat(text: str) -> str:
    """``text`` with every run of whitespace (no-break spaces, newlines) as one space."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Paragraph:
    source: str
    text: str
    gloss: str


@dataclass(frozen=True)
class Decision:
    source: str
    opens: str  # the paragraph's first words, verbatim (whitespace flattened)
    advice: bool
    why: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    paragraph: Paragraph
    decision: Decision | None
    citing: tuple[str, ...]  # rules whose anchors quote the paragraph
    firing: Mapping[str, str]  # of those, rule -> a profile it fires on

    @property
    def advice(self) -> bool:
        return self.decision is not None and self.decision.advice

    @property
    def reachable(self) -> bool:
        return bool(self.firing)


def paragraphs(glosses: Path) -> list[Paragraph]:
    """The paragraphs and list items of the curated articles, in their order."""
    out = []
    for line in glosses.read_text(encoding="utf-8").splitlines():
        if line.strip() and (row := json.loads(line))["kind"] in KINDS:
            out.append(Paragraph(row["source"], row["text"], row["gloss"]))
    return out


def load_decisions(path: Path = FILE) -> tuple[list[Decision], dict[str, Profile]]:
    """The decisions and the witness profiles (by id); a malformed entry is a ConfigError."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    decisions = []
    for number, raw in enumerate(data.get("paragraphs") or [], 1):
        try:
            decisions.append(Decision(str(raw["source"]), flat(str(raw["opens"])), bool(raw["advice"]),
                                      str(raw["why"]), tuple(str(r) for r in raw.get("rules") or ())))
        except (KeyError, TypeError) as err:
            raise ConfigError(f"{path.name}: paragraph #{number} needs source, opens, advice, why "
                              f"and rules ({err}); fix the entry") from err
    witnesses = {str(w["id"]): profile_from_spec(w["profile"], bool(w.get("fill_unused_channels")))
                 for w in data.get("witnesses") or []}
    return decisions, witnesses


def citing(rules: Iterable[Rule], paragraph: Paragraph) -> tuple[str, ...]:
    return tuple(r.id for r in rules if any(a.source == paragraph.source and a.quote in paragraph.text
                                            for a in r.evidence.anchors))


def fires_on(rules: Sequence[Rule], profiles: Mapping[str, Profile]) -> dict[str, str]:
    """Each rule that fires on some profile -> the first such profile's id."""
    config = scoring_config()
    out: dict[str, str] = {}
    for name, profile in profiles.items():
        for judgement in judge_all(tuple(rules), Facts(profile, config)):
            if judgement.value:
                out.setdefault(judgement.rule.id, name)
    return out


def decision_for(paragraph: Paragraph, decisions: Sequence[Decision]) -> list[Decision]:
    text = flat(paragraph.text)
    return [d for d in decisions if d.source == paragraph.source and text.startswith(d.opens)]


def coverage_map(paras: Sequence[Paragraph], decisions: Sequence[Decision], rules: Sequence[Rule],
                 profiles: Mapping[str, Profile]) -> list[Row]:
    fired = fires_on(rules, profiles)
    rows = []
    for p in paras:
        found = decision_for(p, decisions)
        cites = citing(rules, p)
        rows.append(Row(p, found[0] if len(found) == 1 else None, cites,
                        {r: fired[r] for r in cites if r in fired}))
    return rows


def problems(rows: Sequence[Row], decisions: Sequence[Decision], rules: Sequence[Rule]) -> list[str]:
    """Everything wrong with the map, one line each; empty when every advice paragraph is reachable
    and the decisions agree with the rules."""
    out = []
    known = {r.id for r in rules}
    for d in decisions:
        matched = [row for row in rows if row.decision == d]
        if not matched:
            out.append(f"{d.source} '{d.opens}': matches no single paragraph; fix `opens`")
        for rule in d.rules:
            if rule not in known:
                out.append(f"{d.source} '{d.opens}': lists rule {rule!r}, which does not exist")
    for row in rows:
        where = f"{row.paragraph.source} '{flat(row.paragraph.text)[:40]}'"
        if row.decision is None:
            out.append(f"{where}: no single decision in coverage.yaml; add one")
            continue
        listed, cited = set(row.decision.rules), set(row.citing)
        for rule in sorted(listed - cited - (listed - known)):
            out.append(f"{where}: lists {rule}, but no anchor of {rule} quotes this paragraph")
        for rule in sorted(cited - listed):
            out.append(f"{where}: {rule} quotes it but is not listed")
        if row.advice and not row.reachable:
            never = f" ({', '.join(row.citing)}: fires on no profile)" if row.citing else ""
            out.append(f"{where}: gives advice but no rule that can fire cites it{never}")
    return out


def bundled_map(rules: Sequence[Rule] | None = None) -> tuple[list[Row], list[str]]:
    """The map of the bundled corpus with the product's rules, and its problems."""
    from ingest.sources import bundled_corpus

    rules = list(rules if rules is not None else default_rules())
    decisions, witnesses = load_decisions()
    profiles = {f"persona:{p.id}": p.profile for p in load_personas()}
    profiles |= {f"witness:{name}": profile for name, profile in witnesses.items()}
    rows = coverage_map(paragraphs(bundled_corpus() / "glosses.jsonl"), decisions, rules, profiles)
    return rows, problems(rows, decisions, rules)


# -- the suite ---------------------------------------------------------------------------------

PASS_RULE = "an advice paragraph passes when a rule that cites it fires on some profile"


def metrics(rows: Sequence[Row], found: Sequence[str]) -> Metrics:
    advice = [r for r in rows if r.advice]
    return {
        "paragraphs": float(len(rows)),
        "advice_paragraphs": float(len(advice)),
        "advice.reachable": float(sum(r.reachable for r in advice)),
        "advice.unreachable": float(sum(not r.reachable for r in advice)),
        "advice.reachable_share": sum(r.reachable for r in advice) / len(advice) if advice else None,
        "problems": float(len(found)),
    }


def table(rows: Sequence[Row], found: Sequence[str]) -> str:
    head = "rules that cite it (a profile each fires on)"
    lines = [f"reachable source {'paragraph (English gloss)':52} {head}"]
    for r in rows:
        if not r.advice:
            continue
        rules = ", ".join(f"{rule} ({r.firing.get(rule, 'fires on none')})" for rule in r.citing) or "-"
        gloss = flat(r.paragraph.gloss)
        lines.append(f"{'yes' if r.reachable else 'NO':9} {r.paragraph.source[:3]:6} "
                     f"{gloss[:50] + ('…' if len(gloss) > 50 else ''):52} {rules}")
    m = metrics(rows, found)
    lines.append(f"advice paragraphs {m['advice_paragraphs']:.0f} of {m['paragraphs']:.0f}, reachable "
                 f"{m['advice.reachable']:.0f}, unreachable {m['advice.unreachable']:.0f}, problems "
                 f"{len(found)}")
    lines += [f"problem: {p}" for p in found]
    return "\n".join(lines)


def record(row: Row) -> CaseRecord:
    p, d = row.paragraph, row.decision
    return CaseRecord(f"{p.source[:3]}:{flat(p.text)[:40]}", row.reachable, {
        "source": p.source, "gloss": p.gloss, "why": d.why if d else None, "rules": list(row.citing),
        "fires_on": dict(row.firing)})


def evaluate(rows: Sequence[Row], found: Sequence[str]) -> SuiteResult:
    return SuiteResult(metrics=metrics(rows, found), cases=tuple(record(r) for r in rows if r.advice),
                       table=table(rows, found), pass_rule=PASS_RULE,
                       details={"not_advice": [{"source": r.paragraph.source, "gloss": r.paragraph.gloss,
                                                "why": r.decision.why if r.decision else None}
                                               for r in rows if not r.advice]})


def run(settings: Settings, fast: bool) -> SuiteResult:
    del settings, fast  # the map reads data only: the same in every mode
    return evaluate(*bundled_map())


SUITE = Suite(
    name="coverage",
    description="the coverage map: every advice paragraph of the bundled articles with the audit "
                "rules that cite it, and whether one of them can fire (on a persona or a witness "
                "profile); decisions in evals/coverage.yaml",
    fast_subset="the whole map (it reads data only)",
    run=run,
    lower_is_better=("advice.unreachable", "problems"),
)
