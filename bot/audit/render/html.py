"""The audit as one self-contained HTML page (inline CSS, no scripts, no external resources).
Every text is escaped: an answer can never inject markup. ``[n]`` markers link to the sources."""

from __future__ import annotations

from html import escape

from bot.audit.model import Audit
from bot.audit.render.common import LEVEL_KEYS, View
from bot.citations import Citation

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1d2430;line-height:1.5}
h1{font-size:1.8rem}h2{margin-top:2.2rem;border-bottom:2px solid #e3e7ee;padding-bottom:.2rem}
.generic{border-left:4px solid #a36100;background:#fff7e8;padding:.5rem .8rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border:1px solid #d7dce4;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f3f5f9}
.v-keep{color:#1b7a3a;font-weight:700}.v-fix{color:#a36100;font-weight:700}.v-cut{color:#b3261e;font-weight:700}
.v-add{color:#1f5fbf;font-weight:700}.meta{color:#5a6473;font-size:.9rem}.basis{font-size:.8rem;
padding:.05rem .4rem;border-radius:.6rem;background:#eef1f6}blockquote{margin:.4rem 0 .2rem 1rem;
padding-left:.8rem;border-left:3px solid #c9d2e0}.gloss{color:#4a5565;font-style:italic}
sup a{text-decoration:none}
"""


def e(text: object) -> str:
    return escape(str(text), quote=True)


def _marks(v: View, citations: tuple[Citation, ...]) -> str:
    return "".join(f'<sup><a href="#c{v.numbers[c]}">[{v.numbers[c]}]</a></sup>'
                   for c in dict.fromkeys(citations))


def _summary(v: View) -> str:
    head = [v.s("channel"), v.s("decision"), v.s("score"), *v.part_labels(), v.s("reasons")]
    rows = ["<tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>"]
    for c in v.audit.channels:
        parts = "".join(f"<td>{e(v.part(value))}</td>" for _, value in c.parts.items())
        why = "<br>".join(e(r) for r in c.reasons)
        rows.append(f"<tr><td>{e(v.name(c.label))} <span class=meta>({e(v.in_use(c.in_use))})</span></td>"
                    f'<td class="v-{e(c.verdict)}">{e(v.verdict(c.verdict))}</td><td>{c.score}</td>{parts}'
                    f"<td>{why} {_marks(v, c.citations)}</td></tr>")
    return f"<table>{''.join(rows)}</table>" if v.audit.channels else f"<p>{e(v.s('none'))}</p>"


def _findings(v: View) -> str:
    if not v.audit.findings:
        return f"<p>{e(v.s('no_findings'))}</p>"
    out = []
    for i, f in enumerate(v.audit.findings, 1):
        meta = " · ".join(f"{e(v.s(k))}: {e(v.level(getattr(f, k)))}" for k in LEVEL_KEYS)
        out.append(f"<section><h3>{i}. {e(f.title)}</h3><p class=meta>{meta} · "
                   f"<span class=basis>{e(v.basis(f.basis))}</span></p>"
                   f"<p>{e(f.text)} {_marks(v, f.citations)}</p>"
                   f"<p><strong>{e(v.s('recommendation'))}:</strong> {e(f.recommendation)}</p></section>")
    return "".join(out)


def _misconceptions(v: View) -> str:
    return "".join(
        f"<section><h3>{e(m.title)}</h3><p><strong>{e(v.s('belief'))}</strong> "
        f"<span class=basis>{e(v.basis(m.basis))}</span>: {e(m.belief)}</p>"
        f"<p><strong>{e(v.s('sources_say'))}:</strong> {e(m.text)} {_marks(v, m.citations)}</p>"
        f"<p><strong>{e(v.s('recommendation'))}:</strong> {e(m.recommendation)}</p></section>"
        for m in v.audit.misconceptions)


def _plan(v: View) -> str:
    plan = v.audit.plan
    out = [f"<p>{e(v.plan_intro())}</p>"]
    for phase in plan.phases:
        items = "".join(f"<li>{e(a.text)} <span class=meta>{e(v.action_cost(a.hours, a.weekly))}</span></li>"
                        for a in phase.actions)
        load = f"<p class=meta>{e(v.load(phase.load, empty=not phase.actions))}</p>" if plan.sized else ""
        out.append(f"<h3>{e(v.s('days', days=phase.days))}</h3><ul>{items}</ul>{load}")
    if plan.deferred:
        items = "".join(f"<li>{e(a.text)} <span class=meta>({e(v.deferred_reason(a.deferred))})</span></li>"
                        for a in plan.deferred)
        out.append(f"<h3>{e(v.s('deferred'))}</h3><ul>{items}</ul>")
    return "".join(out)


def _evidence(v: View) -> str:
    rows = [f"<tr><th>{e(v.s('claim'))}</th><th>{e(v.s('basis'))}</th><th>[n]</th></tr>"]
    for c in v.audit.evidence:
        words = f" <span class=meta>({e(v.s('user_words'))}: “{e(c.source_message)}”)</span>" \
            if c.source_message else ""
        rows.append(f"<tr><td>{e(c.text)}{words}</td><td><span class=basis>{e(v.basis(c.basis))}</span></td>"
                    f"<td>{_marks(v, c.citations)}</td></tr>")
    sources = []
    for citation, n in v.numbers.items():
        kind = "gloss machine" if citation.machine_gloss else "gloss"
        gloss = (f'<p class="{kind}">{e(v.gloss_label(citation))}: {e(citation.gloss)}</p>'
                 if citation.gloss else "")
        sources.append(f'<li id="c{n}" value="{n}"><p>{e(v.source_line(citation))}</p>'
                       f'<blockquote lang="{e(citation.lang)}">{e(citation.quote)}</blockquote>{gloss}</li>')
    return (f"<table>{''.join(rows)}</table><h3>{e(v.s('citations'))}</h3>"
            f"<ol>{''.join(sources)}</ol>")


def render_html(audit: Audit) -> str:
    v = View.of(audit)
    body = [f"<h1>{e(v.s('report_title'))}</h1>"]
    if audit.generic:
        note = v.s("generic_note", fields=", ".join(audit.generic))
        body.append(f'<p class="generic" role="note"><strong>{e(note)}</strong></p>')
    if audit.narrative:
        body.append(f"<h2>{e(v.s('narrative'))}</h2><p>{e(audit.narrative)}</p>")
    body += [f"<h2>{e(v.s('summary'))}</h2>", _summary(v), f"<h2>{e(v.s('findings'))}</h2>", _findings(v)]
    if audit.misconceptions:
        body += [f"<h2>{e(v.s('misconceptions'))}</h2>", _misconceptions(v)]
    body += [f"<h2>{e(v.s('plan'))}</h2>", _plan(v), f"<h2>{e(v.s('gaps'))}</h2>"]
    gaps = "".join(f"<li>{e(g.text)}</li>" for g in audit.gaps)
    body.append(f"<ul>{gaps}</ul>" if gaps else f"<p>{e(v.s('no_gaps'))}</p>")
    body += [f"<h2>{e(v.s('evidence'))}</h2>", _evidence(v)]
    return (f'<!DOCTYPE html>\n<html lang="{e(audit.lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(v.s('report_title'))}</title><style>{CSS}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")
