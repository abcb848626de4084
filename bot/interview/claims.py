"""Claims about the articles ("your articles say email is dead"), checked against the corpus.

A claim is cut to what it says the articles say (``proposition``: "the Swedish article says",
"…, right?" and the like go), the passages the retriever finds for it are cut into sentences,
and each sentence gets a stance: it SUPPORTS the claim, CONTRADICTS it, or neither. The stance
comes from a small logistic head on plain pair features (``pair_features``: how close the claim
is to the sentence and to its English gloss, by the shipped e5 vectors, how it ranks among the
candidates, and whether one of the two is negated and the other not), trained on claims written
from the articles in seven languages (``bot/data/reading/claims``, ``social-audit train-claims``).
Its two thresholds are calibrated for precision on claims it was not trained on: below them the
bot says it cannot confirm the claim, and quotes what comes closest (a wrong "yes" or "the
opposite" costs more than an "I can't confirm"). With a chat model configured the model judges
the stance of the same candidate sentences instead (``judge_llm``); whatever judges, the quote
shown is a verbatim sentence of a stored passage.

Pure but for ``embed`` (passed in) and the retriever's search (in ``candidates``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from bot import datafiles
from bot.citations import sentences
from bot.interview.phrases import grammar, normalise

if TYPE_CHECKING:
    import numpy as np

    from bot.types import Hit

log = logging.getLogger(__name__)

VERDICTS = ("supported", "contradicted", "none")
PASSAGES = 4  # passages searched for a claim; their sentences are the candidates
FEATURES = ("sim_text", "sim_gloss", "sim_best", "margin_text", "margin_gloss", "rank_top",
            "neg_claim", "neg_sentence", "neg_differs", "short", "flip")
FLIP = 0.005  # the claim this much closer to the sentence's English negated than as it is: the opposite

EmbedPair = Callable[[Sequence[str], bool], "np.ndarray"]  # texts, query? -> L2-normalised rows

# -- the proposition: what the claim says the articles say ------------------------------------
#
# The words are data (grammar.yaml ``claims``); here is only how they are put together. Every
# pattern but "that" takes every language's words at once: a claim about the Swedish article is
# often written in English.

def _alternatives(words: Iterable[str]) -> str:
    """``words`` as one regex alternation, longest first so that "står det" wins over a "står" (a
    word ending in "*" takes any ending); one that never matches when there are none."""
    found = sorted(dict.fromkeys(words), key=len, reverse=True)
    out = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in found]
    return "|".join(out) or "(?!)"


def _every(table: Mapping[str, Sequence[str]]) -> str:
    """Every language's words of a ``claims`` table, as one alternation."""
    return _alternatives(w for words in table.values() for w in words)


@dataclass(frozen=True)
class _Patterns:
    says: re.Pattern[str]  # an attribution, cut with what follows it up to a "that"
    by: frozenset[str]  # "according to": whose words are named right after it
    source_np: re.Pattern[str]  # the source named after "according to"
    tag: re.Pattern[str]  # a question tag at the end
    that_not: Mapping[str, str]  # a "that" with a negation in it -> the negation
    attributes: re.Pattern[str]  # a message that puts words in the articles' mouth
    asks: re.Pattern[str]  # … unless it asks or instructs
    aux: re.Pattern[str]  # English auxiliaries and negations, to negate a gloss
    not_: re.Pattern[str]
    opposite: re.Pattern[str]  # an English word with an opposite (``opposites``)
    opposites: Mapping[str, str]


