from __future__ import annotations

import json

import pytest

from ingest.clean import clean
from ingest.load import Block, load
from tests.conftest import CORPUS, DOCUMENTS

# Page furniture named in the seeds' MANIFEST.md: none of it may survive cleaning.
FURNITURE = [
    "Om författaren", "följ mig på:", "Jag lever digital kundkommunikation",
    "4 Replies to", "I all hovedsak enig", "Leave a Reply", "Your email address will not",
    "This site uses Akismet", "Douglas Karr is CMO", "verwante Artikels", "Terug na bo knoppie",
    "Sluiting", "Advertensieblok bespeur", "Martech Zone is in staat om",
    "så får du gärna dela den", "Vill du ha hjälp att sälja bättre på nätet?",
]


def _cleaned(name: str) -> tuple[list[str], list[tuple[str, str]]]:
    kept, dropped = clean(load(DOCUMENTS / name))
    return [b.text for b in kept], [(d.rule, d.text) for d in dropped]


@pytest.mark.parametrize("path", sorted(DOCUMENTS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_no_furniture_survives_in_the_seeds(path) -> None:
    kept, _ = _cleaned(path.name)
    for text in kept:
        for marker in FURNITURE:
            assert marker not in text, f"furniture kept: {text[:60]}"


def test_dropped_furniture_is_reported_with_its_rule() -> None:
    _, dropped = _cleaned("004_204890e28352a8d2.txt")
    rules = {text[:25]: rule for rule, text in dropped}
    assert rules["Douglas Karr"] == "author-bio"
    assert rules["Advertensieblok bespeur"] == "ad-block-notice"
    assert rules["Terug na bo knoppie"] == "ui-label"
    _, dropped = _cleaned("003_6ee94e0b0067af93.txt")
    assert [rule for rule, _ in dropped] == ["comments"] * 3 + ["comment-form"] * 2


def test_every_curated_paragraph_survives_cleaning() -> None:
    """The glosses list every line of real article content (written independently of the rules)."""
    content: dict[str, set[str]] = {}
    for line in (CORPUS / "glosses.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        content.setdefault(row["source"], set()).add(row["text"])
    for source, lines in content.items():
        kept, _ = _cleaned(source)
        assert lines <= set(kept), sorted(lines - set(kept))


def test_rules_are_general_not_tied_to_the_seeds() -> None:
    blocks = [Block(t) for t in [
        "How to answer complaints",
        "Answer every complaint in public, then move the details to a private message.",
        "Follow us on LinkedIn",
        "Share this article with a colleague who runs a shop!",
        "Need help growing your sales online?",
        "Back to top",
        "About the author",
        "Jane Doe writes about retail.",
    ]]
    kept, dropped = clean(blocks)
    assert [b.text for b in kept] == blocks_text(blocks[:2])
    assert [d.rule for d in dropped] == [
        "follow-line", "share-request", "promo-teaser", "ui-label", "author-bio", "author-bio"
    ]


def blocks_text(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


def test_a_name_line_starting_a_bio_ends_the_article() -> None:
    blocks = [Block(t) for t in [
        "Kundeservice er et konkurrenceparameter, især på sociale medier.",
        "Mette Hansen",
        "Mette Hansen er rådgiver i digital kommunikation og har skrevet tre bøger.",
    ]]
    kept, dropped = clean(blocks)
    assert len(kept) == 1 and [d.rule for d in dropped] == ["author-bio", "author-bio"]
