"""A decision per channel: score parts from the answers, moved by the rules that fired, then
keep / fix / cut for channels in use and add for channels that fit — only as many as the hours
allow. Parameters are data (``bot/data/audit_scoring.yaml``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.audit.config import ScoringConfig
from bot.audit.facts import Facts
from bot.audit.judge import Judgement
from bot.audit.model import ChannelVerdict, Parts, Verdict
from bot.audit.rules import Effect, Rule
from bot.audit.texts import UI
from bot.citations import Citation
from bot.profile import CHANNELS


@dataclass(frozen=True)
class Pull:
    """One rule's effect on one channel."""

    rule: Rule
    effect: Effect


def pulls(fired: Sequence[Judgement], facts: Facts, config: ScoringConfig) -> dict[str, list[Pull]]:
    used = facts.used() or ()
    out: dict[str, list[Pull]] = {c: [] for c in CHANNELS}
    for judgement in fired:
        for target, effect in judgement.rule.effects:
            if target == "each":
                channels: Sequence[str] = judgement.channels
            elif target == "used_social":
                channels = [c for c in used if c in config.social]
            else:
                channels = [target]
            for channel in channels:
                out[channel].append(Pull(judgement.rule, effect))
    return out


def _clamp(value: float) -> int:
    return int(round(min(100.0, max(0.0, value))))


def _service(channel: str, facts: Facts, config: ScoringConfig) -> int | None:
    s = config.service
    values: list[float] = []
    responder = facts.value("resources.responder")
    if responder is not None and channel in config.service_channels:
        values.append(s.responder[responder])
    hours = facts.value("resources.response_time")
    if hours is not None:
        values.append(next((v for limit, v in s.response_hours if hours <= limit), s.slower))
    if not values:
        return None
    score = sum(values) / len(values)
    if channel in config.service_channels:
        score += s.no_plan if facts.value("criticism.has_plan_for_criticism") is False else 0
        score += s.deletes if facts.value("criticism.deletes_critical_comments") is True else 0
    return _clamp(score)


def _owned(channel: str, facts: Facts, config: ScoringConfig) -> int | None:
    o = config.owned
    has_list = facts.value("email_list.has_list")
    if channel == "email":
        if has_list is None:
            return None
        size = facts.value("email_list.size") or 0
        return _clamp(o.email_with_list + o.email_per_100_addresses * size / 100) if has_list \
            else o.email_without_list
    if channel == "website":
        return o.website
    if channel == "google_business":
        return o.google_business
    return o.social_with_list if has_list else o.social


def _measurement(facts: Facts, config: ScoringConfig) -> int | None:
    measures = facts.value("measurement.measures_results")
    if measures is None:
        return None
    m = config.measurement
    quick = m.quick_roi if facts.value("measurement.expects_quick_roi") is True else 0
    return _clamp((m.measures if measures else m.does_not) + quick)


def _capacity(channel: str, facts: Facts, config: ScoringConfig) -> int | None:
    hours = facts.hours()
    if hours is None:
        return None
    running = set(facts.used() or ()) | {channel}
    needed = sum(config.needs[c] for c in running)
    return _clamp(100 * hours * config.capacity.portfolio_share / needed) if needed else 100


def parts_for(channel: str, fit: int, facts: Facts, config: ScoringConfig) -> Parts:
    return Parts(fit, _capacity(channel, facts, config), _owned(channel, facts, config),
                 _service(channel, facts, config), _measurement(facts, config))


def total(parts: Parts, config: ScoringConfig) -> int:
    known = [(config.weights[name], value) for name, value in parts.items() if value is not None]
    weight = sum(w for w, _ in known)
    return _clamp(sum(w * v for w, v in known) / weight) if weight else 0


def _forced(fit: int, channel_pulls: list[Pull]) -> Verdict | None:
    verdicts = []
    for pull in channel_pulls:
        verdict = pull.effect.verdict
        if verdict == "cut" and pull.effect.unless_fit is not None and fit >= pull.effect.unless_fit:
            verdict = "fix"
        if verdict:
            verdicts.append(verdict)
    return "cut" if "cut" in verdicts else "fix" if "fix" in verdicts else None


