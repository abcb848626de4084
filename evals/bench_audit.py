"""The ``audit`` section of ``social-audit bench``: building an audit from a complete profile.

Figures beside floors measured in the same run: loading and checking the rules file (what every
audit rests on, uncached here), and the retrieval the audit adds once an index holds documents
beyond the curated articles (one batch scoring of the fired rules' queries; with only the bundled
corpus the audit asks the retriever nothing but its stored passages).

The persona has no words of its own, so findings from the owner's situation (which search the
owner's messages) are measured apart: the gold profiles of the conversations' tune split, with
their words, built with them off and on, on, the messages' vectors either computed by the build
or kept by the turns that read them (``Retriever.prepare``, as the interview does).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from bot.config import Settings

TARGET_MS = 1000.0


def bench_audit(settings: Settings, rounds: int = 20) -> dict[str, Any]:
    from bot.audit import build_audit, render
    from bot.audit.rules import load_rules
    from bot.datafiles import DataSource, use_source
    from bot.retrieval import open_retriever
    from evals.bench import _time, percentiles
    from evals.personas import load_personas

    persona = next(p for p in load_personas() if p.id == "web_shop")  # every path answered
    retriever = open_retriever(settings)
    index_ms = _time(retriever.chunks)  # a fresh retriever reads the index once
    with use_source(DataSource()):  # data files not yet loaded: rules, scoring, texts
        cold_ms = _time(lambda: build_audit(persona.profile, retriever, persona.lang))
    audit = build_audit(persona.profile, retriever, persona.lang)
    queries = [rule.evidence.query for rule in _fired_rules(audit)]
    text = (resources.files("bot") / "data" / "audit_rules.yaml").read_text(encoding="utf-8")
    rules_ms, build_ms, md_ms, pdf_ms, retrieval_ms = [], [], [], [], []
    for i in range(rounds):  # interleaved, so that load on the machine hits all alike
        rules_ms.append(_time(lambda: load_rules(text)))
        build_ms.append(_time(lambda: build_audit(persona.profile, retriever, persona.lang)))
        md_ms.append(_time(lambda: render(audit, "md")))
        if i < 5:
            pdf_ms.append(_time(lambda: render(audit, "pdf")))
            retrieval_ms.append(_time(lambda: retriever.score_many(queries)))
    build = percentiles(build_ms)
    words = _with_words(retriever, rounds=max(1, rounds // 10))
    return {
        "persona": persona.id, "paths_answered": len(persona.profile.to_dict()["fields"]),
        "findings": len(audit.findings), "citations": len(audit.citations),
        "floor_index_read_ms": round(index_ms, 1), "cold_build_ms": round(cold_ms, 1), "build_ms": build,
        "floor_rules_load_ms": percentiles(rules_ms), "render_md_ms": percentiles(md_ms),
        "render_pdf_ms": percentiles(pdf_ms), "retrieval_queries": len(queries),
        "floor_retrieval_ms": percentiles(retrieval_ms),
        "cold_ratio_to_rules_floor": round(cold_ms / max(percentiles(rules_ms)["p50"], 1e-6), 2),
        "target_ms": TARGET_MS, "within_target": build["p95"] < TARGET_MS, "with_words": words,
    }


def _with_words(retriever: Any, rounds: int) -> dict[str, Any]:
    """``build_audit`` of profiles with the owner's words: situations off, on with nothing kept,
    on with the messages' vectors kept by the turns; interleaved, beside the rules-file floor."""
    from importlib import resources

    from bot.audit import build_audit, situations
    from bot.audit.engine import report_lang
    from bot.audit.rules import load_rules
    from bot.datafiles import data_override, packaged
    from evals.bench import _time, percentiles
    from evals.conversation_cases import load_conversations

    profiles = [(c.gold_profile(), report_lang(c.lang)) for c in load_conversations(splits=("tune",))]
    text = (resources.files("bot") / "data" / "audit_rules.yaml").read_text(encoding="utf-8")
    scoring = packaged("audit_scoring.yaml")
    on = scoring | {"situations": {**scoring["situations"], "enabled": True}}
    off = scoring | {"situations": {**scoring["situations"], "enabled": False}}
    ms: dict[str, list[float]] = {"floor": [], "off": [], "on": [], "kept": []}
    for _ in range(rounds):
        for profile, lang in profiles:
            ms["floor"].append(_time(lambda: load_rules(text)))
            with data_override("audit_scoring.yaml", off):
                ms["off"].append(_time(lambda p=profile, lang=lang: build_audit(p, retriever, lang)))  # type: ignore[misc]
            with data_override("audit_scoring.yaml", on):
                retriever.embedder.cache.clear()
                ms["on"].append(_time(lambda p=profile, lang=lang: build_audit(p, retriever, lang)))  # type: ignore[misc]
                retriever.embedder.cache.clear()
                retriever.prepare([w for w, _ in situations.said(profile)])
                ms["kept"].append(_time(lambda p=profile, lang=lang: build_audit(p, retriever, lang)))  # type: ignore[misc]
    retriever.embedder.cache.clear()
    out: dict[str, Any] = {"profiles": len(profiles), "rounds": rounds,
                           "messages": percentiles([float(len(situations.said(p))) for p, _ in profiles])}
    out |= {f"{k}_ms": percentiles(v) for k, v in ms.items()}
    floor = out["floor_ms"]
    for k in ("off", "on", "kept"):
        out[f"{k}_ratio_to_floor"] = {q: round(out[f"{k}_ms"][q] / max(floor[q], 1e-6), 2)
                                      for q in ("p50", "p95")}
    out["within_target"] = out["on_ms"]["p95"] < TARGET_MS
    return out


