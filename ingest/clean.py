"""Remove page furniture with general rules, and say what was removed and why.

Two kinds of rule. A *tail* rule marks where the article ends and the page's tail begins (author
bio, comment section, related articles): that block and everything after it go. A *block* rule
drops one block wherever it stands (share/follow lines, comment-form notices, ad-block notices,
bare UI labels). Patterns cover the product's languages: en, sv, da, nb, fi, de, af.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.load import Block

_I = re.IGNORECASE

TAIL_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("author-bio", re.compile(
        r"^(om (författaren|forfatteren|skribenten)|about the author|über den autor|"
        r"oor die (skrywer|outeur)|tietoa kirjoittajasta|kirjoittajasta)\b", _I)),
    ("comments", re.compile(
        r"^(\d+\s+(replies|responses|comments|kommentarer|kommentit|svar|antwoorde|kommentare)"
        r"\b|leave a (reply|comment)|lämna (ett svar|en kommentar)|skriv en kommentar|"
        r"legg igjen en kommentar|jätä kommentti|los 'n (antwoord|opmerking))", _I)),
    ("related-articles", re.compile(
        r"^(related (articles|posts)|verwante artikels|relaterade artiklar|relaterede artikler|"
        r"relaterte artikler|ähnliche artikel|lue myös|aiheeseen liittyvät)\b", _I)),
)

BLOCK_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("follow-line", re.compile(
        r"^(följ (mig|oss)|follow (me|us)|følg (meg|mig|os|oss)|seuraa (minua|meitä)|"
        r"volg (my|ons)|folgen sie (mir|uns))\b.{0,60}$", _I)),
    ("share-request", re.compile(
        r"^(?=.{0,200}$)(?=.*\b(dela|del gerne|del gjerne|share|jaa|deel|teilen)\b)"
        r"(?=.*\b(artikel\w*|article|artikkel\w*|inlägg\w*|post|blog\w*)\b).*", _I)),
    ("comment-form", re.compile(
        r"(your email address will not be published|required fields are marked|"
        r"this site uses akismet|din e-postadress kommer inte|din e-mailadresse vil ikke|"
        r"e-postadressen din vil ikke)", _I)),
    ("ad-block-notice", re.compile(
        r"(\bad ?block|advertensieblok|annonsblock|mainosten esto|werbeblocker)", _I)),
    ("promo-teaser", re.compile(
        r"^(?=.{0,90}$)(vill du ha|vil du have|vil du ha|ønsker du|trenger du|har du brug for|"
        r"do you want|want|need|would you like|haluatko|tarvitsetko|möchten sie|brauchen sie|"
        r"wil jy|het jy)\b.*\b(hjälp|hjælp|hjelp|help|apua|hilfe|hulp)\b.*\?$", _I)),
    ("ui-label", re.compile(
        r"^(back to top|terug na bo( knoppie)?|till toppen|til toppen|sluiting|close|stäng|luk|"
        r"lukk|sulje|schließen|menu|meny|valikko|search|print|skriv ut)$", _I)),
)

_NAME_LINE = re.compile(r"^[A-ZÅÄÖÆØ][\w'’-]+( [A-ZÅÄÖÆØ][\w'’-]+){1,3}$")


@dataclass(frozen=True)
class Dropped:
    rule: str
    text: str


def _is_byline_bio(blocks: list[Block], i: int, author: str) -> bool:
    """A name standing alone (the author's, or any name that the next block starts a bio with)."""
    text = blocks[i].text
    if author and text.casefold() == author.casefold():
        return True
    if not _NAME_LINE.match(text) or i + 1 >= len(blocks):
        return False
    following = blocks[i + 1].text
    return following.startswith(text + " ") and len(following) > 2 * len(text)


def _tail_rule(blocks: list[Block], i: int, author: str) -> str | None:
    text = blocks[i].text
    for name, pattern in TAIL_RULES:
        if pattern.search(text):
            return name
    if i > 0 and _is_byline_bio(blocks, i, author):
        return "author-bio"
    return None


def _block_rule(text: str) -> str | None:
    for name, pattern in BLOCK_RULES:
        if pattern.search(text):
            return name
    return None


def clean(blocks: list[Block], *, author: str = "") -> tuple[list[Block], list[Dropped]]:
    """The article's own blocks, and the furniture removed (rule, text) in document order."""
    kept: list[Block] = []
    dropped: list[Dropped] = []
    for i, block in enumerate(blocks):
        if tail := _tail_rule(blocks, i, author):
            dropped.extend(Dropped(_block_rule(b.text) or tail, b.text) for b in blocks[i:])
            break
        if rule := _block_rule(block.text):
            dropped.append(Dropped(rule, block.text))
        else:
            kept.append(block)
    return kept, dropped
