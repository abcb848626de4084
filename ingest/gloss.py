"""Machine glosses for a consultant's passages: asked of the optional LLM, checked before storing.

Only passages without a curated gloss are asked, one request each, with the passage quoted in the
user message (``bot/data/gloss_prompts.yaml``). A reply is stored only if ``check`` finds nothing
wrong with it (length, invented numbers, addresses or e-mails, echoed instructions, English, and
similarity to the passage); a refused reply is remembered in the index (``gloss_source =
"llm-rejected"``) so the unchanged passage is not asked again. A failed request (server down,
timeout, unreadable reply) leaves the passage without a gloss and is asked again next ingest.
After ``MAX_FAILURES_IN_A_ROW`` failures the rest of the run asks nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot import datafiles
from bot import lang as langid
from bot.citations import sentences
from bot.interview.messages import fill
from bot.numbers import numbers_in
from bot.retrieval.embed import ProjectEmbeddings
from bot.types import Chunk

LLM = "llm"
REJECTED = "llm-rejected"
MAX_FAILURES_IN_A_ROW = 3
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\"']+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"\w+")
_TAG = re.compile(r"[a-z][a-z0-9 &/-]*")


class GlossReply(BaseModel):
    """What the model is asked to return."""

    gloss: str = Field(description="a faithful English gloss of the passage, 1 to 3 sentences")
    tags: list[str] = Field(default_factory=list, description="2 to 5 short lowercase topic tags")


@dataclass(frozen=True)
class Checks:
    max_chars: int
    max_sentences: int
    max_ratio: float
    ratio_slack_chars: int
    min_similarity: float
    similarity_embedder: str
    max_tags: int
    max_tag_chars: int
    echo_phrases: tuple[str, ...]
    echo_ngram: int


@dataclass(frozen=True)
class Prompts:
    system: str
    user: str
    markers: tuple[str, ...]
    checks: Checks


class PromptsFile(BaseModel):
    """``bot/data/gloss_prompts.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    system: str
    user: str
    markers: tuple[str, ...]
    checks: dict[str, Any]


@datafiles.cached
def load_prompts() -> Prompts:
    data = datafiles.load("gloss_prompts.yaml", PromptsFile)
    raw = dict(data.checks)
    raw["echo_phrases"] = tuple(str(p).lower() for p in raw["echo_phrases"])
    return Prompts(system=data.system, user=data.user, markers=data.markers, checks=Checks(**raw))


def messages(item: Chunk, prompts: Prompts) -> list[tuple[str, str]]:
    """The request for one passage: the fixed system prompt, the passage quoted in the user message."""
    passage = item.text
    for marker in prompts.markers:  # a passage cannot close its own quote
        passage = re.sub(re.escape(marker), marker.lower().replace(" ", "-"), passage, flags=re.IGNORECASE)
    user = fill(prompts.user, {"lang": item.lang or "unknown", "title": item.title or "-",
                               "passage": passage})
    return [("system", prompts.system), ("human", user)]


def _ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _foreign(found: list[str], source: str) -> str | None:
    lowered = source.lower()
    return next((f for f in found if f.rstrip(".,;:!?").lower() not in lowered), None)


def check(gloss: str, passage: str, similarity: float | None, prompts: Prompts) -> str | None:
    """Why ``gloss`` may not be stored as the gloss of ``passage``, or None when it may.

    ``similarity`` is the cosine of their embeddings (None: not measured, not judged)."""
    rules, text = prompts.checks, gloss.strip()
    if not text:
        return "empty"
    limit = min(rules.max_chars, int(rules.max_ratio * len(passage)) + rules.ratio_slack_chars)
    if len(text) > limit or len(sentences(text)) > rules.max_sentences:
        return f"too long ({len(text)} characters, {len(sentences(text))} sentences)"
    allowed = {x for readings in numbers_in(passage) for x in readings}
    invented = [m for m in numbers_in(text) if not m & allowed]
    if invented:
        return f"a number the passage lacks ({min(invented.pop()):g})"
    if url := _foreign(_URL.findall(text), passage):
        return f"a web address the passage lacks ({url})"
    if email := _foreign(_EMAIL.findall(text), passage):
        return f"an e-mail address the passage lacks ({email})"
    lowered, source = text.lower(), passage.lower()
    if phrase := next((p for p in rules.echo_phrases if p in lowered and p not in source), None):
        return f"echoes instructions ({phrase!r})"
    if _ngrams(text, rules.echo_ngram) & _ngrams(prompts.system, rules.echo_ngram) - _ngrams(
            passage, rules.echo_ngram):
        return "echoes the system prompt"
    if langid.detect(text, default="en") != "en":
        return "not English"
    if similarity is not None and similarity < rules.min_similarity:
        return f"unrelated to the passage (similarity {similarity:.3f} < {rules.min_similarity})"
    return None