def _fired_rules(audit: Any) -> list[Any]:
    from bot.audit.rules import default_rules

    fired = {f.rule_id for f in audit.findings} | {m.rule_id for m in audit.misconceptions}
    return [r for r in default_rules() if r.id in fired]


def audit_markdown(a: dict[str, Any]) -> list[str]:
    def row(label: str, key: str) -> str:
        return f"| {label} | {a[key]['p50']} | {a[key]['p95']} | {a[key]['n']} |"

    return ["## Audit from a complete profile", "",
            f"Persona `{a['persona']}` ({a['paths_answered']} answers): {a['findings']} findings, "
            f"{a['citations']} verified citations; target p95 < {a['target_ms']:.0f} ms.", "",
            "| | p50 ms | p95 ms | n |", "|---|---|---|---|",
            row("floor: load and check the rules file", "floor_rules_load_ms"),
            row("`build_audit` (warm index, bundled corpus)", "build_ms"),
            row("render Markdown", "render_md_ms"),
            row("render PDF", "render_pdf_ms"),
            row(f"retrieval a consultant's documents would add ({a['retrieval_queries']} queries, "
                "one batch)", "floor_retrieval_ms"), "",
            f"First audit in a process: {a['cold_build_ms']} ms (loads the rules, scoring and texts), "
            f"after the retriever has read the index once ({a['floor_index_read_ms']} ms, as any "
            f"command that searches does): {a['cold_ratio_to_rules_floor']}x the rules-file floor. "
            f"Warm p95 within target: **{a['within_target']}**.", "", *_words_markdown(a.get("with_words"))]


def _words_markdown(w: dict[str, Any] | None) -> list[str]:
    if not w:
        return []

    def row(label: str, key: str) -> str:
        ratio = w.get(f"{key}_ratio_to_floor")
        times = f"{ratio['p50']}× / {ratio['p95']}×" if ratio else "1× / 1×"
        ms = w[f"{key}_ms"]
        return f"| {label} | {ms['p50']} | {ms['p95']} | {times} | {ms['n']} |"

    return ["### Findings from the owner's own words (docs/situations.md)", "",
            f"The {w['profiles']} gold profiles of the conversations' tune split with their words "
            f"({w['messages']['p50']} messages each at p50), {w['rounds']} round(s).", "",
            "| | p50 ms | p95 ms | p50 / p95 to floor | n |", "|---|---|---|---|---|",
            row("floor: load and check the rules file", "floor"),
            row("`build_audit`, situations off", "off"),
            row("`build_audit`, situations on, the build embeds the messages", "on"),
            row("`build_audit`, situations on, vectors kept by the turns", "kept"), "",
            f"On, p95 within target: **{w['within_target']}**.", ""]
