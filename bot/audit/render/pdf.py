"""The audit as PDF (fpdf2), set in Source Sans Pro from the ``font-source-sans-pro`` package: a
Unicode TrueType font covering the Nordic and German letters (å ä ö æ ø ü ß) and Afrikaans (ê ë ô).
Its creation date is when it was made, unless the caller gives one (the same audit and date give the
same bytes).

PDF viewers make links of text that looks like an address, link annotation or not; the owner's own
words (the evidence appendix's quotes and the free-text answers it lists) are therefore written
``defanged`` (``bot.links``: ``https[:]//our-shop[.]example``), the articles' quotes and the
bot's texts as they are. The document has no link annotation of any kind."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from bot.audit.model import Audit
from bot.audit.render.common import LEVEL_KEYS, View
from bot.errors import ConfigError
from bot.links import defanged

FONT = "SourceSans"
STYLES = {"": "SourceSansPro-Regular.ttf", "B": "SourceSansPro-Bold.ttf", "I": "SourceSansPro-It.ttf"}


def font_files() -> dict[str, Path]:
    try:
        folder = resources.files("font_source_sans_pro") / "files"
    except ModuleNotFoundError as err:
        raise ConfigError("PDF reports need the font-source-sans-pro package: "
                          "pip install font-source-sans-pro") from err
    return {style: Path(str(folder / name)) for style, name in STYLES.items()}


class _Doc:
    def __init__(self, audit: Audit, created: datetime | None = None) -> None:
        from fpdf import FPDF

        self.pdf: Any = FPDF(format="A4")
        self.pdf.set_creation_date(created or datetime.now(UTC))
        self.pdf.set_lang(audit.lang)
        self.pdf.set_margins(16, 16, 16)
        self.pdf.set_auto_page_break(True, margin=16)
        for style, path in font_files().items():
            self.pdf.add_font(FONT, style, str(path))
        self.pdf.add_page()

    def text(self, text: str, size: float = 10.5, style: str = "", gap: float = 1.5) -> None:
        self.pdf.set_font(FONT, style, size)
        self.pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(gap)

    def heading(self, text: str, level: int = 2) -> None:
        size = {1: 20, 2: 14.5, 3: 11.5}[level]
        self.pdf.ln(3 if level > 1 else 0)
        self.text(text, size, "B", 1.5)

    def muted(self, text: str) -> None:
        self.pdf.set_text_color(90, 100, 115)
        self.text(text, 9.5)
        self.pdf.set_text_color(0, 0, 0)


def _summary(doc: _Doc, v: View) -> None:
    if not v.audit.channels:
        doc.text(v.s("none"))
        return
    doc.pdf.set_font(FONT, "", 9)
    labels = v.part_labels()
    with doc.pdf.table(col_widths=(26, 24, 14, 46, 68), text_align="LEFT", line_height=4.6) as table:
        row = table.row()
        for head in (v.s("channel"), v.s("decision"), v.s("score"), v.s("parts"), v.s("reasons")):
            row.cell(head)
        for c in v.audit.channels:
            row = table.row()
            row.cell(f"{v.name(c.label)}\n({v.in_use(c.in_use)})")
            row.cell(v.verdict(c.verdict))
            row.cell(str(c.score))
            parts = zip(labels, (value for _, value in c.parts.items()), strict=True)
            row.cell("\n".join(f"{label}: {v.part(value)}" for label, value in parts))
            row.cell("; ".join(c.reasons) + " " + v.marks(c.citations))
    doc.pdf.ln(2)


def _findings(doc: _Doc, v: View) -> None:
    if not v.audit.findings:
        doc.text(v.s("no_findings"))
    for i, f in enumerate(v.audit.findings, 1):
        doc.heading(f"{i}. {f.title}", 3)
        meta = " · ".join(f"{v.s(k)}: {v.level(getattr(f, k))}" for k in LEVEL_KEYS)
        doc.muted(f"{meta} · {v.s('basis')}: {v.basis(f.basis)}")
        doc.text(f"{f.text} {v.marks(f.citations)}")
        doc.text(f"{v.s('recommendation')}: {f.recommendation}", style="I")
    for m in v.audit.misconceptions:
        if m is v.audit.misconceptions[0]:
            doc.heading(v.s("misconceptions"))
        doc.heading(m.title, 3)
        doc.text(f"{v.s('belief')} ({v.basis(m.basis)}): {m.belief}")
        doc.text(f"{v.s('sources_say')}: {m.text} {v.marks(m.citations)}")
        doc.text(f"{v.s('recommendation')}: {m.recommendation}", style="I")


def _plan(doc: _Doc, v: View) -> None:
    plan = v.audit.plan
    doc.text(v.plan_intro())
    for phase in plan.phases:
        doc.heading(v.s("days", days=phase.days), 3)
        for a in phase.actions:
            cost = v.action_cost(a.hours, a.weekly)
            doc.text(f"• {a.text}" + (f" ({cost})" if cost else ""), gap=0.8)
        if plan.sized:
            doc.muted(v.load(phase.load, empty=not phase.actions))
    if plan.deferred:
        doc.heading(v.s("deferred"), 3)
        for a in plan.deferred:
            doc.text(f"• {a.text} ({v.deferred_reason(a.deferred)})", gap=0.8)


def _appendix(doc: _Doc, v: View) -> None:
    for c in v.audit.evidence:
        words = f" ({v.s('user_words')}: “{defanged(c.source_message)}”)" if c.source_message else ""
        claim = defanged(c.text) if c.section == "facts" else c.text  # "field: the owner's answer"
        doc.text(f"[{v.basis(c.basis)}] {claim}{words} {v.marks(c.citations)}", size=9, gap=0.6)
    doc.heading(v.s("citations"), 3)
    for citation, n in v.numbers.items():
        doc.text(f"[{n}] {v.source_line(citation)}", size=9.5, style="B", gap=0.4)
        doc.text(f"“{citation.quote}”", size=9.5, gap=0.4)
        if citation.gloss:
            doc.text(f"{v.gloss_label(citation)}: {citation.gloss}", size=9, style="I", gap=1.6)


def render_pdf(audit: Audit, created: datetime | None = None) -> bytes:
    """The audit as PDF bytes; ``created`` (default: now) is the document's creation date."""
    v = View.of(audit)
    doc = _Doc(audit, created)
    doc.pdf.set_title(v.s("report_title"))
    doc.heading(v.s("report_title"), 1)
    if audit.generic:
        doc.text(v.s("generic_note", fields=", ".join(audit.generic)), style="B")
    if audit.narrative:
        doc.heading(v.s("narrative"))
        doc.text(audit.narrative)
    doc.heading(v.s("summary"))
    _summary(doc, v)
    doc.heading(v.s("findings"))
    _findings(doc, v)
    doc.heading(v.s("plan"))
    _plan(doc, v)
    doc.heading(v.s("gaps"))
    for gap in audit.gaps:
        doc.text(f"• {gap.text}", gap=0.8)
    if not audit.gaps:
        doc.text(v.s("no_gaps"))
    doc.heading(v.s("evidence"))
    _appendix(doc, v)
    return bytes(doc.pdf.output())
