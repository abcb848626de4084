"""The language registry (bot/data/languages.yaml): read once, checked against every data file, and
adding a language to it and to the data files is all it takes: no code changes (issue 18)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import lang
from bot.lang import LanguageError, check_data, codes, load_registry
from tests.conftest import REPO

DATA = REPO / "bot" / "data"
NEW = "xx"  # a made-up language
MARK = "⟦xx⟧ "  # every text of the new language starts with this, to tell it from an English fallback
# Its own words, so that detection can tell it from every other language.
WORDS = "blorp snik vuma zarg quill threx moob"
# English as is
COPIED = {"locale.yaml", "answers.yaml", "cues.yaml", "grammar.yaml", "stopwords.yaml", "lexicon.yaml"}
# ... but for the claim check's words, its own (grammar.yaml claims): a claim written in it is one
CLAIM_WORDS = {"says": ["snikar"], "tells": ["snikar"], "by": ["vumo"], "by_after": [], "that": ["threxat"],
               "sources": ["zargel*"], "source_parts": ["zargel"], "in_source": ["vumin"],
               "about": ["quillom"], "tags": ["moobo"], "instructions": ["blorpskriv"],
               "questions": ["quillwat"], "negations": ["plonk", "threxnix"], "negating_endings": [],
               "double_negators": [], "negating_phrases": [], "exclusive_phrases": []}
CLAIM = "Zargelen snikar threxat blorp quill moob, moobo?"  # "the article says that …, right?"


def test_the_registry_lists_the_languages_and_what_each_covers() -> None:
    assert codes() == ("en", "sv", "da", "nb", "fi", "de", "af")
    assert codes("ui") == codes("interview") == codes()
    assert "af" not in codes("audit") and "de" in codes("audit")
    assert lang.language("nb").native == "Norsk bokmål" and lang.language("af").stemmer == "dutch"
    assert lang.close("sv", "nb") and not lang.close("sv", "fi") and not lang.close("sv", "zz")
    with pytest.raises(LanguageError, match="unknown surface 'chat'; choose one of: interview"):
        codes("chat")


def test_every_data_file_covers_the_languages_of_its_surfaces() -> None:
    check_data(DATA)


def test_every_data_file_with_texts_per_language_belongs_to_a_surface() -> None:
    """A file keyed by language that no surface lists would escape the check above."""
    reg = lang.registry()
    listed = {f for s in reg.surfaces.values() for f in s.files}
    known = frozenset(reg.codes())
    per_language = {p.name for p in DATA.glob("*.yaml")
                    if next(lang._tables(yaml.safe_load(p.read_text(encoding="utf-8")), "", known), None)}
    assert per_language == listed


def _registry(change: str) -> str:
    text = (DATA / "languages.yaml").read_text(encoding="utf-8")
    return text + change


@pytest.mark.parametrize(("extra", "message"), [
    ("  - {code: Xx, name: X, native: X, stemmer: english, covers: [ui]}\n",
     r"languages\[7\]\.code: 'Xx' is not a two- or three-letter ISO 639 code"),
    ("  - {code: xx, name: X, native: X, stemmer: english, covers: [chat]}\n",
     r"languages\[7\]\.covers: unknown surface 'chat'"),
    ("  - {code: sv, name: X, native: X, stemmer: english, covers: [ui]}\n",
     r"language 'sv' is listed twice"),
    ("  - {code: xx, name: X, stemmer: english, covers: [ui]}\n",
     r"languages\[7\]\.native: a non-empty text is required"),
    ("  - {code: xx, name: X, native: X, stemmer: english, covers: [ui], script: latin}\n",
     r"languages\[7\]: a language has close, code, covers, name, native, stemmer and nothing else"),
])
def test_a_wrong_registry_is_one_line_naming_the_key(extra: str, message: str) -> None:
    with pytest.raises(LanguageError, match=message) as err:
        load_registry(_registry(extra))
    assert "\n" not in str(err.value) and str(err.value).startswith("bot/data/languages.yaml: ")


def test_english_must_cover_every_surface() -> None:
    text = _registry("").replace("covers: [interview, audit, ui, parser, detect, retrieval]}",
                                 "covers: [interview]}", 1)
    with pytest.raises(LanguageError, match="English is every text's fallback"):
        load_registry(text)


# -- adding a language -----------------------------------------------------------------------------

def _marked(value: Any) -> Any:
    """English text turned into the new language's: every string marked, structure kept."""
    if isinstance(value, str):
        return MARK + value
    if isinstance(value, list):
        return [_marked(v) for v in value]
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    return value


