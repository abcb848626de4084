"""``social-audit ingest``: registered into the CLI through an entry point."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import click

from bot.config import Settings
from bot.types import IngestReport


def print_report(report: IngestReport, verbose: bool) -> None:
    langs = ", ".join(f"{k}:{v}" for k, v in report.languages.items()) or "none"
    click.echo(
        f"{report.documents} documents; chunks {report.chunks_added} added, "
        f"{report.chunks_kept} kept, {report.chunks_removed} removed "
        f"({report.vectors_added} vectors written, {report.vectors_removed} deleted, "
        f"{report.vectors_refreshed} refreshed); languages {langs}; "
        f"{report.seconds:.1f} s"
    )
    if report.vectors_loaded:
        click.echo(f"vectors: {report.vectors_loaded} loaded from those shipped with the bundled corpus, "
                   f"{report.vectors_embedded} embedded")
    if report.shipped_note:
        click.echo(report.shipped_note)
    click.echo(f"page furniture dropped: {len(report.dropped)} blocks"
               + ("" if verbose else " (--verbose lists them)"))
    if verbose:
        for source, rule, text in report.dropped:
            click.echo(f"  - {source} [{rule}] {textwrap.shorten(text, 70)}")
    for path, reason in report.skipped:
        click.echo(f"skipped {path}: {reason}", err=True)
    print_glosses(report, verbose)
    if not report.changed:
        click.echo("no change")


def print_glosses(report: IngestReport, verbose: bool, shown: int = 10) -> None:
    """The machine glosses' summary, then one line per refused or failed passage."""
    rejected, failed = report.glosses_rejected, report.glosses_failed
    if not (report.glosses_written or report.glosses_reused or rejected or failed):
        return
    click.echo(f"LLM glosses: {report.glosses_written} written, {report.glosses_reused} kept from the "
               f"index, {len(rejected)} rejected by the checks, {len(failed)} failed")
    lines = [f"  gloss rejected {where}: {why}" for where, why in rejected]
    lines += [f"  gloss failed {where}: {why}" for where, why in failed]
    for line in lines if verbose else lines[:shown]:
        click.echo(line)
    if len(lines) > shown and not verbose:
        click.echo(f"  … {len(lines) - shown} more (--verbose lists them)")
    if failed:
        click.echo("passages whose gloss failed are stored without one; the next ingest asks again")


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Drop the index and build it anew.")
@click.option("--verbose", "-v", is_flag=True,
              help="List the page furniture removed and every gloss rejected or failed.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--write-bundled-vectors", "write_vectors", is_flag=True,
              help="For maintainers: embed the bundled corpus's records and write the vectors "
                   "shipped with the package (ingest/data/), instead of indexing.")
@click.pass_obj
def ingest_command(settings: Settings, paths: tuple[Path, ...], rebuild: bool, verbose: bool,
                   as_json: bool, write_vectors: bool) -> None:
    """Index the bundled corpus and extra folders, or just PATHS (files or folders).

    With an LLM configured (SOCIAL_AUDIT_LLM), passages of your own documents that have no
    curated gloss get a checked English gloss written by it."""
    if write_vectors:
        write_bundled_vectors(paths, rebuild)
        return
    from bot.llm import chat_model
    from bot.retrieval.embed import get_embedder
    from bot.retrieval.store import open_store
    from ingest.pipeline import ingest
    from ingest.sources import open_root

    roots = [open_root(p) for p in paths] if paths else None
    report = ingest(settings, get_embedder(settings.embedder), open_store(settings, repair=rebuild), roots,
                    rebuild=rebuild, progress=not as_json, llm=chat_model(settings))
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print_report(report, verbose)


def write_bundled_vectors(paths: tuple[Path, ...], rebuild: bool) -> None:
    """Embed exactly the records ingest builds for the bundled corpus (with the default
    embedder, whatever is configured) and write them beside their manifest (ingest/shipped.py)."""
    from bot.config import DEFAULT_EMBEDDER
    from bot.errors import SocialAuditError
    from bot.retrieval.embed import get_embedder
    from ingest import shipped
    from ingest.pipeline import bundled_plan

    if paths or rebuild:
        raise SocialAuditError("--write-bundled-vectors takes no PATHS and no --rebuild: "
                               "it embeds the bundled corpus only")
    wanted = bundled_plan()
    if wanted.skipped:
        raise SocialAuditError(f"the bundled corpus has unreadable files: {wanted.skipped}")
    manifest = shipped.write([r.embed_text for r in wanted.records], get_embedder(DEFAULT_EMBEDDER))
    size = (shipped.FOLDER / shipped.VECTORS).stat().st_size
    click.echo(f"{manifest['records']} vectors ({manifest['dtype']}, {size / 1e6:.1f} MB) of "
               f"{len(wanted.records)} records by {manifest['embedder']} written to {shipped.FOLDER}")
