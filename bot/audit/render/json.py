"""The audit as JSON in the stable schema of ``bot/data/audit.schema.json``."""

from __future__ import annotations

import json

from bot.audit.model import Audit


def render_json(audit: Audit) -> str:
    return json.dumps(audit.to_json(), ensure_ascii=False, indent=2) + "\n"