@datafiles.cached
def _patterns() -> _Patterns:
    """The claim check's patterns, built from grammar.yaml ``claims``."""
    w = grammar().claims
    source, tells, about = _every(w.sources), _every(w.tells), _every(w.about)
    by, by_after = _every(w.by), _every(w.by_after)
    # "the Swedish article says", "laut deinen Quellen", "står der ikke i en af kilderne at" …
    says = re.compile(rf"\b(?:{_every(w.says)}|{by}|{by_after})\b", re.IGNORECASE)
    source_np = re.compile(rf"^(?:(?:\S+\s+){{0,3}}?(?:\S*(?:{_every(w.source_parts)})\S*),?\s+"
                           rf"|(?:[^,\s]+\s+){{0,7}}?[^,\s]+,\s*)", re.IGNORECASE)
    # ", right?", "oder?", "ikke sant?", "eikö?", "nie waar nie?"
    tag = re.compile(rf"[,;]?\s*(?<!\w)(?:{_every(w.tags)})\s*[?!.]*\s*$", re.IGNORECASE)
    # "your article says …", "der stod i jeres artikel at …", "julle artikel sê mos …",
    # "artikkelin mukaan …", "laut deinen Quellen …"
    attributes = re.compile(
        rf"\b(?:{source})\b(?:\s+\S+){{0,3}}?\s+(?:{tells})\b(?!\s+(?:{about})\b)"
        rf"|\b(?:{tells})\b(?:\s+\S+){{0,2}}?\s+(?:{_every(w.in_source)})?\s*(?:\S+\s+){{0,2}}"
        rf"(?:{source})\b\s+(?:{_every(w.that)})\b"
        rf"|\b(?:{source})\s+(?:{by_after})\b"  # the source's own forms: "lähdetä mukaan" is "join in"
        rf"|\b(?:{by})\s+(?:\S+\s+){{0,3}}?(?:{source})", re.IGNORECASE)
    asks = re.compile(rf"^\s*(?:{_every(w.instructions)}|{_every(w.questions)})\b", re.IGNORECASE)
    gloss = w.gloss
    not_ = re.compile(rf"\s*\b(?:{_alternatives(gloss.negations)})\b"
                      + "".join(f"|{re.escape(e)}" for e in gloss.negating_endings))
    swaps = {**{a.lower(): b for a, b in gloss.opposites}, **{b.lower(): a for a, b in gloss.opposites}}
    return _Patterns(says, frozenset(x.lower() for ws in w.by.values() for x in ws), source_np, tag,
                     {k.lower(): v for table in w.that_not.values() for k, v in table.items()},
                     attributes, asks, re.compile(rf"\b(?:{_alternatives(gloss.auxiliaries)})\b"), not_,
                     re.compile(rf"\b(?:{_alternatives(swaps)})\b", re.IGNORECASE), swaps)


@datafiles.cached
def _that(lang: str) -> re.Pattern[str]:
    """"that" (or a negative "that") within a few words: the claim's language's; for a language
    with none, every other language's but English's (too common a word to cut at elsewhere)."""
    w = grammar().claims
    words = [*w.that.get(lang, ()), *w.that_not.get(lang, {})]
    if not words:
        words = [x for k in w.that if k != "en" for x in (*w.that[k], *w.that_not.get(k, {}))]
    return re.compile(rf"^(?:[^.;:?!]{{0,60}}?\b)?(?P<that>{_alternatives(words)})\b[,:]?\s*", re.IGNORECASE)


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=\S)")


def _attributing_sentence(text: str, says: re.Pattern[str]) -> str:
    """The sentence of ``text`` that holds the attribution: what comes after it ("…, doesn't
    it? so why would I ever pay for any of it lol", "va? det läste jag nånstans") is the owner's
    own remark, not what the articles are said to say; the whole text when none does."""
    parts = _SENTENCE_END.split(text)
    return next((part for part in parts if says.search(part)), text) if len(parts) > 1 else text


def proposition(claim: str, lang: str) -> str:
    """The claim without its attribution ("the Norwegian article says"), its question tag
    ("…, right?") and any remark of the owner's after it: what it says the articles say. The
    whole claim when nothing is cut."""
    p = _patterns()
    text = _attributing_sentence(" ".join(claim.split()), p.says)
    text = p.tag.sub("", text).strip()
    found = p.says.search(text)
    if found and found.start() <= len(text) * 0.6:
        rest = text[found.end():].lstrip(" ,:")
        by = found.group(0).lower() in p.by
        if by:  # "according to the Swedish article, …": its words are after, with no "that"
            rest = p.source_np.sub("", rest, count=1)  # ("enligt er artikel lämnar kunder … för att …")
        that = None if by else _that(lang).match(rest)
        if that and len(rest[:that.start() + len(that.group(0))].split()) <= 7:
            negation = p.that_not.get(that.group("that").lower())  # "sanoo, ettei …": "ei …"
            rest = (f"{negation} " if negation else "") + rest[that.end():]
        if len(rest.split()) >= 3:
            text = rest
    return text.strip(" ?!.") or claim.strip()


def owners_words(claim: str, lang: str) -> str:
    """What the message says besides what it puts in the articles' mouth: the message with its
    ``proposition`` taken out ("we're on Facebook. your article says …, right?" -> "we're on
    Facebook. your article says , right?"); "" when the whole message is the claim. The words
    said to be the articles' are not the owner's facts."""
    text = " ".join(claim.split())
    said = proposition(claim, lang)
    if said == text.strip(" ?!.") or said not in text:
        return ""
    return text.replace(said, " ", 1).strip()