def clean_tags(tags: list[str], checks: Checks) -> tuple[str, ...]:
    """The tags that look like topic tags (lowercase words, short, no digits the model could
    smuggle in), at most ``max_tags``; the others are dropped, not the gloss."""
    out = []
    for tag in tags:
        value = " ".join(str(tag).strip().lower().split())
        if value and len(value) <= checks.max_tag_chars and _TAG.fullmatch(value) and not re.search(
                r"\d", value) and not any(p in value for p in checks.echo_phrases):
            out.append(value)
    return tuple(dict.fromkeys(out))[: checks.max_tags]


@dataclass
class Glosser:
    """Fills in machine glosses; ``cache`` holds what the index already has per chunk id
    ((gloss, tags, source) for sources ``llm`` and ``llm-rejected``)."""

    llm: Any | None
    embedder: ProjectEmbeddings
    cache: Mapping[str, tuple[str, tuple[str, ...], str]] = field(default_factory=dict)
    prompts: Prompts = field(default_factory=load_prompts)
    written: int = 0
    reused: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    _failures_in_a_row: int = 0

    def apply(self, chunks: list[Chunk]) -> list[Chunk]:
        return [self.one(item) if not item.gloss else item for item in chunks]

    def one(self, item: Chunk) -> Chunk:
        where = f"{item.source} #{item.position}"
        if item.chunk_id in self.cache:
            gloss, tags, source = self.cache[item.chunk_id]
            self.reused += 1
            return replace(item, gloss=gloss if source == LLM else "", tags=tags if source == LLM else (),
                           gloss_source=source)
        if self.llm is None:
            return item
        if self._failures_in_a_row >= MAX_FAILURES_IN_A_ROW:
            self.failed.append((where, f"not asked: the LLM failed {MAX_FAILURES_IN_A_ROW} times in a row"))
            return item
        try:
            reply = self.ask(item)
        except Exception as err:  # the LLM is optional: no failure of it stops an ingest
            self._failures_in_a_row += 1
            self.failed.append((where, f"{type(err).__name__}: {_first_line(str(err))}"))
            return item
        self._failures_in_a_row = 0
        reason = check(reply.gloss, item.text, self.similarity(reply.gloss, item.text), self.prompts)
        if reason:
            self.rejected.append((where, reason))
            return replace(item, gloss_source=REJECTED)
        self.written += 1
        return replace(item, gloss=" ".join(reply.gloss.split()), gloss_source=LLM,
                       tags=clean_tags(reply.tags, self.prompts.checks))

    def ask(self, item: Chunk) -> GlossReply:
        assert self.llm is not None
        result = self.llm.with_structured_output(GlossReply).invoke(messages(item, self.prompts))
        return result if isinstance(result, GlossReply) else GlossReply.model_validate(result)

    def similarity(self, gloss: str, passage: str) -> float | None:
        if not gloss.strip() or self.embedder.id != self.prompts.checks.similarity_embedder:
            return None
        vectors = self.embedder.encode([gloss, passage], query=False)
        return float(vectors[0] @ vectors[1])


def _first_line(text: str, limit: int = 160) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def cache_from(metadata: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[str, tuple[str, ...], str]]:
    """The machine glosses (and refusals) the index holds, by chunk id, from its records' metadata."""
    out: dict[str, tuple[str, tuple[str, ...], str]] = {}
    for meta in metadata.values():
        source = str(meta.get("gloss_source", ""))
        if source in (LLM, REJECTED) and meta.get("chunk_id"):
            tags = tuple(t for t in str(meta.get("tags", "")).split(",") if t)
            out[str(meta["chunk_id"])] = (str(meta.get("gloss", "")), tags, source)
    return out
