"""The figures the README and docs/ quote agree with the committed snapshots of the latest bench
and eval runs (docs/figures/bench.json, docs/figures/results.json), and none is written by hand.

Runs on the real files of the repository, and on small documents in a temp folder for the
behaviour of the renderer and the command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.docfigures import (
    FigureError,
    Snapshots,
    hand_figures,
    load_config,
    parse_config,
    render,
    sections,
)
from evals.docfigures_cli import docs_figures_command, documents, load_snapshots, stale_documents

ROOT = Path(__file__).resolve().parent.parent
SNAPS = Snapshots(
    bench={"search": {"search_ms": {"p95": 98.24}, "p95_ratio": 0.81}, "ingest": {"vectors": 2588},
           "meta": {"time": "2026-12-06T11:02:03Z", "commit": "025adc1f00",
                                       "only": ["ingest", "turn"]}},
    results={"meta": {"commit": "abcdef123456"},
             "suites": {"retrieval": {"cases_passed": 81, "metrics": {"test.recall@3": 0.9571},
                                      "details": {"test": {"positives_rejected": 0}}}}})


# -- the repository's own documents ------------------------------------------------------------

def test_the_docs_agree_with_the_snapshots() -> None:
    stale = stale_documents(ROOT, load_snapshots(ROOT))
    assert not stale, (f"{', '.join(str(p.relative_to(ROOT)) for p in stale)}: figures disagree "
                       "with docs/figures/; run `social-audit docs-figures` and commit the result")


def test_the_results_snapshot_is_a_run_of_every_suite_on_a_clean_tree() -> None:
    results = load_snapshots(ROOT).results
    assert set(results["suites"]) >= {"retrieval", "interview", "audit", "adversarial",
                                      "conversations", "kinds"}
    assert results["meta"]["commit"] and results["meta"]["uncommitted_changes"] is False


def test_the_docs_quote_figures_from_the_snapshots() -> None:
    quoted = sum(p.read_text(encoding="utf-8").count("<!-- fig") for p in documents(ROOT))
    assert quoted >= 20  # the current figures of retrieval, evals, reading and message kinds


@pytest.mark.parametrize("name", sorted(load_config().measured))
def test_no_figure_is_written_by_hand_in_a_measured_section(name: str) -> None:
    config = load_config()
    text = (ROOT / name).read_text(encoding="utf-8")
    allowed = [a.text for a in config.allowed if a.file == name]
    assert hand_figures(text, config.measured[name], allowed) == [], (
        f"{name}: a figure written by hand in a section that reports measurements: put it between "
        "markers (evals/docfigures.py) or, if it is no measurement, allow it in "
        "evals/docfigures.yaml with the reason")


def test_every_allowed_text_is_still_in_its_file() -> None:
    config = load_config()
    for allow in config.allowed:
        assert allow.file in config.measured, f"{allow.file}: allowed but not a measured document"
        assert allow.text in (ROOT / allow.file).read_text(encoding="utf-8"), (
            f"{allow.file}: no longer holds {allow.text!r}: drop it from evals/docfigures.yaml")


# -- the renderer ------------------------------------------------------------------------------

def test_inline_figures_are_written_from_the_snapshots() -> None:
    text = ("p95 <!-- fig bench:search/search_ms/p95 .1f -->12<!-- /fig --> ms, "
            "<!-- fig bench:search/p95_ratio .2f -->9<!-- /fig -->× the floor, "
            "<!-- fig bench:ingest/vectors int -->1<!-- /fig --> vectors on "
            "<!-- fig bench:meta/time date -->?<!-- /fig --> (<!-- fig bench:meta/only list -->"
            "<!-- /fig -->); R@3 "
            "<!-- fig results:retrieval/test.recall@3 .3f --><!-- /fig --> at "
            "<!-- fig results:meta/commit commit -->x<!-- /fig -->")
    out = render(text, SNAPS, {})
    assert out == ("p95 <!-- fig bench:search/search_ms/p95 .1f -->98.2<!-- /fig --> ms, "
                   "<!-- fig bench:search/p95_ratio .2f -->0.81<!-- /fig -->× the floor, "
                   "<!-- fig bench:ingest/vectors int -->2 588<!-- /fig --> vectors on "
                   "<!-- fig bench:meta/time date -->2026-12-06<!-- /fig --> (<!-- fig bench:meta/only "
                   "list -->ingest, turn<!-- /fig -->); R@3 "
                   "<!-- fig results:retrieval/test.recall@3 .3f -->0.957<!-- /fig --> at "
                   "<!-- fig results:meta/commit commit -->abcdef1<!-- /fig -->")
    assert render(out, SNAPS, {}) == out  # regenerating changes nothing


def test_blocks_are_written_from_templates_and_the_rest_is_kept() -> None:
    templates = {"t": "| passed | rejected |\n|---|---|\n| {results:retrieval/cases_passed} | "
                      "{results:retrieval/details/test/positives_rejected} |\n"}
    text = "# Doc\n\nprose {kept}\n<!-- figures t -->\nold table\n<!-- /figures -->\nafter\n"
    out = render(text, SNAPS, templates)
    assert out == ("# Doc\n\nprose {kept}\n<!-- figures t -->\n| passed | rejected |\n|---|---|\n"
                   "| 81 | 0 |\n<!-- /figures -->\nafter\n")


def test_the_bench_report_block_is_the_benchmarks_own_markdown() -> None:
    search = {"floor_ms": {"p50": 1.0, "p95": 2.0, "n": 4}, "search_ms": {"p50": 3.0, "p95": 4.5, "n": 4},
              "p95_ratio": 2.25, "p50_ratio": 3.0}
    out = render("<!-- figures bench.md -->\n<!-- /figures -->", Snapshots({"search": search}, {}), {})
    assert "\n### Search (warm)" in out and "# social-audit bench" not in out
    assert "| 3.0 | 4.5 | 4 |" in out and out.endswith("<!-- /figures -->")


@pytest.mark.parametrize(("text", "message"), [
    ("<!-- fig bench:search/nothing .1f -->1<!-- /fig -->", "bench:search/nothing: not in the snapshot"),
    ("<!-- fig results:kinds/precision .3f -->1<!-- /fig -->", "no suite 'kinds'"),
    ("<!-- fig bench:search/p95_ratio .1d -->1<!-- /fig -->", "cannot format 0.81"),
    ("<!-- figures nope -->\n<!-- /figures -->", "unknown figures block 'nope'"),
    ("<!-- fig bench:search/p95_ratio .2f -->0.81", "not closed or malformed"),
    ("<!-- fig search/p95_ratio -->0.81<!-- /fig -->", "not closed or malformed"),
])
def test_a_bad_marker_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(FigureError, match=message.replace("(", r"\(")):
        render(text, SNAPS, {}, "doc.md")


def test_a_null_figure_is_written_na() -> None:
    snaps = Snapshots(bench={"x": None}, results={})
    assert render("<!-- fig bench:x .3f -->1<!-- /fig -->", snaps, {}) == \
        "<!-- fig bench:x .3f -->n/a<!-- /fig -->"


# -- hand-written figures ----------------------------------------------------------------------

DOC = """# Doc

