"""The audit as Markdown. Every piece of text that is not the renderer's own markup is escaped, so
that an answer (or a document) can neither break the layout nor smuggle in HTML."""

from __future__ import annotations

import re

from bot.audit.model import Audit
from bot.audit.render.common import LEVEL_KEYS, View
from bot.links import backslashed, unlinked

_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def esc(text: object) -> str:
    """Markdown-inert text: markup characters backslashed, angle brackets as entities, no web or
    e-mail address a link (``bot.links``), one line."""
    out = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = unlinked(_SPECIAL.sub(r"\\\1", out), backslashed)
    return " ".join(out.split())


def _summary(v: View) -> list[str]:
    head = [v.s("channel"), v.s("decision"), v.s("score"), *v.part_labels(), v.s("reasons")]
    lines = ["| " + " | ".join(esc(h) for h in head) + " |", "|" + "---|" * len(head)]
    for c in v.audit.channels:
        parts = [v.part(value) for _, value in c.parts.items()]
        why = "; ".join(esc(r) for r in c.reasons)
        cells = [f"{esc(v.name(c.label))} ({esc(v.in_use(c.in_use))})", f"**{esc(v.verdict(c.verdict))}**",
                 str(c.score), *parts, f"{why} {v.marks(c.citations)}".strip()]
        lines.append("| " + " | ".join(cells) + " |")
    return lines if v.audit.channels else [esc(v.s("none"))]


def _findings(v: View) -> list[str]:
    if not v.audit.findings:
        return [esc(v.s("no_findings"))]
    out: list[str] = []
    for i, f in enumerate(v.audit.findings, 1):
        meta = " · ".join(f"{esc(v.s(k))}: {esc(v.level(getattr(f, k)))}" for k in LEVEL_KEYS)
        out += [f"### {i}. {esc(f.title)}", "", f"{meta} · {esc(v.s('basis'))}: {esc(v.basis(f.basis))}", "",
                f"{esc(f.text)} {v.marks(f.citations)}", "",
                f"**{esc(v.s('recommendation'))}:** {esc(f.recommendation)}", ""]
    return out


def _misconceptions(v: View) -> list[str]:
    out: list[str] = []
    for m in v.audit.misconceptions:
        out += [f"### {esc(m.title)}", "",
                f"**{esc(v.s('belief'))}** ({esc(v.basis(m.basis))}): {esc(m.belief)}", "",
                f"**{esc(v.s('sources_say'))}:** {esc(m.text)} {v.marks(m.citations)}", "",
                f"**{esc(v.s('recommendation'))}:** {esc(m.recommendation)}", ""]
    return out


def _plan(v: View) -> list[str]:
    plan = v.audit.plan
    out = [esc(v.plan_intro()), ""]
    for phase in plan.phases:
        out += [f"### {esc(v.s('days', days=phase.days))}", ""]
        for a in phase.actions:
            cost = v.action_cost(a.hours, a.weekly)
            out.append(f"- {esc(a.text)}" + (f" _({esc(cost)})_" if cost else ""))
        if plan.sized:
            out += ["", f"_{esc(v.load(phase.load, empty=not phase.actions))}_"]
        out.append("")
    if plan.deferred:
        out += [f"### {esc(v.s('deferred'))}", ""]
        out += [f"- {esc(a.text)} _({esc(v.deferred_reason(a.deferred))})_" for a in plan.deferred]
        out.append("")
    return out


def _evidence(v: View) -> list[str]:
    head = [v.s("claim"), v.s("basis"), "[n]"]
    out = ["| " + " | ".join(esc(h) for h in head) + " |", "|---|---|---|"]
    for c in v.audit.evidence:
        words = f" ({esc(v.s('user_words'))}: “{esc(c.source_message)}”)" if c.source_message else ""
        out.append(f"| {esc(c.text)}{words} | {esc(v.basis(c.basis))} | {v.marks(c.citations)} |")
    out += ["", f"### {esc(v.s('citations'))}", ""]
    for citation, n in v.numbers.items():
        out += [f"**[{n}]** {esc(v.source_line(citation))}", "", f"> {esc(citation.quote)}", ""]
        if citation.gloss:
            out += [f"> _{esc(v.gloss_label(citation))}:_ {esc(citation.gloss)}", ""]
    return out


def render_md(audit: Audit) -> str:
    v = View.of(audit)
    out = [f"# {esc(v.s('report_title'))}", ""]
    if audit.generic:
        out += [f"> **{esc(v.s('generic_note', fields=', '.join(audit.generic)))}**", ""]
    if audit.narrative:
        out += [f"## {esc(v.s('narrative'))}", "", esc(audit.narrative), ""]
    out += [f"## {esc(v.s('summary'))}", "", *_summary(v), ""]
    out += [f"## {esc(v.s('findings'))}", "", *_findings(v)]
    if audit.misconceptions:
        out += [f"## {esc(v.s('misconceptions'))}", "", *_misconceptions(v)]
    out += [f"## {esc(v.s('plan'))}", "", *_plan(v)]
    out += [f"## {esc(v.s('gaps'))}", ""]
    out += [f"- {esc(g.text)}" for g in audit.gaps] or [esc(v.s("no_gaps"))]
    out += ["", f"## {esc(v.s('evidence'))}", "", *_evidence(v)]
    return "\n".join(out).rstrip() + "\n"
