"""What kind of message the owner sent, before it is read as an answer (docs/message-kinds.md).

One logistic-regression head per kind on the shipped e5 vector of the whole (normalised)
message, with two plain features beside it (its length and its line count: pasted material is
long). Trained on labelled messages in ``bot/data/reading/kinds`` by ``social-audit
train-reader``; each kind's threshold is calibrated on writers held out, for precision
``PRECISION``. A message no head is sure of has no kind (``None``): the interview reads it as an
answer, as it always did. Instructions are also found by their phrases (``cues.yaml``), which
the heads alone do not find reliably across languages. Pure but for ``embed``, which the caller passes in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot import datafiles
from bot.interview.phrases import normalise

if TYPE_CHECKING:
    import numpy as np

    from bot.interview.meaning import Embed

KINDS = ("answer", "dont_know", "skip", "refusal", "question_marketing", "question_bot", "request_audit",
         "request_language", "request_restart", "instruction", "claim_about_sources", "request_figures",
         "pasted", "other_session", "noise", "chitchat")
MAX_CHARS = 800  # of a message, embedded: a long paste is known by its start, and stays quick


def model_input(text: str, question_topic: str | None = None) -> str:
    """What the heads read: the normalised message, after the topic of the question it answers
    when it is short ("no" after the ads question is an answer)."""
    norm = " ".join(normalise(text).split())[:MAX_CHARS]
    return f"{question_topic}: {norm}" if question_topic and len(norm.split()) <= 5 else norm


def features(texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """The e5 vectors with the length (log characters) and the line count of each raw message."""
    import numpy as np

    extra = np.array([[math.log1p(len(t)) / 8.0, min(t.count("\n"), 20) / 10.0] for t in texts])
    return np.hstack([np.asarray(vectors, dtype=np.float64), extra])


@dataclass(frozen=True)
class KindHeads:
    kinds: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    thresholds: np.ndarray  # per kind; inf: never decides
    embedder: str

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        from bot.interview.meaning import logistic

        return logistic(x, self.weights, self.bias, self.mean, self.scale)

    def save(self, folder: Any, meta: dict[str, Any]) -> None:
        from bot.interview.meaning import write_shipped

        write_shipped(folder, "kinds", self, {"kinds": list(self.kinds), "embedder": self.embedder, **meta})


@datafiles.cached
def load_kind_heads() -> KindHeads | None:
    """The shipped kind heads; None when none are trained (or SOCIAL_AUDIT_READER=cues)."""
    from bot.interview.meaning import shipped

    found = shipped("kinds")
    if found is None:
        return None
    info, arrays = found
    heads = KindHeads(tuple(info["kinds"]), arrays["weights"], arrays["bias"], arrays["mean"],
                      arrays["scale"], arrays["thresholds"], info["embedder"])
    return heads if heads.kinds == KINDS else None


@dataclass(frozen=True)
class Kind:
    name: str
    score: float


def classify(text: str, question_topic: str | None, heads: KindHeads, embed: Embed) -> Kind | None:
    """The kind of ``text`` if a head is sure of it (above its threshold; the highest if several)."""
    import numpy as np

    if not text.strip():
        return None
    probs = heads.probabilities(features([text], embed([model_input(text, question_topic)])))[0]
    sure = np.flatnonzero(probs >= heads.thresholds)
    if not len(sure):
        return None
    best = int(sure[np.argmax(probs[sure])])
    return Kind(heads.kinds[best], float(probs[best]))


# Code, not words: SQL ("SELECT * FROM …", "' OR 1=1 --", "DROP TABLE"). Markup is not code here:
# "<script>…</script> We sell to businesses" is an answer, shown escaped wherever it is shown.
_CODE = re.compile("|".join([
    r"\bselect\s+\*\s+from\b", r"\bselect\b.{1,80}\bfrom\b.{1,80}\bwhere\b.{0,40}[=<>]", r"\bdrop\s+table\b",
    r"\binsert\s+into\b", r"\bunion\s+(?:all\s+)?select\b", r"\bdelete\s+from\s+\w+\s+where\b",
    r"'\s*(?:or|and)\s+'?\w+'?\s*=\s*'?\w+", r"\b1\s*=\s*1\b", r"'\s*;\s*(?:--|drop|select|delete)"]),
    re.IGNORECASE)


@datafiles.cached
def _code_marks() -> tuple[re.Pattern[str], ...]:
    from bot.interview.cues import data

    return tuple(re.compile(mark, re.MULTILINE) for mark in data().code_marks)


def _is_json(text: str) -> bool:
    """One JSON object, or a list of objects or lists, with something in it: data, not a message
    ("[1, 2]" may be an answer)."""
    import json

    body = text.strip()
    if not body or body[0] not in "{[":
        return False
    try:
        value = json.loads(body)
    except ValueError:
        return False
    if isinstance(value, list):
        return any(isinstance(item, dict | list) for item in value)
    return isinstance(value, dict) and bool(value)


def looks_like_code(text: str) -> bool:
    """SQL, one JSON object or list, or two different marks of code, data or logs
    (``code_marks`` in cues.yaml: "<?php", "$_GET[", "); ", "at Object.<anonymous> (index.js:1:1)")."""
    if _CODE.search(text) or _is_json(text):
        return True
    low = text.casefold()
    return sum(1 for mark in _code_marks() if mark.search(low)) >= 2


_VOWELS = frozenset("aeiouyåäöæøéèêëáàâíìîïóòôúùûüõ")
_NODS = frozenset("👍👌✅🙏👏")  # emoji that say yes or thanks: an answer, not noise
_RUN = 5  # keys of one keyboard row in a row, either way: mash
_REPEATED = re.compile(r"(\w{3,})\1+")  # a stretch typed over and over
_RUN_SHARE = 0.6  # of the word ("Wertzuwachs" has "wertzu" on a German keyboard, and is a word)


@datafiles.cached
def _rows() -> tuple[str, ...]:
    """The keyboard rows (``keyboard_rows`` in cues.yaml), each also right to left."""
    from bot.interview.cues import data

    return tuple(r for row in data().keyboard_rows for r in (row, row[::-1]))


def _key_run(word: str) -> int:
    """The longest stretch of ``word`` typed along one keyboard row, one way ("lkjhgf": 6); one
    pass per row, so a long paste costs no more than its length."""
    best = 1
    for row in _rows():
        run = 1
        for key, typed in zip(word, word[1:], strict=False):
            at = row.find(key)
            run = run + 1 if at >= 0 and row[at + 1:at + 2] == typed else 1
            best = max(best, run)
    return best


def _mashed(word: str) -> bool:
    """A word no language writes: one letter three times running ("jjjjkkk", "lll"), five
    letters and no vowel ("sdfghj"; short ones without vowels may be names: "SMS", "CRM"),
    mostly a run of keys along one keyboard row ("qwertzuiopü", "äölkjhgf"), or three letters or
    more typed twice or more over ("asdölkjasdölkj", "åäöåäö"; not "haha")."""
    return (bool(re.search(r"(.)\1\1", word)) or (len(word) >= 5 and not _VOWELS & set(word))
            or (len(word) >= _RUN and _key_run(word) >= max(_RUN, _RUN_SHARE * len(word)))
            or _REPEATED.fullmatch(word) is not None)


def looks_like_noise(text: str) -> bool:
    """Code, keyboard mash ("jjjjjjkkkk;;;;lll", "qwertzuiopü+#äölkjhgf") or three or more symbols
    and no letter or digit ("🙈🔥🔥💯", "...") or what broken bytes leave ("\ufffd"): nothing in it
    to read. A nod ("👍") is no noise."""
    if looks_like_code(text):
        return True
    low = text.casefold()
    if any(ch.isdigit() for ch in low) or _NODS & set(text):
        return False
    words = re.findall(r"[^\W\d_]+", low)
    if not words:  # a replacement character is what is left of broken bytes: never a nod
        return len("".join(text.split())) >= 3 or "\ufffd" in text
    return all(_mashed(w) for w in words)


_CLAIM_OR_QUESTION = frozenset({"question_marketing", "question_bot"})
# What the heads make of a question about the bot they do not know ("how do you work?" is small
# talk to them); a kind they are sure of ("I messed up my answers, can we start over?") stands.
_BOT_OR_NOT = frozenset({"answer", "chitchat", "question_marketing"})


def decide(text: str, question_topic: str | None, heads: KindHeads | None, embed: Embed) -> str | None:
    """The kind the interview acts on: an instruction by its phrases (in any language, whatever
    the heads say), code by its look (noise: "SELECT * FROM profiles WHERE 1=1" is no ad budget
    of 1; JSON, server code, logs and keyboard mash too), else the heads' kind; a request to
    switch language only when it names one. A question about the bot itself ("who made you?",
    "what happens to my answers?", ``cues.asks_about_bot``) is that when the heads find no kind,
    an answer, small talk or a marketing question in it. A message that says what the articles
    say ("your article says …", ``claims.attributes_to_sources``) is a claim about them when the
    heads find no kind or a question in it."""
    from bot.interview.claims import attributes_to_sources
    from bot.interview.cues import asks_about_bot, asks_for_language, instructs, named_language, phrased_kind

    if instructs(text):
        return "instruction"
    if (phrased := phrased_kind(text)) is not None:  # "give me the audit, in Swedish": the audit
        return phrased  # (the engine switches the language too)
    if asks_for_language(text) is not None:
        return "request_language"
    if looks_like_noise(text):
        return "noise"
    found = classify(text, question_topic, heads, embed) if heads is not None else None
    if (found is None or found.name in _BOT_OR_NOT) and asks_about_bot(text):
        return "question_bot"  # "hvad gør I med mine svar bagefter?", "kuka sinut on tehnyt?"
    if (found is None or found.name in _CLAIM_OR_QUESTION) and attributes_to_sources(text):
        return "claim_about_sources"  # "your article says …": the heads took it for a question
    if found is None or (found.name == "request_language" and named_language(text) is None):
        return None
    return found.name