def _add_to_tables(node: Any, known: set[str], copy: bool) -> None:
    """The new language added to every language table under ``node`` (as English, marked or not)."""
    if isinstance(node, dict):
        keys = [k for k in node if k in known]
        if "en" in node and (len(keys) >= 2 or all(k in known or k == "all" for k in node)):
            node[NEW] = node["en"] if copy else _marked(node["en"])
        for value in list(node.values()):
            _add_to_tables(value, known, copy)
    elif isinstance(node, list):
        for value in node:
            _add_to_tables(value, known, copy)


def _dump(content: Any, path: Path) -> None:
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_language(data: Path) -> None:
    """What a translator does: the new language in languages.yaml and in every file of its surfaces."""
    registry = yaml.safe_load((data / "languages.yaml").read_text(encoding="utf-8"))
    registry["languages"].append({"code": NEW, "name": "Testish", "native": "Testisch", "stemmer": "english",
                                  "covers": list(registry["surfaces"])})
    _dump(registry, data / "languages.yaml")
    known = {x["code"] for x in registry["languages"]} - {NEW}
    for name in sorted({f for s in registry["surfaces"].values() for f in s["files"]}):
        content = yaml.safe_load((data / name).read_text(encoding="utf-8"))
        if name == "detection.yaml":
            content["words"][NEW] = WORDS
        elif name == "cli.yaml":
            content["quit"][NEW] = ["blorpquit"]
        else:
            _add_to_tables(content, known, copy=name in COPIED)
        if name == "grammar.yaml":
            for key, words in CLAIM_WORDS.items():
                content["claims"][key][NEW] = words
            content["claims"]["that_not"][NEW] = {"threxnix": "plonk"}  # "that … not"
        _dump(content, data / name)