@dataclass
class _Draft:
    channel: str
    verdict: Verdict
    score: int
    parts: Parts
    in_use: bool
    pulls: list[Pull]
    forced: Verdict | None
    reason: str = ""  # the UI key of the verdict's own reason, if any
    owned: bool = False  # in use, or an email list the owner has but does not send to: kept, fixed or cut
    need: float = 0.0  # hours a week it takes: at the owner's level when in use (running_needs)


def _rate_share(channel: str, facts: Facts, config: ScoringConfig) -> float:
    """The share of its ``needs`` a channel posted on ``frequency`` times a week takes: posts over
    the rate the needs assume (``capacity.posts_a_week``), at most all of them; all of them when
    either rate is not known."""
    assumed = config.capacity.posts_a_week.get(channel)
    rate = facts.value(f"channels.{channel}.frequency")
    if assumed is None or not isinstance(rate, int | float):
        return 1.0
    return min(1.0, max(0.0, float(rate)) / assumed)


def running_needs(facts: Facts, config: ScoringConfig) -> dict[str, float]:
    """Hours a week each channel in use takes at the level the owner runs it. The stated hours
    run the channels in use today, each at its stated posting rate: that is evidence they can be
    run at that level (a lunch menu posted every morning takes minutes, not the 1.5 hours a
    Facebook page generally needs). So a channel's need is its share of ``needs`` at its rate,
    and when those shares add up to more than the stated hours, all shrink in proportion to fit
    them (the owner's pace) — never below ``capacity.min_share`` of the channel's ``needs``:
    comments and messages come in however rarely or fast one posts. A channel kept up, not run
    (``never_cut_for_time``), takes none of the hours."""
    cap = config.capacity
    used = [c for c in facts.used() or () if c not in cap.never_cut_for_time]
    at_rate = {c: config.needs[c] * _rate_share(c, facts, config) for c in used}
    hours, total = facts.hours(), sum(at_rate.values())
    pace = 1.0 if hours is None or total <= hours else hours / total
    return {c: round(max(cap.min_share * config.needs[c], need * pace), 2) for c, need in at_rate.items()}


def _draft(channel: str, in_use: bool, channel_pulls: list[Pull], facts: Facts,
           config: ScoringConfig, need: float) -> _Draft | None:
    fit = _clamp(config.base_fit[channel] + sum(p.effect.fit for p in channel_pulls))
    parts = parts_for(channel, fit, facts, config)
    forced, v = _forced(fit, channel_pulls), config.verdicts
    listed = channel == "email" and not in_use and _has_list(facts)
    forced = "fix" if listed and forced is None else forced  # a list not sent to is to be fixed
    draft = _Draft(channel, "keep" if in_use else "fix" if listed else "add", total(parts, config), parts,
                   in_use, channel_pulls, forced, owned=in_use or listed, need=need)
    if not draft.owned:
        return None if channel == "other" or forced == "cut" or fit < v.add_fit else draft
    if forced == "cut":
        draft.verdict = "cut"
    elif fit < v.cut_fit:
        draft.verdict, draft.reason = "cut", "reason_fit_low"
    return draft


def _has_list(facts: Facts) -> bool:
    """The owner has an email list (yes, or a number of addresses): email is theirs, never added."""
    size = facts.value("email_list.size")
    return facts.value("email_list.has_list") is True or (size is not None and size > 0)


def _by_fit(drafts: list[_Draft], facts: Facts | None = None) -> list[_Draft]:
    """Best fit first; between channels that fit as well, the one the owner posts on most (an
    Instagram run twice a week before a Facebook page kept for opening hours), then the score."""
    def posts(d: _Draft) -> float:
        rate = facts.value(f"channels.{d.channel}.frequency") if facts is not None else None
        return rate if isinstance(rate, int | float) else 0.0
    return sorted(drafts, key=lambda d: (-(d.parts.fit or 0), -posts(d), -d.score, CHANNELS.index(d.channel)))


