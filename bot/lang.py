"""The languages the product speaks, and telling a message's language.

The registry (``bot/data/languages.yaml``) says which languages exist and which surfaces each must
cover (interview, audit, ui, parser, detect, retrieval); every module that needs a list of languages
asks it (``codes("ui")``), and every data file of a surface is checked against it when it loads
(``require``): a language the registry promises but a file lacks is a one-line ``LanguageError``
naming the file, the key and the language.

Detection is a small, deterministic scorer (words and markers in ``bot/data/detection.yaml``).
General-purpose identifiers confuse Danish and Norwegian and guess wildly on the short answers of
a chat ("2 timmar", "nei"). This scorer counts function words and spelling markers that tell the
languages apart, and says ``None`` when the text gives it too little to go on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from bot import datafiles
from bot.errors import ConfigError

REGISTRY = "languages.yaml"
SURFACES = ("interview", "audit", "ui", "parser", "detect", "retrieval")
EVERY = "all"  # the key of a text every language shares
_CODE = re.compile(r"^[a-z]{2,3}$")
T = TypeVar("T")


class LanguageError(ConfigError):
    """The registry is wrong, or a data file lacks a language the registry says it must have."""


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in English
    native: str  # as its speakers write it
    stemmer: str  # the Snowball stemmer of lexical search
    covers: frozenset[str]  # the surfaces it must be complete in
    close: str | None = None  # languages of one group switch only on stronger evidence


@dataclass(frozen=True)
class Surface:
    name: str
    about: str
    files: tuple[str, ...]
    sparse: tuple[str, ...] = ()  # "file:dotted.key" prefixes where a language may be left out


@dataclass(frozen=True)
class Registry:
    languages: tuple[Language, ...]
    surfaces: Mapping[str, Surface]

    def codes(self, surface: str | None = None) -> tuple[str, ...]:
        """Every language, or those that cover ``surface``, in the registry's order."""
        if surface is not None and surface not in self.surfaces:
            raise LanguageError(f"unknown surface {surface!r}; choose one of: {', '.join(self.surfaces)}")
        return tuple(x.code for x in self.languages if surface is None or surface in x.covers)

    def language(self, code: str) -> Language:
        for x in self.languages:
            if x.code == code:
                return x
        raise LanguageError(f"unknown language {code!r}; choose one of: {', '.join(self.codes())}")

    def required(self, file: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The languages ``file`` must have in each of its tables, and its sparse key prefixes."""
        surfaces = [s for s in self.surfaces.values() if file in s.files]
        langs = tuple(x.code for x in self.languages if any(s.name in x.covers for s in surfaces))
        sparse = tuple(p.split(":", 1)[1] for s in surfaces for p in s.sparse if p.split(":", 1)[0] == file)
        return langs, sparse


# -- loading the registry ------------------------------------------------------------------------

def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise LanguageError(f"{where}.{key}: a non-empty text is required")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LanguageError(f"{where}: a list of names is required")
    return tuple(value)


def _surface(name: str, entry: Any, where: str) -> Surface:
    if name not in SURFACES:
        raise LanguageError(f"{where}: unknown surface {name!r}; choose among {', '.join(SURFACES)}")
    if not isinstance(entry, dict) or set(entry) - {"about", "files", "sparse"}:
        raise LanguageError(f"{where}: needs 'about' and 'files' (and may have 'sparse'), nothing else")
    sparse = _strings(entry.get("sparse", []), f"{where}.sparse")
    files = _strings(entry.get("files"), f"{where}.files")
    if bad := [p for p in sparse if p.split(":", 1)[0] not in files or ":" not in p]:
        raise LanguageError(f"{where}.sparse: {bad[0]!r} is not 'file:key' of one of its files")
    return Surface(name, _text(entry, "about", where), files, sparse)


def _language(entry: Any, surfaces: Mapping[str, Surface], where: str) -> Language:
    keys = {"code", "name", "native", "stemmer", "covers", "close"}
    if not isinstance(entry, dict) or set(entry) - keys:
        raise LanguageError(f"{where}: a language has {', '.join(sorted(keys))} and nothing else")
    code = _text(entry, "code", where)
    if not _CODE.match(code) or code == EVERY:
        raise LanguageError(f"{where}.code: {code!r} is not a two- or three-letter ISO 639 code")
    covers = _strings(entry.get("covers"), f"{where}.covers")
    if unknown := [s for s in covers if s not in surfaces]:
        raise LanguageError(f"{where}.covers: unknown surface {unknown[0]!r}; choose among "
                            f"{', '.join(surfaces)}")
    close = entry.get("close")
    if close is not None and not isinstance(close, str):
        raise LanguageError(f"{where}.close: the name of a group of close languages is required")
    return Language(code, _text(entry, "name", where), _text(entry, "native", where),
                    _text(entry, "stemmer", where), frozenset(covers), close)


def load_registry(text: str, where: str = f"bot/data/{REGISTRY}") -> Registry:
    """The registry in ``text`` (the YAML of languages.yaml); LanguageError naming the key if wrong."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise LanguageError(f"{where}: not valid YAML ({' '.join(str(err).split())})") from err
    return registry_from_data(data, where)


def registry_from_data(data: Any, where: str = f"bot/data/{REGISTRY}") -> Registry:
    """The registry of parsed languages.yaml ``data``; LanguageError naming the key if wrong."""
    if not isinstance(data, dict) or set(data) != {"surfaces", "languages"}:
        raise LanguageError(f"{where}: needs exactly 'surfaces' and 'languages'")
    if not isinstance(data["surfaces"], dict) or not isinstance(data["languages"], list):
        raise LanguageError(f"{where}: 'surfaces' is a mapping and 'languages' a list")
    surfaces = {name: _surface(name, entry, f"{where}: surfaces.{name}")
                for name, entry in data["surfaces"].items()}
    languages = tuple(_language(entry, surfaces, f"{where}: languages[{i}]")
                      for i, entry in enumerate(data["languages"]))
    codes = [x.code for x in languages]
    if dupes := sorted({c for c in codes if codes.count(c) > 1}):
        raise LanguageError(f"{where}: language {dupes[0]!r} is listed twice")
    if "en" not in codes or not languages[codes.index("en")].covers >= set(surfaces):
        raise LanguageError(f"{where}: English is every text's fallback and must cover every surface")
    return Registry(languages, surfaces)


def registry() -> Registry:
    """The product's registry, read on first use (never at import), through ``bot.datafiles``."""
    return datafiles.load(REGISTRY, registry_from_data)


def codes(surface: str | None = None) -> tuple[str, ...]:
    """Every language code, or those covering ``surface`` ("interview", "audit", "ui", ...)."""
    return registry().codes(surface)


def language(code: str) -> Language:
    return registry().language(code)


def close(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are of one group of close languages (sv, da, nb)."""
    reg = registry()
    group = {x.code: x.close for x in reg.languages}
    return a in group and b in group and group[a] is not None and group[a] == group[b]


# -- coverage of the data files ------------------------------------------------------------------

def _tables(node: Any, key: str, known: frozenset[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every language table under ``node``: a mapping whose keys are language codes (or "all"), or
    that has at least two of them beside other keys (a lexicon concept with its ``id``)."""
    if isinstance(node, dict):
        langs = [k for k in node if k in known]
        if langs and (len(langs) >= 2 or all(k in known or k == EVERY for k in node)):
            yield key, node
        for k, value in node.items():
            yield from _tables(value, f"{key}.{k}" if key else str(k), known)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _tables(value, f"{key}[{i}]", known)


def gaps(data: Any, file: str, reg: Registry) -> Iterator[str]:
    """Each place in ``data`` (the loaded ``file``) that lacks a language the registry requires."""
    required, sparse = reg.required(file)
    known = frozenset(reg.codes())
    for key, table in _tables(data, "", known):
        if EVERY in table or any(key == p or key.startswith((f"{p}.", f"{p}[")) for p in sparse):
            continue
        for lang in required:
            if lang not in table:
                yield f"{key or '(top)'}: no {lang!r}"


def check(data: Any, file: str, reg: Registry, where: str) -> None:
    """LanguageError at the first language ``data`` (the loaded ``file``, shown as ``where``) lacks."""
    for gap in gaps(data, file, reg):
        covering = "/".join(s.name for s in reg.surfaces.values() if file in s.files)
        raise LanguageError(f"{where}: {gap}; languages.yaml says every language covering {covering} "
                            "has it: add it there, or take the surface out of that language's 'covers'")


def require(file: str, data: T) -> T:
    """``data`` (the loaded package file ``bot/data/<file>``), checked against the registry."""
    check(data, file, registry(), f"bot/data/{file}")
    return data


def load(file: str) -> Any:
    """The package data file ``bot/data/<file>`` of a surface, parsed and checked against the registry
    (by the loader, ``bot.datafiles``, which checks every file it loads)."""
    return datafiles.load_checked(file, Any)


def check_data(folder: Path) -> None:
    """Every file of every surface in ``folder`` (a copy of ``bot/data``) against its registry."""
    reg = load_registry((folder / REGISTRY).read_text(encoding="utf-8"), str(folder / REGISTRY))
    for name in sorted({f for s in reg.surfaces.values() for f in s.files}):
        path = folder / name
        if not path.is_file():
            raise LanguageError(f"{path}: missing; languages.yaml lists it under a surface")
        check(yaml.safe_load(path.read_text(encoding="utf-8")), name, reg, str(path))


# -- detection -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Detection:
    langs: tuple[str, ...]
    token: re.Pattern[str]
    vocab: Mapping[str, frozenset[str]]
    markers: tuple[tuple[re.Pattern[str], tuple[str, ...], float], ...]


@datafiles.cached
def _detection() -> _Detection:
    where = "bot/data/detection.yaml"
    data = load("detection.yaml")
    langs = codes("detect")
    extra = sorted(set(data["words"]) - set(langs))
    if extra:
        raise LanguageError(f"{where}: words.{extra[0]}: not a language covering 'detect' in languages.yaml")
    markers = []
    for i, m in enumerate(data["markers"]):
        if unknown := [x for x in m["langs"] if x not in langs]:
            raise LanguageError(f"{where}: markers[{i}]: unknown language {unknown[0]!r}")
        markers.append((re.compile(m["pattern"]), tuple(m["langs"]), float(m["weight"])))
    vocab = {lang: frozenset(str(data["words"][lang]).split()) for lang in langs}
    return _Detection(langs, re.compile(data["token"]), vocab, tuple(markers))


def scores(text: str) -> dict[str, float]:
    """Evidence per language, higher is surer. Pure and fast (a few microseconds a message)."""
    det = _detection()
    lowered = text.lower()
    result: dict[str, float] = dict.fromkeys(det.langs, 0.0)
    for token in det.token.findall(lowered):
        for lang in det.langs:
            if token in det.vocab[lang]:
                result[lang] += 1.0
    for pattern, langs, weight in det.markers:
        hits = len(pattern.findall(lowered))
        if hits:
            for lang in langs:
                result[lang] += weight * min(hits, 3)
    return result


def detect(text: str, *, default: str | None = None, margin: float = 0.9) -> str | None:
    """The language of ``text``, or ``default`` when the evidence is too thin to tell."""
    order = _detection().langs
    ranked = sorted(scores(text).items(), key=lambda kv: (-kv[1], order.index(kv[0])))
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < 1.5 or top - second < margin:
        return default
    return best
