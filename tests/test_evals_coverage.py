"""The coverage map (evals/coverage.py): every advice paragraph of the bundled articles is cited by
a rule that can fire, the decisions agree with the rules, and `eval --suite coverage` prints it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from bot.audit.rules import default_rules
from bot.cli import cli, load_plugins
from bot.profile import Profile
from evals import coverage
from evals.coverage import bundled_map, coverage_map, fires_on, flat, load_decisions, paragraphs, problems
from evals.personas import load_personas
from ingest.sources import bundled_corpus

GLOSSES = bundled_corpus() / "glosses.jsonl"


def _profiles() -> dict[str, Profile]:
    _, witnesses = load_decisions()
    return {p.id: p.profile for p in load_personas()} | witnesses


def test_every_advice_paragraph_of_the_bundled_corpus_is_reachable() -> None:
    rows, found = bundled_map()
    assert found == []
    kinds = [json.loads(line)["kind"] for line in GLOSSES.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == sum(k in ("paragraph", "list-item") for k in kinds)  # every one decided
    advice = [r for r in rows if r.advice]
    assert len(advice) >= 50 and all(r.reachable for r in advice)
    assert all(r.decision is not None and r.decision.why for r in rows)


def test_a_paragraph_whose_only_rule_is_gone_is_unreachable_and_the_listed_rule_is_unknown() -> None:
    rules = [r for r in default_rules() if r.id != "service-human-tone"]
    rows, found = bundled_map(rules)
    relaxed = [r for r in rows if flat(r.paragraph.text).startswith("3.Muista rentous")]
    assert len(relaxed) == 1 and relaxed[0].advice and not relaxed[0].reachable
    assert any("'service-human-tone', which does not exist" in p for p in found)
    assert any("3.Muista rentous" in p and "no rule that can fire" in p for p in found)


def test_a_rule_that_fires_on_no_profile_reaches_nothing() -> None:
    decisions, _ = load_decisions()
    rows = coverage_map(paragraphs(GLOSSES), decisions, default_rules(), {})
    assert rows and not any(r.reachable for r in rows)
    found = problems(rows, decisions, default_rules())
    assert sum("no rule that can fire" in p for p in found) == sum(r.advice for r in rows)


def test_a_listed_rule_without_an_anchor_there_and_an_unlisted_anchor_are_problems() -> None:
    decisions, _ = load_decisions()
    first = next(i for i, d in enumerate(decisions) if d.rules == ("channels-complement",))
    wrong = list(decisions)
    wrong[first] = replace(decisions[first], rules=("moderation",))
    rows = coverage_map(paragraphs(GLOSSES), wrong, default_rules(), _profiles())
    found = problems(rows, wrong, default_rules())
    assert any("lists moderation, but no anchor of moderation quotes this paragraph" in p for p in found)
    assert any("channels-complement quotes it but is not listed" in p for p in found)


def test_a_paragraph_without_a_decision_and_a_decision_without_a_paragraph_are_problems() -> None:
    decisions, _ = load_decisions()
    wrong = [replace(decisions[0], opens="Nothing opens like this")] + list(decisions[1:])
    rows = coverage_map(paragraphs(GLOSSES), wrong, default_rules(), _profiles())
    found = problems(rows, wrong, default_rules())
    assert any("'Nothing opens like this': matches no single paragraph" in p for p in found)
    assert any("no single decision in coverage.yaml" in p for p in found)


def test_every_witness_is_needed() -> None:
    """A witness shows a condition can be met that no persona meets; one that adds nothing goes."""
    _, witnesses = load_decisions(coverage.FILE)
    by_personas = set(fires_on(default_rules(), {p.id: p.profile for p in load_personas()}))
    for name, profile in witnesses.items():
        assert set(fires_on(default_rules(), {name: profile})) - by_personas, name


def test_eval_prints_the_map(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(load_plugins(cli), ["--home", str(tmp_path), "eval", "--suite", "coverage",
                                                    "--check", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Here you become part of a digital ecosystem" in result.output
    assert "content-per-platform (persona:" in result.output
    assert "advice paragraphs 53 of 68, reachable 53, unreachable 0, problems 0" in result.output
    saved = json.loads((out / "results.json").read_text())
    assert saved["suites"]["coverage"]["metrics"]["advice.unreachable"] == 0