def _fit_hours(drafts: list[_Draft], facts: Facts, config: ScoringConfig) -> list[_Draft]:
    """Channels in use, best fit first, stay while the hours last (each taking what it takes at
    the level the owner runs it: ``running_needs``); the rest are cut for lack of time, but never
    the best fit of all (doing one thing is the least an owner on social media can do: with one
    hour a week, LinkedIn for a B2B firm stays, to be fixed, and is not cut), nor one a finding of
    the audit recommends (a rule that fired raises its fit) while the whole of the stated hours,
    not only the channels' share, can still run it; a website (``never_cut_for_time``) is kept up,
    not run, and takes none of the hours. Then channels that fit are added while hours remain, on
    their full ``needs`` (without stated hours: a few)."""
    hours = facts.hours()
    budget = None if hours is None else hours * config.capacity.portfolio_share
    kept = [d for d in drafts if d.owned and d.verdict != "cut"]
    for d in (d for d in kept if d.channel in config.capacity.never_cut_for_time):
        d.verdict, d.reason = _keep_or_fix(d, config)  # a website is kept up, not run: no hours
    whole = hours
    run = [d for d in kept if d.channel not in config.capacity.never_cut_for_time]
    for i, d in enumerate(_by_fit(run, facts)):
        need = d.need
        if budget is None or whole is None or need <= budget + 1e-9 or i == 0 or \
                (_recommended(d) and need <= whole + 1e-9):
            budget = None if budget is None else max(0.0, budget - need)
            whole = None if whole is None else whole - need
            d.verdict, d.reason = _keep_or_fix(d, config)
        else:
            d.verdict, d.reason = "cut", "reason_capacity"
    adds = _by_fit([d for d in drafts if not d.owned])
    chosen: list[_Draft] = []
    for d in adds:
        need = d.need
        if budget is None and len(chosen) < config.capacity.max_adds_unknown_hours:
            chosen.append(d)
        elif budget is not None and need <= budget + 1e-9:
            budget -= need
            chosen.append(d)
    for d in adds:
        d.reason = "reason_fit"
    return [d for d in drafts if d.owned or d in chosen]


def _recommended(d: _Draft) -> bool:
    """A rule that fired raises the channel's fit: its finding recommends the channel."""
    return any(p.effect.fit > 0 for p in d.pulls)


def _keep_or_fix(d: _Draft, config: ScoringConfig) -> tuple[Verdict, str]:
    if d.forced == "fix" or d.score < config.verdicts.keep_from:
        return "fix", "reason_fix"
    return "keep", "reason_keep"


def verdicts(fired: Sequence[Judgement], facts: Facts, config: ScoringConfig, ui: UI,
             titles: Mapping[str, str],
             cites: Mapping[str, tuple[Citation, ...]]) -> tuple[ChannelVerdict, ...]:
    """Decisions for the channels in use (keep/fix/cut) and for those worth adding. Nothing when
    the channels in use are not known."""
    used = facts.used()
    if used is None:
        return ()
    by_channel = pulls(fired, facts, config)
    needs = running_needs(facts, config)
    drafts = [d for c in CHANNELS
              if (d := _draft(c, c in used, by_channel[c], facts, config, needs.get(c, config.needs[c])))]
    drafts = _fit_hours(drafts, facts, config)
    order = {"keep": 0, "fix": 1, "cut": 2, "add": 3}
    drafts.sort(key=lambda d: (order[d.verdict], -d.score, CHANNELS.index(d.channel)))
    return tuple(_verdict(d, config, ui, titles, cites) for d in drafts)


def _verdict(d: _Draft, config: ScoringConfig, ui: UI, titles: Mapping[str, str],
             cites: Mapping[str, tuple[Citation, ...]]) -> ChannelVerdict:
    rules = sorted({p.rule.id: p.rule for p in d.pulls}.values(), key=lambda r: r.order)
    reasons = [titles[r.id] for r in rules if r.id in titles]
    need = d.need
    if d.reason:
        reasons.append(ui.t(d.reason, hours=ui.hours(need)) if d.reason == "reason_capacity"
                       else ui.t(d.reason))
    citations = tuple(dict.fromkeys(c for r in rules for c in cites.get(r.id, ())))
    return ChannelVerdict(d.channel, d.verdict, d.score, d.parts, tuple(reasons), citations, d.in_use,
                          need, tuple(r.id for r in rules), ui.channel(d.channel))