def attributes_to_sources(text: str) -> bool:
    """Whether ``text`` says what the articles say ("your article says instagram is …", "laut
    deinen Quellen …"), not asks it ("what do your articles say about email?") nor tells the bot
    to write it ("write in the audit that your articles say …": an instruction)."""
    p = _patterns()
    head = " ".join(normalise(text).split()[:40])
    return bool(p.attributes.search(head)) and not p.asks.match(head)


# -- polarity ----------------------------------------------------------------------------------

_WORD = re.compile(r"[\w'’]+")


def _negation_words(lang: str) -> frozenset[str]:
    """The negation words of ``lang`` (grammar.yaml ``claims.negations``); a language without a list:
    every list (the words rarely collide)."""
    table = grammar().claims.negations
    words = table.get(lang)
    return frozenset(words if words is not None else (w for ws in table.values() for w in ws))


def negated(text: str, lang: str) -> bool:
    """Whether ``text`` says no: an odd number of negation words of ``lang`` ("not", "inte",
    "ei", "nie" …, "rarely"), so "you can't do it without ads" is not negated. A word said twice
    for one negation (Afrikaans "is nie gratis nie", grammar.yaml ``claims.double_negators``) counts
    once, and not at all beside another negation word ("geen … nie"); "and no one else" says
    "only" (grammar.yaml ``claims.exclusive_phrases``)."""
    g = grammar().claims
    table = g.exclusive_phrases
    exclusive = "|".join(table.get(lang) or [p for ps in table.values() for p in ps])
    text = re.sub(rf"\b(?:{exclusive})\b", " ", normalise(text)) if exclusive else normalise(text)
    words = [w.replace("’", "'") for w in _WORD.findall(text)]
    listed, endings = _negation_words(lang), tuple(g.negating_endings.get(lang, ()))
    found = [w for w in words if w in listed or (endings and w.endswith(endings))]
    for double in g.double_negators.get(lang, ()):
        if double in found:
            others = [w for w in found if w != double]
            found = others or [double]
    table = g.negating_phrases
    phrases = "|".join(table.get(lang) or [p for ps in table.values() for p in ps])
    return (len(found) + len(re.findall(rf"\b(?:{phrases})\b", normalise(text)))) % 2 == 1


# -- candidates and their features -------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """One sentence of a passage found for the claim: a verbatim slice of the passage text."""

    hit: Hit
    index: int  # the sentence's index in ``sentences(hit.text)``
    text: str
    gloss: str  # its curated English, "" when the passage has no aligned sentence glosses
    rank: int  # the passage's rank in the search


def sentence_candidates(hits: Sequence[Hit]) -> list[Candidate]:
    """Every sentence of the passages found, with its English when the passage has it aligned."""
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        parts = sentences(hit.text)
        glosses = hit.sentence_glosses if len(hit.sentence_glosses) == len(parts) else ()
        for i, part in enumerate(parts):
            if len(part.split()) >= 3:  # "1.Suunnittele." is a heading, not a statement
                out.append(Candidate(hit, i, part, glosses[i] if glosses else "", rank))
    return out


def negate(english: str) -> str:
    """A crude English negation of a sentence: its first "not"/"never" taken out, else "not"
    after its first auxiliary ("is" -> "is not"), else "It is not true that …" (the words:
    grammar.yaml ``claims.gloss``)."""
    p = _patterns()
    if p.not_.search(english):
        return p.not_.sub("", english, count=1)
    aux = p.aux.search(english)
    if aux:
        return f"{english[:aux.end()]} not{english[aux.end():]}"
    return f"It is not true that {english[:1].lower()}{english[1:]}"


def opposites(english: str) -> list[str]:
    """The sentence's English said the other way: negated (``negate``), and each word of it that
    has an opposite (grammar.yaml ``claims.gloss.opposites``: "fails" -> "works") swapped for
    it, one word at a time."""
    p = _patterns()
    out = [negate(english)]
    for found in p.opposite.finditer(english):
        word = found.group(0)
        swap = p.opposites[word.lower()]
        swap = swap[:1].upper() + swap[1:] if word[:1].isupper() else swap
        out.append(f"{english[:found.start()]}{swap}{english[found.end():]}")
    return out


