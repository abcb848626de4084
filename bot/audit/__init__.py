"""The cited audit: rules as data over the business profile, evidence from the index, a decision per
channel, a plan sized to the owner's hours, and renderers (Markdown, HTML, JSON, PDF).

    audit = build_audit(profile, retriever, lang="sv")
    render(audit, "pdf")
"""

from __future__ import annotations

from bot.audit.engine import build_audit, languages, report_lang
from bot.audit.model import (
    Action,
    ActionPlan,
    Audit,
    ChannelVerdict,
    Claim,
    Fact,
    Finding,
    Gap,
    Misconception,
    Parts,
    Phase,
)
from bot.audit.render import render

__all__ = ["Action", "ActionPlan", "Audit", "ChannelVerdict", "Claim", "Fact", "Finding", "Gap",
           "Misconception", "Parts", "Phase", "build_audit", "languages", "render", "report_lang"]
