"""The optional LLM mode: fields extracted by a chat model's structured output, cross-checked.

The model fills ``ProfileExtraction`` (a pydantic mirror of the profile's interview fields);
values are validated against the profile schema; the deterministic parser wins wherever it read
a value, and the model only fills what the parser found nothing for (marked ``inferred``). Any
error of the model (network, refusal, invalid output) falls back to the parser alone.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from bot import datafiles
from bot.interview.messages import fill
from bot.interview.policy import Question
from bot.interview.read import Found, Reading
from bot.profile import Amount, Profile, SalesCycle, check_value

log = logging.getLogger(__name__)

SalesModel = Literal["b2b", "b2c", "both"]
CloseChannel = Literal["known_contacts", "referrals", "cold_outreach", "physical_shop", "web_shop", "tenders",
                       "field_sales"]
Responder = Literal["owner", "staff", "agency", "nobody"]
Channel = Literal["facebook", "instagram", "linkedin", "twitter", "tiktok", "youtube", "snapchat",
                  "pinterest", "email", "website", "google_business", "other"]
Goal = Literal["sales", "relationships", "customer_service", "information_press", "recruitment", "brand"]
Owner = Literal["marketing", "customer_service", "sales", "management", "everyone"]
Currency = Literal["SEK", "DKK", "NOK", "EUR", "USD", "GBP", "ZAR"]  # the codes fields.py reads


class Money(BaseModel):
    value: float = Field(ge=0, description="the amount, or the bottom of a range")
    # A closed set, not free text: the currency is shown back to the user, so a model that
    # echoes its prompt or the user's words into it must fail validation.
    currency: Currency | None = Field(None, description="ISO 4217 code, null when not said")
    high: float | None = Field(None, ge=0, description="the top of a range")
    per_month: bool = Field(False, description="true for a rate (converted to per month)")

    @field_validator("currency", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value


class ChannelRate(BaseModel):
    channel: Channel
    posts_per_week: float = Field(ge=0)


class ProfileExtraction(BaseModel):
    """What one message says about the business; null for anything it does not say."""

    sales_model: SalesModel | None = None
    close_channels: list[CloseChannel] | None = None
    deal_size: Money | None = None
    sales_cycle_days: float | None = Field(None, ge=0)
    hours_per_week: float | None = Field(None, ge=0, le=168)
    responder: Responder | None = None
    response_time_hours: float | None = Field(None, ge=0)
    ad_budget: Money | None = None
    channels_used: list[Channel] | None = None
    posting: list[ChannelRate] | None = None
    has_email_list: bool | None = None
    email_list_size: int | None = Field(None, ge=0)
    goals: list[Goal] | None = None
    measures_results: bool | None = None
    expects_quick_roi: bool | None = None
    deletes_critical_comments: bool | None = None
    has_plan_for_criticism: bool | None = None
    owners: list[Owner] | None = None


PATHS = {"sales_model": "sales.model", "close_channels": "sales.close_channels",
         "deal_size": "sales.deal_size", "sales_cycle_days": "sales.sales_cycle",
         "hours_per_week": "resources.hours_per_week", "responder": "resources.responder",
         "response_time_hours": "resources.response_time", "ad_budget": "resources.ad_budget",
         "channels_used": "channels.used", "has_email_list": "email_list.has_list",
         "email_list_size": "email_list.size", "goals": "goals",
         "measures_results": "measurement.measures_results",
         "expects_quick_roi": "measurement.expects_quick_roi",
         "deletes_critical_comments": "criticism.deletes_critical_comments",
         "has_plan_for_criticism": "criticism.has_plan_for_criticism", "owners": "ownership.owners"}


def _prompts() -> dict[str, str]:
    return datafiles.load("interview_prompts.yaml", dict[str, str])


def _typed(name: str, value: Any) -> Any:
    if isinstance(value, Money):
        return Amount(value.value, value.currency, value.high, value.per_month)
    if name == "sales_cycle_days":
        return SalesCycle.from_days(value)
    return frozenset(value) if isinstance(value, list) else value


def to_found(extraction: ProfileExtraction) -> list[Found]:
    """The extraction as profile values, each checked against the profile schema (a value the
    schema refuses is dropped)."""
    found: list[Found] = []
    candidates = [(PATHS[name], _typed(name, getattr(extraction, name))) for name in PATHS
                  if getattr(extraction, name) is not None]
    candidates += [(f"channels.{r.channel}.frequency", r.posts_per_week) for r in extraction.posting or ()]
    for path, value in candidates:
        try:
            found.append(Found(path, check_value(path, value), "inferred"))
        except ValueError as err:
            log.info("LLM value dropped: %s", err)
    return found


def extract(llm: Any, message: str, lang: str, question: str) -> ProfileExtraction:
    """Ask the chat model for the fields of one message."""
    system = fill(_prompts()["extract_system"], {"question": question, "lang": lang})
    result = llm.with_structured_output(ProfileExtraction).invoke([("system", system), ("human", message)])
    return result if isinstance(result, ProfileExtraction) else ProfileExtraction.model_validate(result)


def cross_check(reading: Reading, message: str, lang: str, profile: Profile, pending: Question | None,
                llm: Any) -> Reading:
    """``reading`` plus what the model read that the parser did not; the parser alone on error."""
    question = pending.ask(profile, "en") if pending else ""
    try:
        extra = to_found(extract(llm, message, lang, question))
    except Exception as err:  # noqa: BLE001 - any failure of the optional model falls back to the parser
        # the error's text may quote the model's output, which may quote the user: debug level only
        log.warning("LLM extraction failed (%s), using the parser alone", type(err).__name__)
        log.debug("LLM extraction error: %s", err)
        return reading
    known = {f.path for f in reading.found}
    added = tuple(f for f in extra if f.path not in known)
    asked = set(pending.fills(profile)) | set(pending.also(profile)) if pending else set()
    answered = reading.answered or any(f.path in asked for f in added)
    return Reading(found=reading.found + added, skip=reading.skip, answered=answered,
                   correction=reading.correction, question=reading.question)