def pair_features(claim: str, lang: str, candidates: Sequence[Candidate], embed: EmbedPair) -> np.ndarray:
    """One row of ``FEATURES`` per candidate sentence of ``claim`` (written in ``lang``). ``flip``:
    how much closer the claim is to the sentence's English said the other way (``opposites``:
    negated, or a word swapped for its opposite) than to it as it is, by e5: a claim that says the
    opposite in other words ("email is dead") comes closer to "… is not an active user", "what
    works on Twitter works on Facebook too" to "What works on Twitter works on Facebook" (0 for a
    sentence with no English)."""
    import numpy as np

    if not candidates:
        return np.zeros((0, len(FEATURES)))
    said = proposition(claim, lang)
    q = embed([said], True)[0]
    texts = embed([c.text for c in candidates], False) @ q
    glossed = [c.gloss or c.text for c in candidates]
    glosses = embed(glossed, False) @ q
    english = [i for i, c in enumerate(candidates) if c.gloss or c.hit.lang == "en"]
    flips = np.zeros(len(candidates))
    if english:
        turned = [(i, t) for i in english for t in opposites(glossed[i])]
        closeness = embed([t for _, t in turned], False) @ q
        nearest = np.full(len(candidates), -np.inf)
        for (i, _), near in zip(turned, closeness, strict=True):
            nearest[i] = max(nearest[i], near)
        flips[english] = nearest[english] - glosses[english]
    best = np.maximum(texts, glosses)
    neg_claim = float(negated(said, lang))
    rows = []
    for i, c in enumerate(candidates):
        neg_sentence = float(negated(c.gloss, "en") if c.gloss else negated(c.text, c.hit.lang))
        rows.append([texts[i], glosses[i], best[i], texts[i] - texts.max(), glosses[i] - glosses.max(),
                     float(c.rank == 0), neg_claim, neg_sentence, float(neg_claim != neg_sentence),
                     float(len(c.text.split()) < 8), flips[i]])
    return np.asarray(rows, dtype=np.float64)


# -- the stance head ---------------------------------------------------------------------------

POLARITY = ("neg_claim", "neg_sentence", "neg_differs", "flip")  # what the topic head does not read


@dataclass(frozen=True)
class StanceHead:
    """Two logistic regressions over ``FEATURES`` and their thresholds: row 0 scores "this
    sentence says what the claim says" (supports), row 1 "this sentence is about what the claim
    is about" (its topic, polarity aside). A sentence contradicts the claim when it is on its
    topic and says the opposite: one of the two is negated and the other not, or the claim is
    closer to the sentence negated (``flip`` above ``FLIP``); it supports it only when neither
    holds (``stances``): "social media is free" is never confirmed by "… is not free"."""

    weights: np.ndarray  # 2 x features, on standardised features
    bias: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    thresholds: np.ndarray  # supported, contradicted; inf: never said
    embedder: str

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        from bot.interview.meaning import logistic

        return logistic(x, self.weights, self.bias, self.mean, self.scale)

    def stances(self, x: np.ndarray) -> np.ndarray:
        """Per candidate: (supports, contradicts) scores."""
        import numpy as np

        probs = self.probabilities(x).copy()
        opposite = np.maximum(x[:, FEATURES.index("neg_differs")], x[:, FEATURES.index("flip")] > FLIP)
        probs[:, 0] *= 1.0 - opposite
        probs[:, 1] *= opposite
        return probs

    def save(self, folder: Any, meta: dict[str, Any]) -> None:
        from bot.interview.meaning import write_shipped

        write_shipped(folder, "claims", self, {"features": list(FEATURES), "embedder": self.embedder, **meta})


@datafiles.cached
def load_head() -> StanceHead | None:
    """The shipped stance head; None when none is trained (every claim is then "can't confirm")."""
    from bot.interview.meaning import shipped

    found = shipped("claims")
    if found is None:
        return None
    info, arrays = found
    if tuple(info.get("features", ())) != FEATURES:
        return None
    return StanceHead(arrays["weights"], arrays["bias"], arrays["mean"], arrays["scale"],
                      arrays["thresholds"], info["embedder"])


@dataclass(frozen=True)
class Stance:
    """What the check found: the verdict, the sentence it rests on (None for "none": the bot then
    quotes what comes closest) and the judge's confidence."""

    verdict: str
    candidate: Candidate | None = None
    score: float = 0.0
    judge: str = "head"  # "head" or "llm"


def decide(probs: np.ndarray, thresholds: np.ndarray) -> tuple[str, int, float]:
    """(verdict, candidate row, score) from per-candidate (supports, contradicts) scores: supported
    when the best support is above its threshold, else contradicted when the best contradiction
    is, else "none" (with the best row for support)."""
    import numpy as np

    if not len(probs):
        return "none", -1, 0.0
    for j, verdict in enumerate(("supported", "contradicted")):
        row = int(np.argmax(probs[:, j]))
        if probs[row, j] >= thresholds[j]:
            return verdict, row, float(probs[row, j])
    row = int(np.argmax(probs[:, 0]))
    return "none", row, float(probs[row, 0])