@pytest.fixture(scope="module")
def package_with_a_new_language(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the ``bot`` package, code untouched, whose data has the new language."""
    root = tmp_path_factory.mktemp("newlang")
    shutil.copytree(REPO / "bot", root / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    add_language(root / "bot" / "data")
    return root


def _run(root: Path, script: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


THIS_COPY = """
    from pathlib import Path
    import bot
    assert Path(bot.__file__).resolve().parent == Path.cwd().resolve() / "bot", bot.__file__
"""
PICKS_IT_UP = f"""
    from bot import lang
    assert lang.codes()[-1] == "xx" and all("xx" in lang.codes(s) for s in lang.SURFACES), "no xx"

    # the web app offers it, named as its speakers name it, and its labels are its own
    from bot.web.api import LangIn, NewSession
    from bot.web.brand import Brand
    from bot.web.strings import language_name, t
    assert "xx" in LangIn.model_json_schema()["properties"]["lang"]["enum"]
    assert "xx" in NewSession.model_json_schema()["properties"]["lang"]["enum"]
    assert Brand(default_lang="xx").default_lang == "xx" and language_name("xx") == "Testisch"
    assert t("send", "xx") == "{MARK}Send"

    # the interview speaks it (the greeting, the first question, the next after an answer)
    from bot.interview import engine, messages
    from bot.interview.state import Context
    assert messages.render("noted", "xx", facts="F") == "{MARK}Noted: F."
    state, reply = engine.start("xx")
    assert reply.lang == "xx" and reply.text.startswith("{MARK}"), reply.text
    said = "{WORDS}: we sell to other businesses, mostly through referrals."  # read with its words
    state, reply = engine.step(state, said, Context())
    assert reply.lang == "xx" and "{MARK}" in reply.text, reply.text
    assert state.profile.get("sales.model").value == "b2b", state.profile.get("sales.model")

    # the audit is written in it
    from bot.audit import languages
    from bot.audit.rules import default_rules
    from bot.audit.texts import ui_for
    assert "xx" in languages()
    assert ui_for("xx", languages()).t("report_title") == "{MARK}Channel audit"
    assert all(r.text("xx").title.startswith("{MARK}") for r in default_rules())

    # numbers, detection, lexical search and the command line know it
    from bot import l10n
    from bot.lang import detect
    from bot.retrieval.lexical import Lexicon, stemmer_name
    from bot.cli import _Lang, quit_words
    assert l10n.decimal(1234.5, "xx") == "1,234.5"
    assert detect("{WORDS}") == "xx"
    assert stemmer_name("xx") == "english" and Lexicon.load().phrases["xx"]
    assert _Lang().convert("xx", None, None) == "xx" and "blorpquit" in quit_words()

    # a claim about the articles written in it is seen as one, and cut to what it says they say
    from bot.interview.claims import attributes_to_sources, negated, proposition
    from bot.interview.kinds import decide
    def no_embedding(texts):
        raise AssertionError("no heads, no embedding")
    assert decide("{CLAIM}", None, None, no_embedding) == "claim_about_sources"
    assert proposition("{CLAIM}", "xx") == "blorp quill moob"
    assert proposition("vumo zargelen, blorp quill moob", "xx") == "blorp quill moob"  # "according to"
    said = proposition("zargelen snikar threxnix blorp quill", "xx")  # "that … not"
    assert said == "plonk blorp quill" and negated(said, "xx") and not negated("{CLAIM}", "xx")
    assert not attributes_to_sources("quillwat zargelen snikar quillom blorp?")  # a question about them
    print("ok")
"""


def test_adding_a_language_is_a_data_change_only(package_with_a_new_language: Path) -> None:
    root = package_with_a_new_language
    for source in (REPO / "bot").rglob("*.py"):  # the copy's code is the product's, byte for byte
        assert (root / "bot" / source.relative_to(REPO / "bot")).read_bytes() == source.read_bytes()
    check_data(root / "bot" / "data")
    done = _run(root, THIS_COPY + PICKS_IT_UP)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]


def test_the_product_does_not_know_the_made_up_language() -> None:
    """The same checks fail on the product as shipped: the test above is not vacuous."""
    done = _run(REPO, PICKS_IT_UP)
    assert done.returncode != 0 and "AssertionError: no xx" in done.stderr, done.stderr[-2000:]
    from bot.interview.claims import attributes_to_sources, proposition

    assert not attributes_to_sources(CLAIM) and proposition(CLAIM, "xx") == CLAIM.rstrip("?")


def test_a_language_missing_from_a_file_is_named_with_file_and_key(
        package_with_a_new_language: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(package_with_a_new_language / "bot" / "data", data)
    path = data / "interview_messages.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    del content["messages"]["greeting"][NEW]
    _dump(content, path)
    with pytest.raises(LanguageError) as err:
        check_data(data)
    assert str(err.value).startswith(f"{path}: messages.greeting: no 'xx'; languages.yaml says every "
                                     "language covering interview has it")
    assert "\n" not in str(err.value)


def test_the_product_refuses_to_load_a_file_without_a_registered_language(
        package_with_a_new_language: Path, tmp_path: Path) -> None:
    """The loaders themselves check: a package whose ui.yaml lacks the new language fails on first use."""
    root = tmp_path / "pkg"
    shutil.copytree(package_with_a_new_language / "bot", root / "bot")
    path = root / "bot" / "data" / "ui.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    del content["send"][NEW]
    _dump(content, path)
    done = _run(root, """
        from bot.lang import LanguageError
        from bot.web.strings import t
        try:
            t("send", "en")
        except LanguageError as err:
            print(err)
    """)
    assert done.stdout.strip().startswith("bot/data/ui.yaml: send: no 'xx'; languages.yaml says"), done
