"""The white-label configuration of the web app: a YAML file a consultant edits, read into pydantic.

Everything has a default, so no file at all gives the plain product. Paths in the file (logo, extra
corpus folders) are relative to the file. Colours are checked for contrast (WCAG 2 AA, 4.5:1 for
text); the button text colour is chosen to contrast with the primary colour.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot import lang as langs
from bot.errors import ConfigError

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5

Localised = str | dict[str, str]


def localise(value: Localised, lang: str, default_lang: str = "en") -> str:
    """The text of ``value`` in ``lang``, else the default language, else English, else any."""
    if isinstance(value, str):
        return value
    for key in (lang, default_lang, "en"):
        if value.get(key):
            return value[key]
    return next(iter(value.values()), "")


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def origin_of(value: str) -> str:
    """``scheme://host[:port]`` of an origin or URL; raises ValueError when it is not one."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an origin like https://example.com")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Colours(_Strict):
    primary: str = "#1f5f8b"
    background: str = "#ffffff"
    text: str = "#1b1b1b"

    @field_validator("primary", "background", "text")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX.match(value):
            raise ValueError(f"colour {value!r} is not #rrggbb")
        return value.lower()

    @model_validator(mode="after")
    def _readable(self) -> Colours:
        ratio = contrast(self.text, self.background)
        if ratio < MIN_CONTRAST:
            raise ValueError(f"text {self.text} on background {self.background} has contrast "
                             f"{ratio:.1f}:1; choose colours with at least {MIN_CONTRAST}:1")
        return self

    @property
    def on_primary(self) -> str:
        """Black or white, whichever reads better on the primary colour."""
        return "#ffffff" if contrast("#ffffff", self.primary) >= contrast("#000000", self.primary) \
            else "#000000"


class CallToAction(_Strict):
    """What the owner is offered at the end: a booking link, or a lead form that asks consent."""

    kind: Literal["none", "booking", "lead_form"] = "none"
    label: Localised = ""
    url: str = ""  # the booking link
    text: Localised = ""  # a sentence above the button or form

    @model_validator(mode="after")
    def _complete(self) -> CallToAction:
        if self.kind == "booking" and not self.url.startswith(("https://", "http://")):
            raise ValueError("a booking call to action needs url: https://…")
        return self


class Limits(_Strict):
    """Abuse limits, per browser session and per client address (a sliding one-minute window)."""

    messages_per_minute_per_session: int = Field(default=20, ge=1)
    requests_per_minute_per_ip: int = Field(default=120, ge=1)
    sessions_per_hour_per_ip: int = Field(default=60, ge=1)
    max_message_chars: int = Field(default=2000, ge=10, le=100_000)


class ApiAccess(_Strict):
    """The JSON API: keys (prefer env SOCIAL_AUDIT_API_KEYS or a keys file over this list)."""

    keys: list[str] = Field(default_factory=list)
    keys_file: Path | None = None
    open_local: bool = False  # no key needed, but only for clients on a loopback address


class Brand(_Strict):
    product_name: str = "Social Audit"
    tagline: Localised = ""
    logo: str | None = None  # a file (relative to the brand file) or an https URL
    colours: Colours = Field(default_factory=Colours)
    welcome: Localised = ""  # empty: the interview's own greeting only
    default_lang: str = "en"
    call_to_action: CallToAction = Field(default_factory=CallToAction)
    extra_corpus: list[Path] = Field(default_factory=list)
    allowed_origins: list[str] = Field(default_factory=list)  # may embed /embed and call the API
    limits: Limits = Field(default_factory=Limits)
    api: ApiAccess = Field(default_factory=ApiAccess)

    @field_validator("default_lang")
    @classmethod
    def _lang(cls, value: str) -> str:
        if value not in (codes := langs.codes("ui")):
            raise ValueError(f"default_lang {value!r} is not one of {', '.join(codes)}")
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        return [origin_of(v) for v in values]

    def logo_path(self) -> Path | None:
        """The logo as a local file, when it is one (URLs are served by their own host)."""
        if self.logo and not self.logo.startswith(("https://", "http://")):
            return Path(self.logo)
        return None


def _resolve(brand: Brand, base: Path) -> Brand:
    def rel(path: Path) -> Path:
        path = path.expanduser()
        return path if path.is_absolute() else (base / path).resolve()

    update: dict[str, object] = {"extra_corpus": [rel(p) for p in brand.extra_corpus]}
    if (logo := brand.logo_path()) is not None:
        update["logo"] = str(rel(logo))
    if brand.api.keys_file is not None:
        update["api"] = brand.api.model_copy(update={"keys_file": rel(brand.api.keys_file)})
    return brand.model_copy(update=update)


def load_brand(path: Path | str | None) -> Brand:
    """The brand in the YAML file at ``path`` (the defaults when None); ConfigError when invalid."""
    if path is None:
        return Brand()
    path = Path(path).expanduser()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as err:
        raise ConfigError(f"cannot read brand file {path}: {err.strerror}; check --brand") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        what = getattr(err, "problem", None) or "syntax error"
        raise ConfigError(f"brand file {path} is not valid YAML ({what}{where}); fix it") from err
    if not isinstance(data, dict):
        raise ConfigError(f"brand file {path} must hold a mapping of settings; see examples/brand.yaml")
    try:
        brand = Brand.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise ConfigError(f"brand file {path}: {where}: {first['msg']}; see examples/brand.yaml") from err
    brand = _resolve(brand, path.parent)
    if (logo := brand.logo_path()) is not None and not logo.is_file():
        raise ConfigError(f"brand file {path}: logo {logo} does not exist")
    return brand
