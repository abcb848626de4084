"""``social-audit docs-figures``: write the figures of README.md and docs/*.md from the snapshots.

Thin: reads the snapshots and the documents, calls the pure :func:`evals.docfigures.render`, and
writes what changed (or, with ``--check``, only says what would change).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import click

from evals.docfigures import FigureError, Snapshots, load_config, render

SNAPSHOT_DIR = Path("docs") / "figures"


def documents(root: Path) -> list[Path]:
    """The documents whose figures are written: README.md and every docs/*.md."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def load_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FigureError(f"{path}: not found; pass the {what} a run wrote") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise FigureError(f"{path}: not a readable {what} ({err})") from None
    if not isinstance(data, dict):
        raise FigureError(f"{path}: not a {what} (expected a JSON object)")
    return data


def load_snapshots(root: Path) -> Snapshots:
    """The committed snapshots; one not taken yet is empty (a page quoting it fails by name)."""
    folder = root / SNAPSHOT_DIR
    return Snapshots(*(load_json(folder / name, name) if (folder / name).exists() else {}
                       for name in ("bench.json", "results.json")))


def stale_documents(root: Path, snaps: Snapshots) -> dict[Path, str]:
    """Each document whose figures differ from the snapshots, with its regenerated text."""
    templates = load_config().templates
    changed = {}
    for path in documents(root):
        text = path.read_text(encoding="utf-8")
        new = render(text, snaps, templates, str(path.relative_to(root)))
        if new != text:
            changed[path] = new
    return changed


@click.command("docs-figures")
@click.option("--bench", "bench_file", type=click.Path(path_type=Path, dir_okay=False),
              help="A bench.json (social-audit bench) to make the snapshot; needs --update.")
@click.option("--results", "results_file", type=click.Path(path_type=Path, dir_okay=False),
              help="A results.json of a full eval run (social-audit eval) to make the snapshot; "
              "needs --update.")
@click.option("--update", is_flag=True,
              help="Copy --bench / --results to docs/figures/ first, then write the docs from them.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a document's figures are stale.")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="The repository (README.md, docs/).")
def docs_figures_command(bench_file: Path | None, results_file: Path | None, update: bool,
                         check: bool, root: Path) -> None:
    """Write the figures of README.md and docs/*.md from docs/figures/bench.json and results.json."""
    if not (root / SNAPSHOT_DIR).is_dir():
        raise FigureError(f"no {SNAPSHOT_DIR}/ under {root.resolve()}; run this from the "
                          "repository's root or pass --root")
    if (bench_file or results_file) and not update:
        raise FigureError("--bench and --results replace the snapshots in docs/figures/: add --update")
    if update and not (bench_file or results_file):
        raise FigureError("--update needs --bench FILE and/or --results FILE")
    if check and update:
        raise FigureError("--check writes nothing and --update writes the snapshots: choose one")
    current = load_snapshots(root)
    snaps = Snapshots(load_json(bench_file, "bench.json") if bench_file else current.bench,
                      load_json(results_file, "results.json") if results_file else current.results)
    changed = stale_documents(root, snaps)  # every figure is looked up before anything is written
    if check:
        for path in changed:
            click.echo(f"stale: {path.relative_to(root)}")
        if changed:
            raise SystemExit("error: the figures above disagree with docs/figures/; run "
                             "`social-audit docs-figures` and commit the result")
        click.echo("every figure agrees with docs/figures/")
        return
    for source, name in ((bench_file, "bench.json"), (results_file, "results.json")):
        if source is not None:
            shutil.copyfile(source, root / SNAPSHOT_DIR / name)
            click.echo(f"snapshot: {SNAPSHOT_DIR / name} <- {source}")
    for path, text in changed.items():
        path.write_text(text, encoding="utf-8")
        click.echo(f"written: {path.relative_to(root)}")
    if not changed:
        click.echo("every figure already agrees with docs/figures/")
