"""The four formats: Markdown and HTML escape what users wrote, JSON follows its schema, and the
PDF renders Nordic letters (checked by rendering its first page to PNG)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import fields, is_dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot import l10n
from bot.audit import Audit, build_audit, render
from bot.citations import Citation
from bot.errors import UnknownNameError
from evals.personas import load_personas

PERSONAS = {p.id: p for p in load_personas()}
SCHEMA = json.loads((resources.files("bot") / "data" / "audit.schema.json").read_text(encoding="utf-8"))
EVIL = "<script>alert('x')</script> **bold** [link](http://evil.example) | # <img src=x onerror=y>"


@pytest.fixture(scope="module")
def audits(bundled_retriever: Any) -> dict[str, Audit]:
    return {pid: build_audit(p.profile, bundled_retriever, p.lang) for pid, p in PERSONAS.items()}


def test_the_json_schema_is_valid_and_every_audit_follows_it(audits: dict[str, Audit]) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for pid, audit in audits.items():
        data = json.loads(render(audit, "json"))
        validator.validate(data)
        assert [c["n"] for c in data["citations"]] == list(range(1, len(data["citations"]) + 1)), pid
        refs = {r["n"] for f in data["findings"] for r in f["citations"]}
        assert refs <= {c["n"] for c in data["citations"]}


def test_json_citations_carry_chunk_source_and_quote(audits: dict[str, Audit]) -> None:
    data = json.loads(render(audits["deletes_criticism"], "json"))
    finding = next(f for f in data["findings"] if f["rule_id"] == "never-delete-criticism")
    ref = finding["citations"][0]
    assert set(ref) == {"n", "chunk_id", "source", "quote"} and ref["source"] == "002_4f0a660865246974.txt"
    full = data["citations"][ref["n"] - 1]
    assert full["quote"] == ref["quote"] and full["gloss"].startswith("The worst mistake")


def _swapped(value: Any, old: Citation, new: Citation) -> Any:
    """``value`` with ``old`` replaced by ``new`` wherever the audit holds it."""
    if isinstance(value, Citation):
        return new if value == old else value
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _swapped(getattr(value, f.name), old, new)
                                 for f in fields(value) if f.init})
    if isinstance(value, tuple):
        return tuple(_swapped(v, old, new) for v in value)
    return value


@pytest.mark.parametrize(("lang", "curated", "machine"), [
    ("en", "English translation of the {} text", "English machine translation of the {} text"),
    ("sv", "Engelsk översättning av texten på {}", "Engelsk maskinöversättning av texten på {}"),
])
def test_a_machine_gloss_in_the_evidence_is_marked_in_every_format_and_follows_the_schema(
        bundled_retriever: Any, lang: str, curated: str, machine: str) -> None:
    real = build_audit(PERSONAS["deletes_criticism"].profile, bundled_retriever, lang)
    glossed = [c for c in real.citations if c.gloss]
    assert len(glossed) >= 2 and not any(c.machine_gloss for c in glossed)  # the bundled corpus is curated
    cited = {c for claim in real.evidence for c in claim.citations}
    old = next(c for c in glossed if c in cited)  # a passage the evidence appendix cites
    audit = _swapped(real, old, replace(old, gloss_source="llm"))
    n = audit.numbers()[replace(old, gloss_source="llm")]

    data = json.loads(render(audit, "json"))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert [c["n"] for c in data["citations"] if c["gloss_source"] == "llm"] == [n]

    names = {l10n.language_name(c.lang, lang) for c in glossed}  # each label names its passage's language
    assert None not in names and len(names) >= 2
    md = render(audit, "md")
    section = md[md.index(f"**[{n}]**"):]
    section = section[:section.index("**[", 1)] if "**[" in section[1:] else section
    mine = machine.format(l10n.language_name(old.lang, lang))
    assert f"_{mine}:_" in section
    assert sum(md.count(f"_{machine.format(name)}:_") for name in names) == 1
    assert sum(md.count(f"_{curated.format(name)}:_") for name in names) == len(glossed) - 1

    html = render(audit, "html")
    assert sum(html.count(f'<p class="gloss machine">{machine.format(name)}: ') for name in names) == 1
    assert sum(html.count(f'<p class="gloss">{curated.format(name)}: ') for name in names) == len(glossed) - 1
    item = html[html.index(f'<li id="c{n}"'):]
    assert item[:item.index("</li>")].count(mine) == 1


def _evil_audit(bundled_retriever: Any) -> Audit:
    profile = PERSONAS["deletes_criticism"].profile.with_answer(
        "criticism.deletes_critical_comments", True, "answered", EVIL)
    return build_audit(profile, bundled_retriever, "en")


def test_html_is_self_contained_and_escapes_what_users_wrote(bundled_retriever: Any) -> None:
    html = render(_evil_audit(bundled_retriever), "html")
    assert isinstance(html, str) and html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "<img" not in html and "onerror=y>" not in html
    assert "&lt;script&gt;" in html
    assert "http://" not in html.replace("http://evil.example", "")  # no external resources
    assert '<html lang="en">' in html and "<style>" in html


def test_markdown_escapes_what_users_wrote(bundled_retriever: Any) -> None:
    md = render(_evil_audit(bundled_retriever), "md")
    assert isinstance(md, str)
    assert "<script" not in md and "<img" not in md and "**bold**" not in md and "[link](" not in md
    assert "&lt;script&gt;" in md and "\\*\\*bold\\*\\*" in md


def test_markdown_sections_in_the_report_language(audits: dict[str, Audit]) -> None:
    md = str(render(audits["local_shop"], "md"))
    for heading in ("# Kanalgranskning", "## Sammanfattning: ett beslut per kanal",
                    "## Handlingsplan för 30/60/90 dagar", "## Bilaga: belägg", "### Källor"):
        assert heading in md
    assert "**Lägg till**" in md  # Instagram is added
    shop = re.search(r"> _Engelsk översättning av texten på (\w+):_ If you run a shop, Instagram is an", md)
    assert shop and shop.group(1) in ("svenska", "danska", "norska", "finska", "afrikaans")


def test_unknown_format_is_refused(audits: dict[str, Audit]) -> None:
    with pytest.raises(UnknownNameError, match="choose one of: md, html, json, pdf"):
        render(audits["web_shop"], "docx")


@pytest.mark.parametrize(("persona", "words"), [
    ("local_shop", ["Kanalgranskning", "Handlingsplan för 30/60/90 dagar", "bedöma", "Lägg till", "Åtgärda"]),
    ("restaurant", ["Kanalgennemgang", "opfølgning", "være der", "på", "Drop"]),
])
def test_the_pdf_renders_nordic_letters(persona: str, words: list[str], audits: dict[str, Audit],
                                        tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    data = render(audits[persona], "pdf")
    assert isinstance(data, bytes) and data.startswith(b"%PDF")
    pdf = pdfium.PdfDocument(data)
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    text = " ".join(text.split())
    for word in words:
        assert word in text, word
    image = pdf[0].render(scale=1.5).to_pil().convert("L")
    png = tmp_path / f"audit_{persona}_page1.png"
    image.save(png)
    assert png.stat().st_size > 10_000
    dark = sum(1 for value in image.getdata() if value < 128)
    assert dark / (image.width * image.height) > 0.01  # text was drawn, not a blank page


def test_the_pdf_is_dated_when_it_was_made(audits: dict[str, Audit]) -> None:
    from datetime import UTC, datetime, timedelta

    from pypdf import PdfReader

    before = datetime.now(UTC).replace(microsecond=0)
    made = PdfReader(io.BytesIO(bytes(render(audits["web_shop"], "pdf")))).metadata  # type: ignore[arg-type]
    assert made is not None and made.creation_date is not None
    created = made.creation_date.astimezone(UTC)
    assert before - timedelta(seconds=1) <= created <= datetime.now(UTC) + timedelta(seconds=1)
    given = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    again = PdfReader(io.BytesIO(bytes(render(audits["web_shop"], "pdf", given)))).metadata  # type: ignore[arg-type]
    assert again is not None and again.creation_date == given


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_phase_with_no_new_task_says_so_instead_of_a_load(fmt: str, audits: dict[str, Audit]) -> None:
    audit = next(a for a in audits.values() if a.lang == "en" and a.plan.sized)
    phases = audit.plan.phases
    emptied = replace(audit, plan=replace(audit.plan, phases=(replace(phases[0], actions=()), *phases[1:])))
    text = render(emptied, fmt)
    assert isinstance(text, str)
    assert text.count("No new tasks in this phase") == 1 + sum(not p.actions for p in phases[1:])
    assert text.count("Load in this phase") == sum(bool(p.actions) for p in phases[1:])


def test_every_quote_of_the_bundled_corpus_shows_the_english_of_that_quote(
        audits: dict[str, Audit], bundled_retriever: Any) -> None:
    """The rules' quotes carry their own gloss (a part of a sentence needs one); every other
    quote of a bundled passage shows its sentences' glosses, the passage's only when it is all of it."""
    from bot.audit.rules import default_rules
    from bot.citations import quote_gloss

    anchors = {(a.source, a.quote): a.gloss for r in default_rules() for a in r.evidence.anchors}
    shown = 0
    for audit in audits.values():
        for citation in audit.citations:
            chunk = bundled_retriever.chunk(citation.chunk_id)
            assert chunk.sentence_glosses
            assert citation.gloss == anchors.get((citation.source, citation.quote)) or quote_gloss(
                chunk, citation.quote), citation.quote[:40]
            if citation.quote != chunk.text:
                assert citation.gloss != chunk.gloss, citation.quote[:40]
            shown += 1
    assert shown >= 100


def test_md_html_and_json_show_the_english_of_the_sentences_quoted(bundled_retriever: Any) -> None:
    """Andel's paragraph has four sentences; one quoted shows its gloss, two show both in order."""
    from bot.citations import cite

    chunk = next(c for c in bundled_retriever.chunks() if c.text.startswith("Spørg bare Andel"))
    one = cite(chunk, "Kundeservice er et konkurrenceparameter.")
    two = cite(chunk, "Kundeservice er et konkurrenceparameter. Især på sociale medier.")
    assert one.gloss == "Customer service is a competitive parameter."
    assert two.gloss == "Customer service is a competitive parameter. Especially on social media."
    real = build_audit(PERSONAS["deletes_criticism"].profile, bundled_retriever, "en")
    cited = list(dict.fromkeys(c for claim in real.evidence for c in claim.citations))
    audit = _swapped(_swapped(real, cited[0], one), cited[1], two)

    data = json.loads(render(audit, "json"))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    glosses = {c["quote"]: c["gloss"] for c in data["citations"]}
    assert glosses[one.quote] == one.gloss and glosses[two.quote] == two.gloss
    md, html = render(audit, "md"), render(audit, "html")
    label = "English translation of the Danish text"  # Andel's paragraph is Danish
    assert f"_{label}:_ {one.gloss}\n" in md and f"_{label}:_ {two.gloss}\n" in md
    assert f'<p class="gloss">{label}: {one.gloss}</p>' in html
    assert f'<p class="gloss">{label}: {two.gloss}</p>' in html
    for text in (json.dumps(data), md, html):
        assert "Just ask Andel" not in text and chunk.gloss not in text
