"""The ``audit`` section of ``social-audit bench``: building an audit from a complete profile.

Figures beside floors measured in the same run: loading and checking the rules file (what every
audit rests on, uncached here), and the retrieval the audit adds once an index holds documents
beyond the curated articles (one batch scoring of the fired rules' queries; with only the bundled
corpus the audit asks the retriever nothing but its stored passages).
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
    return {
        "persona": persona.id, "paths_answered": len(persona.profile.to_dict()["fields"]),
        "findings": len(audit.findings), "citations": len(audit.citations),
        "floor_index_read_ms": round(index_ms, 1), "cold_build_ms": round(cold_ms, 1), "build_ms": build,
        "floor_rules_load_ms": percentiles(rules_ms), "render_md_ms": percentiles(md_ms),
        "render_pdf_ms": percentiles(pdf_ms), "retrieval_queries": len(queries),
        "floor_retrieval_ms": percentiles(retrieval_ms),
        "cold_ratio_to_rules_floor": round(cold_ms / max(percentiles(rules_ms)["p50"], 1e-6), 2),
        "target_ms": TARGET_MS, "within_target": build["p95"] < TARGET_MS,
    }


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
            f"Warm p95 within target: **{a['within_target']}**.", ""]
