"""Write an eval run to a folder: summary.md, results.json and one JSON file per case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_report(folder: Path, suite: str, summary: dict[str, Any], markdown: str,
                 cases: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(
        json.dumps({"suite": suite, "summary": summary}, ensure_ascii=False, indent=2),
        encoding="utf-8")
    (folder / "summary.md").write_text(markdown + "\n", encoding="utf-8")
    case_dir = folder / "cases"
    case_dir.mkdir(exist_ok=True)
    for case in cases:
        (case_dir / f"{case['id']}.json").write_text(
            json.dumps(case, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder
