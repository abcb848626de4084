"""Reading owners' answers by meaning: what each clause is about and what it says.

A message is cut into clauses; each clause is embedded with the shipped multilingual e5
(``query: `` mode) and scored by small logistic-regression heads trained on labelled owner
statements in seven languages (``bot/data/reading/statements``, retrained by
``social-audit train-reader``). A head is either a *value* ("sales.model=b2c",
"criticism.deletes_critical_comments=true") or a *topic* whose value the exact parsers read from
that clause only ("resources.ad_budget": the amount in the clause about ads). Each head fires
only above its calibrated threshold, chosen for precision on writers it was not trained on: a
clause the heads are unsure of yields nothing (the interview may ask back; it never guesses).

Short replies ("ja, runt 2400") are read with the topic of the question just asked in front (as
such replies were labelled); for the topics whose value a parser must still find in the clause,
also alone, taking the higher score. The module is pure but for ``embed``, which the caller passes in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from bot import datafiles
from bot.interview import fields, phrases
from bot.profile import CLOSE_CHANNELS, GOALS, OWNERS, PURPOSES, RESPONDERS, SALES_MODELS, Amount

PURPOSE = "purposes"  # what a channel is used for, whichever channel: attached to one by ``for_channels``
VALUE_FIELDS: dict[str, tuple[str, ...]] = {
    "sales.model": SALES_MODELS, "sales.close_channels": CLOSE_CHANNELS, "resources.responder": RESPONDERS,
    "goals": GOALS, "ownership.owners": OWNERS, PURPOSE: PURPOSES,
}
BOOL_FIELDS = ("email_list.has_list", "measurement.measures_results", "measurement.expects_quick_roi",
               "criticism.deletes_critical_comments", "criticism.has_plan_for_criticism")
TOPIC_FIELDS = ("sales.deal_size", "sales.sales_cycle", "resources.hours_per_week", "resources.response_time",
                "resources.ad_budget", "email_list.size", "channels.used")
SETS = frozenset({"sales.close_channels", "goals", "ownership.owners", PURPOSE})
NOT_NEGATED = frozenset({"sales.close_channels"})  # read by the heads only from clauses with no negation
# someone who answers, read by the heads only from clauses with no negation ("the agency doesn't reply")
ANSWERING = frozenset({f"resources.responder={who}" for who in ("owner", "staff", "agency")})
UNUSED = "channels.unused"  # the clause names a channel the business does not use (dormant, planned, private)
UNUSED_PRECISION = 0.9  # this head only takes channels away, so its errors cost recall, never precision
if TYPE_CHECKING:
    import numpy as np

# A number in a clause belongs to one field: of the topics whose parsers read the same kind of
# number, only the one the heads score highest keeps it ("3-4 t€/kk on Meta" is an ad budget).
RIVALS = (frozenset({"sales.deal_size", "resources.ad_budget"}),
          frozenset({"resources.hours_per_week", "resources.response_time", "sales.sales_cycle"}))
SHORT_WORDS = 5  # a clause of at most this many words is read with the question's topic in front

Embed = Callable[[Sequence[str]], "np.ndarray"]


def label_names() -> tuple[str, ...]:
    values = [f"{path}={v}" for path, options in VALUE_FIELDS.items() for v in options]
    bools = [f"{path}={t}" for path in BOOL_FIELDS for t in ("true", "false")]
    return (*values, *bools, *TOPIC_FIELDS, UNUSED)


def targets(labels: dict[str, Any], text: str = "") -> set[str]:
    """The heads a labelled statement is a positive example of. ``channels.unused``: the text
    names a channel its labels do not count as used."""
    named = fields.parse_channels(text) if text else set()
    out: set[str] = {UNUSED} if named - set(labels.get("channels.used") or ()) else set()
    for path, value in labels.items():
        if path in VALUE_FIELDS:
            out |= {f"{path}={v}" for v in (value if isinstance(value, list) else [value])}
        elif path in BOOL_FIELDS:
            out.add(f"{path}={'true' if value else 'false'}")
        elif path in TOPIC_FIELDS:
            out.add(path)
        elif path.startswith("channels.") and path.endswith(".frequency"):
            out.add("channels.used")
        elif path.startswith("channels.") and path.endswith(".purposes"):
            out |= {f"{PURPOSE}={v}" for v in value}
    return out


def model_input(clause: str, topic: str | None) -> str:
    """What the heads read: a short clause after the topic of the question it answers."""
    if topic and len(clause.split()) <= SHORT_WORDS:
        return f"{topic}: {clause}"
    return clause


def logistic(x: np.ndarray, weights: np.ndarray, bias: np.ndarray, mean: np.ndarray,
             scale: np.ndarray) -> np.ndarray:
    """One logistic regression per row of ``weights``, on ``x`` standardised by ``mean``/``scale``."""
    import numpy as np

    z = ((x - mean) / scale) @ weights.T + bias
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


@dataclass(frozen=True)
class Heads:
    labels: tuple[str, ...]
    weights: np.ndarray  # labels x dimensions, on standardised vectors
    bias: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    thresholds: np.ndarray  # per label; inf: the head never fires
    embedder: str
    asked: np.ndarray | None = None  # per label, for the fields of the question just asked (lower)
    check: np.ndarray | None = None  # per label, lower still: worth asking back ("Do you mean …?")

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return logistic(vectors, self.weights, self.bias, self.mean, self.scale)

    def save(self, folder: Any, meta: dict[str, Any]) -> None:
        write_shipped(folder, "heads", self, {"labels": list(self.labels), "embedder": self.embedder, **meta},
                      asked=self.thresholds if self.asked is None else self.asked,
                      check=self.thresholds if self.check is None else self.check)


def write_shipped(folder: Any, stem: str, head: Any, info: dict[str, Any], **extra: np.ndarray) -> None:
    """Write ``<stem>.npz`` (a logistic head's weights, bias, mean and scale as float32, its
    thresholds, and ``extra`` arrays) and ``<stem>.json`` (``info``) to ``folder``: what
    :func:`shipped` reads back. The reader's, the kind and the claim heads are saved by it."""
    import numpy as np

    arrays: dict[str, Any] = {name: getattr(head, name).astype(np.float32)
                              for name in ("weights", "bias", "mean", "scale")}
    arrays = {**arrays, "thresholds": head.thresholds, **extra}
    np.savez_compressed(folder / f"{stem}.npz", **arrays)
    (folder / f"{stem}.json").write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n",
                                         encoding="utf-8")


def shipped(stem: str) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    """The JSON and the arrays of ``bot/data/reading/<stem>.json/.npz``, or None when they are not
    trained or SOCIAL_AUDIT_READER=cues (the cue-word reader alone: for comparison)."""
    import os

    import numpy as np

    folder = resources.files("bot") / "data" / "reading"
    if os.environ.get("SOCIAL_AUDIT_READER") == "cues" or not (folder / f"{stem}.npz").is_file():
        return None
    info = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
    with (folder / f"{stem}.npz").open("rb") as f:
        loaded = np.load(f)
        return info, {name: loaded[name] for name in loaded.files}


@datafiles.cached
def load_heads() -> Heads | None:
    """The shipped heads, or None when none have been trained or SOCIAL_AUDIT_READER=cues."""
    found = shipped("heads")
    if found is None:
        return None
    info, arrays = found
    heads = Heads(tuple(info["labels"]), arrays["weights"], arrays["bias"], arrays["mean"],
                  arrays["scale"], arrays["thresholds"], info["embedder"], arrays.get("asked"),
                  arrays.get("check"))
    if heads.labels != label_names():
        return None  # trained for another label set: retrain (`social-audit train-reader`)
    return heads


_EMBEDDERS: dict[str, Any] = {}


def embedder_for(ctx: Any, embedder_id: str) -> Embed:
    """The retriever's embedder when it is the one the heads were trained on, else that one."""
    own: Any = getattr(getattr(ctx, "retriever", None), "embedder", None)
    if getattr(own, "id", None) != embedder_id:
        if embedder_id not in _EMBEDDERS:
            from bot.retrieval.embed import get_embedder

            _EMBEDDERS[embedder_id] = get_embedder(embedder_id)
        own = _EMBEDDERS[embedder_id]
    encoder = own
    return lambda texts: encoder.encode(list(texts), query=True)


@dataclass(frozen=True)
class Meant:
    """One thing a clause says: a profile path and its value, with the clause and the head's score."""

    path: str
    value: Any
    clause: int
    score: float


_FEWEST = 10  # a bare number under this is a count of something ("3 ingenieurs"), never money


def _money(amount: Amount | None) -> Amount | None:
    """``amount`` unless it is a small bare number: no deal or ad budget is "3" without a currency."""
    if amount is None or amount.currency is None and 0 < amount.value < _FEWEST:
        return None
    return amount


def offline(clause: str, lang: str) -> bool:
    """A clause about print, radio, fairs or sponsoring that names no channel (cues.yaml offline)."""
    from bot.interview.cues import cues

    return "offline" in cues(clause, lang) and not fields.parse_channels(clause)


def _budget(clause: str, lang: str) -> Amount | None:
    """Money for ads in a clause: none from print or fairs; "null på annonser" is 0."""
    if offline(clause, lang):
        return None
    return _money(fields.parse_budget(clause, lang)) or (Amount(0.0) if fields.says_zero(clause) else None)


_PARSERS: dict[str, Callable[[str, str], Any]] = {
    "sales.deal_size": lambda c, lang: _money(fields.parse_deal(c, lang)),
    "sales.sales_cycle": lambda c, lang: fields.parse_sales_cycle(c),
    "resources.hours_per_week": lambda c, lang: fields.parse_hours(c),
    "resources.response_time": lambda c, lang: fields.parse_response_time(c),
    "resources.ad_budget": _budget,
    "email_list.size": lambda c, lang: fields.parse_count(c, lang),
    "channels.used": lambda c, lang: frozenset(fields.parse_channels(c)) or None,
    UNUSED: lambda c, lang: frozenset(fields.parse_channels(c)) or None,  # the channels it names
}


def _value(label: str, clause: str, lang: str) -> tuple[str, Any] | None:
    if "=" in label:
        path, raw = label.split("=", 1)
        if path in BOOL_FIELDS:
            return path, raw == "true"
        return path, frozenset({raw}) if path in SETS else raw
    value = _PARSERS[label](clause, lang)
    return None if value is None else (label, value)


def meant(clauses: Sequence[str], lang: str, topic: str | None, heads: Heads, embed: Embed,
          asked: Sequence[str] = (), lenient: bool = False) -> list[Meant]:
    """What each clause says, by the heads above their thresholds (one value per field a clause).
    The heads of the fields ``asked`` (the question just put) use their lower, in-context
    thresholds: the owner is answering that question; ``lenient``: the lowest, at which a
    reading is worth asking back but not worth noting."""
    import numpy as np

    if not clauses:
        return []
    inputs = [model_input(c, topic) for c in clauses]
    short = [i for i, (c, text) in enumerate(zip(clauses, inputs, strict=True)) if text != c]
    probs = heads.probabilities(embed([*inputs, *(clauses[i] for i in short)]))
    topics = np.array([label in TOPIC_FIELDS for label in heads.labels])
    for row, i in enumerate(short):  # a short clause is also read alone for the fields a parser must
        alone = probs[len(clauses) + row]  # confirm: "null på digitale annonser" after a question on hours
        probs[i] = np.where(topics, np.maximum(probs[i], alone), probs[i])
    probs = probs[:len(clauses)]
    limits = heads.thresholds
    low = heads.check if lenient and heads.check is not None else heads.asked
    if asked and low is not None:
        asked_paths = {PURPOSE if p.endswith(f".{PURPOSE}") else p for p in asked}
        on_topic = np.array([label.split("=", 1)[0] in asked_paths for label in heads.labels])
        limits = np.where(on_topic, low, heads.thresholds)
    out: list[Meant] = []
    paths = [label.split("=", 1)[0] for label in heads.labels]
    for i, clause in enumerate(clauses):
        best: dict[str, tuple[float, str]] = {}  # single-valued path -> its best label
        for j in np.flatnonzero(probs[i] >= limits):
            label, score = heads.labels[j], float(probs[i, j])
            path = paths[j]
            if path in SETS and score < heads.thresholds[j] and _outranked(probs[i], paths, int(j)):
                continue  # the lower threshold of a question asked reads a clause's first value only
            if path == UNUSED and not says_more(clause):
                continue
            if path in NOT_NEGATED and (phrases.says_not(clause) or phrases.says_hardly(clause)):
                continue  # "online verkaufen tun wir nix" is no web shop: the heads miss the "not"
            if label in ANSWERING and phrases.says_not(clause):
                continue  # "the agency doesn't reply to anything": who does not answer
            if path in SETS or path == UNUSED:
                found = _value(label, clause, lang)
                if found:
                    out.append(Meant(*found, i, score))
            elif path not in best or score > best[path][0]:
                best[path] = (score, label)
        for group in RIVALS:  # the field of the question just asked first, then the higher score
            scored = [(p in asked, best[p][0], p) for p in group if p in best]
            for *_, loser in sorted(scored)[:-1]:
                del best[loser]
        for score, label in best.values():
            found = _value(label, clause, lang)
            if found:
                out.append(Meant(*found, i, score))
    return _both(out, clauses)


def _outranked(row: np.ndarray, paths: Sequence[str], j: int) -> bool:
    """Whether another value of head ``j``'s field scores higher in the clause: "gerne at folk
    udefra kender os" is brand (1.00); its information at 0.56 passes only the lower threshold of
    the goals question, which reads a clause's first value, not a second (a wrong goal costs more
    than a missed one: "Lipunmyynti ja brändi" keeps brand alone)."""
    return any(row[k] > row[j] for k, p in enumerate(paths) if p == paths[j] and k != j)


_MORE_WORDS = 3  # a stretch naming channels must say this much more to say they are not in use


def says_more(text: str) -> bool:
    """Whether ``text`` says something besides naming channels: "insta, tiktok, facebook ja x"
    is a list of channels in use, whatever the unused head makes of it."""
    norm = phrases.normalise(text)
    spans = fields.channel_spans(norm)
    rest = "".join(" " if any(a <= i < b for a, b, *_ in spans) else ch for i, ch in enumerate(norm))
    return len(re.findall(r"[^\W\d_]{2,}", rest)) >= _MORE_WORDS


def dormant(sentences: Sequence[str], heads: Heads, embed: Embed) -> frozenset[str]:
    """Channels named in a whole sentence the unused head reads as about a channel not in use
    ("Linkedin har vi men den är mest död": the clauses alone split the name from "dead"). Only a
    sentence about one channel: in "Vi finns på Facebook och LinkedIn, och vi har ingen
    e-postlista" the head cannot tell which channel the "no" is about. A sentence that gives a
    posting rate is about an active channel and takes nothing away. The head is trained on whole
    statements, so a sentence is what it reads best."""
    named = [(s, frozenset(fields.parse_channels(s))) for s in sentences]
    named = [(s, c) for s, c in named if len(c) == 1 and fields.parse_frequency(s) is None and says_more(s)]
    if not named:
        return frozenset()
    j = heads.labels.index(UNUSED)
    limit = heads.thresholds[j]
    probs = heads.probabilities(embed([s for s, _ in named]))[:, j]
    return frozenset().union(*(c for (_, c), p in zip(named, probs, strict=True) if p >= limit))


def for_channels(found: Sequence[Meant], clauses: Sequence[str], social: Sequence[str],
                 asked: Sequence[str] = ()) -> list[Meant]:
    """``found`` with each purpose put on the channels of its clause ("Instagram mostly for
    photos of finished kitchens"): the social channels the clause names, else those of the
    nearest clause before it that names any ("Instagram is our main one. Mostly pictures of the
    cakes"), else the one channel the question asked about or the whole message names; a
    purpose with no such channel is dropped (it is nobody's)."""
    named_in = [{c for c in fields.parse_channels(clause) if c in social} for clause in clauses]
    in_message = set().union(*named_in)
    asked_channels = {p.split(".")[1] for p in asked if p.endswith(f".{PURPOSE}")}
    fallback = asked_channels if len(asked_channels) == 1 else in_message if len(in_message) == 1 else set()
    out: list[Meant] = []
    for m in found:
        if m.path != PURPOSE:
            out.append(m)
            continue
        named = next((n for n in reversed(named_in[:m.clause + 1]) if n), set()) or fallback  # its own first
        out += [Meant(f"channels.{c}.{PURPOSE}", m.value, m.clause, m.score) for c in sorted(named)]
    return out


def _both(found: list[Meant], clauses: Sequence[str]) -> list[Meant]:
    """Businesses in one clause and consumers in another: the business sells to both; unless one
    side is said only in clauses with a "not" ("Private huise vat ons nie", "Yritysasiakkaita ei
    käytännössä oo"): the heads read whom a clause names, not that it is denied, so the side said
    plainly stands alone."""
    models = {m.value for m in found if m.path == "sales.model"}
    if not {"b2b", "b2c"} <= models:
        return found
    plain = {m.value for m in found if m.path == "sales.model" and not phrases.says_not(clauses[m.clause])}
    if len(plain & {"b2b", "b2c"}) == 1:
        return [m for m in found if m.path != "sales.model" or m.value in plain]
    first = next(m for m in found if m.path == "sales.model")
    both = Meant("sales.model", "both", first.clause, first.score)
    return [m for m in found if m.path != "sales.model"] + [both]