## Speed

p95 <!-- fig bench:search/search_ms/p95 .1f -->98.2<!-- /fig --> ms; 684 searches; target 150 ms.

## History

On 1 December: 0.871 -> 0.857 and 40 ms.
"""


def test_a_figure_written_by_hand_is_found_in_a_measured_section_only() -> None:
    assert hand_figures(DOC, ["Speed"], []) == ["Speed: '150 ms' in 'p95  ms; 684 searches; target 150 ms.'"]
    assert hand_figures(DOC, ["Speed"], ["target 150 ms"]) == []
    assert len(hand_figures(DOC, ["*"], ["target 150 ms"])) == 3  # 0.871, 0.857, 40 ms


def test_sections_end_at_the_next_heading_of_their_level() -> None:
    text = "# A\n\n## B\nb\n### C\nc\n## D\nd\n"
    assert sections(text, ["B"]) == [("B", "## B\nb\n### C\nc\n")]
    with pytest.raises(FigureError, match="no section 'E'"):
        sections(text, ["E"])


def test_the_config_is_checked() -> None:
    with pytest.raises(FigureError, match="invalid"):
        parse_config("allowed: [{file: README.md, text: x}]\n")  # no reason given


# -- the command -------------------------------------------------------------------------------

def _repo(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "figures").mkdir(parents=True)
    (tmp_path / "docs" / "figures" / "bench.json").write_text(json.dumps(SNAPS.bench))
    (tmp_path / "docs" / "figures" / "results.json").write_text(json.dumps(SNAPS.results))
    (tmp_path / "README.md").write_text(
        "ingest <!-- fig bench:ingest/vectors int -->1<!-- /fig --> vectors\n", encoding="utf-8")
    (tmp_path / "docs" / "a.md").write_text(
        "R@3 <!-- fig results:retrieval/test.recall@3 .3f -->0.957<!-- /fig -->\n", encoding="utf-8")
    return tmp_path


def test_the_command_writes_checks_and_updates(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    runner = CliRunner()
    stale = runner.invoke(docs_figures_command, ["--root", str(root), "--check"])
    assert stale.exit_code == 1 and "stale: README.md" in stale.output
    assert runner.invoke(docs_figures_command, ["--root", str(root)]).exit_code == 0
    vectors = json.loads((root / "docs/figures/bench.json").read_text())["ingest"]["vectors"]
    assert f"-->{vectors:,}<!--".replace(",", " ") in (root / "README.md").read_text()
    assert runner.invoke(docs_figures_command, ["--root", str(root), "--check"]).exit_code == 0

    newer = json.loads((root / "docs/figures/results.json").read_text())
    newer["suites"]["retrieval"]["metrics"]["test.recall@3"] = 0.5
    (tmp_path / "new.json").write_text(json.dumps(newer))
    done = runner.invoke(docs_figures_command, ["--root", str(root), "--update", "--results",
                                                str(tmp_path / "new.json")])
    assert done.exit_code == 0, done.output
    assert "-->0.500<!--" in (root / "docs" / "a.md").read_text()
    assert json.loads((root / "docs/figures/results.json").read_text()) == newer


def test_a_snapshot_not_taken_yet_fails_only_the_figures_quoting_it(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "docs" / "figures" / "bench.json").unlink()
    out = CliRunner().invoke(docs_figures_command, ["--root", str(root), "--check"])
    assert out.exit_code == 1 and "bench:ingest/vectors: not in the snapshot" in str(out.exception)
    (root / "README.md").write_text("no figures\n", encoding="utf-8")
    assert CliRunner().invoke(docs_figures_command, ["--root", str(root)]).exit_code == 0


def test_an_update_missing_a_figure_writes_nothing(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    before = (root / "docs" / "figures" / "bench.json").read_text()
    (tmp_path / "partial.json").write_text(json.dumps({"search": {}}))
    out = CliRunner().invoke(docs_figures_command, ["--root", str(root), "--update", "--bench",
                                                    str(tmp_path / "partial.json")])
    assert out.exit_code == 1 and isinstance(out.exception, FigureError)
    assert "bench:ingest/vectors: not in the snapshot" in str(out.exception)
    assert (root / "docs" / "figures" / "bench.json").read_text() == before


def test_the_command_is_registered() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'docs-figures = "evals.docfigures_cli:docs_figures_command"' in pyproject