def judge_head(claim: str, lang: str, candidates: Sequence[Candidate], head: StanceHead,
               embed: EmbedPair) -> Stance:
    """The stance by the trained head (the default, offline)."""
    if not candidates:
        return Stance("none")
    probs = head.stances(pair_features(claim, lang, candidates, embed))
    verdict, row, score = decide(probs, head.thresholds)
    return Stance(verdict, candidates[row] if verdict != "none" else None, score)


_VECTORS_KEPT = 4000  # sentences' vectors kept between claims (the corpus has a few hundred)


def cached_embed(embedder: Any, cache: dict[Any, Any] | None = None) -> EmbedPair:
    """``embedder`` as an ``EmbedPair`` that keeps the vectors it computed in ``cache``: a claim's
    candidate sentences are mostly those of the claims before it."""
    import numpy as np

    store: dict[Any, Any] = {} if cache is None else cache

    def embed(texts: Sequence[str], query: bool) -> np.ndarray:
        wanted = list(texts)
        if not wanted:
            return np.zeros((0, 384), dtype=np.float32)
        found = {t: store.get((embedder.id, query, t)) for t in wanted}  # a local copy: another
        missing = [t for t, v in found.items() if v is None]  # thread may clear the store meanwhile
        if missing:
            computed = dict(zip(missing, embedder.encode(missing, query=query), strict=True))
            found.update(computed)
            if len(store) > _VECTORS_KEPT:
                store.clear()
            store.update({(embedder.id, query, t): v for t, v in computed.items()})
        return np.vstack([np.asarray(found[t]) for t in wanted])

    return embed


# -- the optional chat model as judge ----------------------------------------------------------

class _Judgement(BaseModel):
    """The chat model's stance on a claim over the numbered candidate sentences."""

    verdict: Literal["supported", "contradicted", "none"]
    sentence: int | None = Field(None, description="the number of the sentence it rests on; null for none")


def judge_llm(llm: Any, claim: str, candidates: Sequence[Candidate]) -> Stance:
    """The stance by the configured chat model, over the same candidates: it only picks one by
    its number, so what is quoted is still a sentence of a stored passage. A number that is not
    one of them is "none"."""
    from bot.interview.extract_llm import _prompts

    listed = "\n".join(f"{i}. {c.text}" + (f"\n   (English: {c.gloss})" if c.gloss else "")
                       for i, c in enumerate(candidates, 1))
    result = llm.with_structured_output(_Judgement).invoke(
        [("system", _prompts()["claim_system"]), ("human", f"Claim: {claim}\n\nSentences:\n{listed}")])
    judged = result if isinstance(result, _Judgement) else _Judgement.model_validate(result)
    if judged.verdict == "none" or judged.sentence is None or not 1 <= judged.sentence <= len(candidates):
        return Stance("none", judge="llm")
    return Stance(judged.verdict, candidates[judged.sentence - 1], 1.0, judge="llm")


def _encoder(ctx: Any, embedder_id: str) -> Any:
    """The retriever's embedder when it is the head's, else the head's own (loaded once)."""
    own = getattr(getattr(ctx, "retriever", None), "embedder", None)
    if getattr(own, "id", None) == embedder_id:
        return own
    if embedder_id not in _ENCODERS:
        from bot.retrieval.embed import get_embedder

        _ENCODERS[embedder_id] = get_embedder(embedder_id)
    return _ENCODERS[embedder_id]


_ENCODERS: dict[str, Any] = {}


def check(claim: str, lang: str, ctx: Any) -> tuple[Stance, list[Hit]]:
    """The stance of the corpus on ``claim`` and the passages searched for it ([] with no
    knowledge base, or when the retriever finds the claim off-topic). The chat model judges when
    one is configured; any error of it falls back to the head."""
    from bot.retrieval.lexical import capped

    if ctx.retriever is None:
        return Stance("none"), []
    hits = ctx.retriever.search(capped(claim), k=PASSAGES)
    candidates = sentence_candidates(hits)
    if not candidates:
        return Stance("none"), hits
    if ctx.llm is not None:
        try:
            return judge_llm(ctx.llm, capped(claim), candidates), hits
        except Exception as err:  # noqa: BLE001 - any failure of the model falls back to the head
            log.warning("claim check by the chat model failed, the head decides: %s", err)
    head = load_head()
    if head is None:
        return Stance("none"), hits
    embed = cached_embed(_encoder(ctx, head.embedder), ctx.cache.setdefault("claim_vectors", {}))
    return judge_head(claim, lang, candidates, head, embed), hits
