"""Measure retrieval ideas one against another on the same index: each variant is a config."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.retrieval.retrieve import RetrievalConfig, Retriever
from evals.cases import RetrievalCase
from evals.retrieval import run_cases, summary

VARIANTS: dict[str, dict[str, Any]] = {
    "dense: original text": {"weights": {"text": 1.0}},
    "dense: English gloss": {"weights": {"gloss": 1.0}},
    "dense: expansion questions": {"weights": {"question": 1.0}},
    "bm25: stems + lexicon": {"weights": {"bm25": 1.0}},
    "rrf: text + gloss + bm25": {"fusion": "rrf", "weights": {"text": 1.0, "gloss": 1.0, "bm25": 1.0}},
    "rrf: all signals": {"fusion": "rrf",
                         "weights": {"text": 1.0, "gloss": 1.0, "question": 1.0, "bm25": 1.0}},
    "linear: all, no compound splitting": {"split_compounds": False},
    "linear: all signals (shipped)": {},
}


def run_variants(base: Retriever, cases: Sequence[RetrievalCase],
                 variants: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Summary per variant; the guard is off so that recall measures ranking alone."""
    out = {}
    for name, overrides in (variants or VARIANTS).items():
        config = RetrievalConfig.model_validate(
            {**base.config.model_dump(), "guard": False, **overrides})
        out[name] = summary(run_cases(base.with_config(config).search, cases, 10))
    return out


def format_variants(results: dict[str, dict[str, Any]]) -> str:
    splits = [s for s in ("tune", "dev", "test") if s in next(iter(results.values()))]
    header = "".join(f" {s + ' R@3':>9} {s + ' MRR':>9}" for s in splits)
    lines = [f"{'variant':34}{header}"]
    for name, s in results.items():
        lines.append(f"{name:34}" + "".join(
            f" {s[split]['recall@3']:9.3f} {s[split]['mrr@10']:9.3f}" for split in splits))
    return "\n".join(lines)
