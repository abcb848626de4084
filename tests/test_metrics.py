from __future__ import annotations

from bot.types import Hit
from evals.cases import GoldPassage
from evals.metrics import first_relevant_rank, mrr_at, recall_at, summarise


def _hit(source: str, text: str) -> Hit:
    return Hit(chunk_id=text[:8], source=source, lang="sv", title="", text=text, score=1.0)


def test_relevance_needs_the_document_and_the_verbatim_quote() -> None:
    gold = [GoldPassage(source="a.txt", quote="owned audience matters")]
    hits = [_hit("b.txt", "owned audience matters here"), _hit("a.txt", "nothing"),
            _hit("a.txt", "owned audiences matter a lot"), _hit("a.txt", "owned audience matters")]
    assert first_relevant_rank(hits, gold) == 4
    assert first_relevant_rank(hits[:3], gold) is None


def test_recall_and_mrr() -> None:
    ranks = [1, 3, None, 11]
    assert recall_at(ranks, 1) == 0.25
    assert recall_at(ranks, 3) == 0.5
    assert abs(mrr_at(ranks, 10) - (1 + 1 / 3) / 4) < 1e-9
    assert summarise([])["recall@3"] == 0.0
