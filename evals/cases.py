"""Eval cases as typed, validated data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator

DATASETS = Path(__file__).resolve().parent / "datasets"


class GoldPassage(BaseModel):
    source: str
    quote: str = Field(min_length=10)


class RetrievalCase(BaseModel):
    id: str
    split: Literal["tune", "dev", "test"]  # tune and dev choose settings; test is held back
    lang: str
    question: str
    answerable: bool
    gold: list[GoldPassage] = Field(default_factory=list)

    @model_validator(mode="after")
    def _gold_matches_answerable(self) -> RetrievalCase:
        if self.answerable != bool(self.gold):
            raise ValueError(f"{self.id}: answerable cases need gold passages, others none")
        return self


def load_retrieval_cases(path: Path | None = None) -> list[RetrievalCase]:
    """The retrieval set (tune and test halves) plus, when present, the extra dev set."""
    paths = [path] if path else [DATASETS / "retrieval.jsonl", DATASETS / "retrieval_dev.jsonl"]
    cases = []
    for file in paths:
        if file.is_file():
            lines = file.read_text(encoding="utf-8").splitlines()
            cases += [RetrievalCase.model_validate(json.loads(line)) for line in lines if line.strip()]
    return cases
