"""The product's data files (``bot/data/*.yaml``): read once, checked against a typed schema at load
time, and replaceable by injection.

``load(name, schema)`` gives the file validated against ``schema``: a pydantic model, any type
pydantic validates (``dict[str, str]``), or a function from the parsed YAML to a value (which may
validate a model first). A mistake in the file is a one-line ``ConfigError`` naming the file and
the key: ``bot/data/cues.yaml: cues.reply.en: Input should be a valid list``. Before its schema, a
file is checked against the language registry (``bot/lang.py``): a table that lacks a language
covering the file's surface is the same kind of one-line error.

Where files come from is a ``DataSource``: by default the packaged ``bot/data``. Tests and the
bench put their own content in place for a block, validated by the same schema::

    with data_override("audit_rules.yaml", {"rules": [...]}):   # or YAML text
        build_audit(...)

and ``use_source(DataSource())`` starts from empty caches (a cold load, as the bench measures).
Values derived from data files are cached with ``@cached``, per source: an override reaches them,
and nothing computed inside the block outlives it. No cache is ever cleared.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from importlib import resources
from typing import Any, ParamSpec, TypeVar, overload

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.errors import ConfigError

T = TypeVar("T")
P = ParamSpec("P")
FOLDER = "bot/data"


def parse_yaml(text: str, where: str = "data") -> Any:
    """YAML with the C parser where PyYAML has it (the rules file parses 7x faster), safe either way."""
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        what = getattr(err, "problem", None) or "syntax error"
        raise ConfigError(f"{where}: not valid YAML ({what}{at}); fix the file") from err


def _packaged(name: str) -> Any:
    path = resources.files("bot") / "data" / name
    if not path.is_file():
        raise ConfigError(f"{FOLDER}/{name}: no such data file")
    return parse_yaml(path.read_text(encoding="utf-8"), f"{FOLDER}/{name}")


def key_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a key path: ``questions[3].text.en``; ``(top)`` for the root."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "(top)"


def describe(name: str, err: ValidationError) -> str:
    first = err.errors()[0]
    return f"{FOLDER}/{name}: {key_path(tuple(first['loc']))}: {first['msg']}"


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _validate(name: str, raw: Any, schema: Any) -> Any:
    try:
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            return schema.model_validate(raw)
        if inspect.isfunction(schema) or inspect.ismethod(schema) or isinstance(schema, Checked):
            return schema(raw)
        adapter = _ADAPTERS.get(schema) or _ADAPTERS.setdefault(schema, TypeAdapter(schema))
        return adapter.validate_python(raw)
    except ValidationError as err:
        raise ConfigError(describe(name, err)) from err


@dataclass(frozen=True)
class Checked:
    """A schema that validates the file against ``schema`` and gives the parsed YAML as it is (for
    code that reads the file as plain mappings)."""

    schema: Any

    def __call__(self, raw: Any) -> Any:
        _validate_only(self.schema, raw)
        return raw


def _validate_only(schema: Any, raw: Any) -> None:
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        schema.model_validate(raw)
    else:
        (_ADAPTERS.get(schema) or _ADAPTERS.setdefault(schema, TypeAdapter(schema))).validate_python(raw)


class DataSource:
    """Where data files come from, with the caches of what was loaded and derived from them.

    ``overrides`` maps a file name to its content (parsed YAML, or YAML text); other files come
    from ``parent`` (and its caches), or from the package when there is none."""

    def __init__(self, overrides: Mapping[str, Any] | None = None, parent: DataSource | None = None):
        self.overrides = dict(overrides or {})
        self.parent = parent
        self._loaded: dict[tuple[str, Any], Any] = {}
        self._derived: dict[tuple[Any, tuple[Any, ...]], Any] = {}

    def raw(self, name: str) -> Any:
        """The parsed content of ``name``, not validated."""
        if name in self.overrides:
            data = self.overrides[name]
            return parse_yaml(data, f"{FOLDER}/{name}") if isinstance(data, str) else data
        return self.parent.raw(name) if self.parent is not None else _packaged(name)

    def load(self, name: str, schema: Any) -> Any:
        if name not in self.overrides and self.parent is not None:
            return self.parent.load(name, schema)
        key = (name, schema)
        if key not in self._loaded:
            raw = self.raw(name)
            if name != "languages.yaml":
                from bot import lang

                lang.require(name, raw)  # every language the registry says the file covers is there
            self._loaded.setdefault(key, _validate(name, raw, schema))
        return self._loaded[key]

    def derived(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        key = (fn, args)
        if key not in self._derived:
            self._derived.setdefault(key, fn(*args))
        return self._derived[key]

    def forget(self) -> None:
        """Drop what this source loaded and derived (after a file on disk was rewritten: training)."""
        self._loaded.clear()
        self._derived.clear()


_ROOT = DataSource()
_current: ContextVar[DataSource] = ContextVar("bot_datafiles_source", default=_ROOT)


def current() -> DataSource:
    return _current.get()


@overload
def load(name: str, schema: type[T]) -> T: ...
@overload
def load(name: str, schema: Callable[[Any], T]) -> T: ...
def load(name: str, schema: Any) -> Any:
    """``bot/data/<name>`` validated against ``schema``, once per data source."""
    return current().load(name, schema)


def load_checked(name: str, schema: Any) -> Any:
    """``bot/data/<name>`` as parsed YAML, after validating it against ``schema``."""
    return current().load(name, Checked(schema))


def cached(fn: Callable[P, T]) -> Callable[P, T]:
    """``fn`` (of hashable positional arguments) computed once per data source: for values derived
    from data files, so that an override reaches them and nothing outlives its block."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        if kwargs:
            raise TypeError(f"{fn.__qualname__}: cached functions take positional arguments only")
        value: T = current().derived(fn, args)
        return value

    return wrapper


@contextmanager
def use_source(source: DataSource) -> Iterator[DataSource]:
    """Data files from ``source`` inside the block (in this thread or task)."""
    token = _current.set(source)
    try:
        yield source
    finally:
        _current.reset(token)


@contextmanager
def data_override(name: str, data: Any) -> Iterator[DataSource]:
    """``bot/data/<name>`` replaced by ``data`` (parsed YAML, or YAML text) inside the block; it is
    validated by the same schema as the file when something loads it."""
    if not (resources.files("bot") / "data" / name).is_file():
        raise ConfigError(f"{FOLDER}/{name}: no such data file to override")
    with use_source(DataSource({name: data}, parent=current())) as source:
        yield source


def packaged(name: str) -> Any:
    """The packaged file's parsed content, for a test or the bench to change and pass back."""
    return _packaged(name)
