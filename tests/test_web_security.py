"""API keys and the Content-Security-Policy decision, as pure functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.web.brand import Brand
from bot.web.security import api_keys, authorise, csp, is_loopback, presented_key

KEY = "k" * 20
OTHER = "o" * 20


def brand(**api: object) -> Brand:
    return Brand.model_validate({"api": api})


def test_keys_come_from_env_file_and_brand(tmp_path: Path) -> None:
    keys_file = tmp_path / "keys.txt"
    keys_file.write_text(f"# consultants\n{OTHER}  # acme\n\n", encoding="utf-8")
    got = api_keys(brand(keys=["b" * 16], keys_file=str(keys_file)), {"SOCIAL_AUDIT_API_KEYS": f"{KEY}, "})
    assert got == {KEY, OTHER, "b" * 16}


def test_short_keys_are_refused() -> None:
    with pytest.raises(ConfigError, match="shorter than 16"):
        api_keys(brand(keys=["secret"]), {})


def test_an_unreadable_keys_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read API keys file"):
        api_keys(brand(keys_file=str(tmp_path / "missing")), {})


def test_both_headers_carry_a_key() -> None:
    assert presented_key({"authorization": f"Bearer {KEY}"}) == KEY
    assert presented_key({"authorization": f"bearer  {KEY} "}) == KEY
    assert presented_key({"x-api-key": KEY}) == KEY
    assert presented_key({"authorization": f"Basic {KEY}"}) is None
    assert presented_key({}) is None


@pytest.mark.parametrize("keys, open_local, headers, host, status", [
    ({KEY}, False, {"x-api-key": KEY}, "8.8.8.8", 200),
    ({KEY}, False, {"authorization": f"Bearer {KEY}"}, "8.8.8.8", 200),
    ({KEY}, False, {"x-api-key": OTHER}, "127.0.0.1", 401),
    ({KEY}, False, {}, "127.0.0.1", 401),
    (set(), False, {}, "127.0.0.1", 403),
    (set(), False, {"x-api-key": KEY}, "127.0.0.1", 401),
    (set(), True, {}, "127.0.0.1", 200),
    (set(), True, {}, "::1", 200),
    (set(), True, {}, "192.168.1.9", 403),
    ({KEY}, True, {}, "10.0.0.1", 401),
    ({KEY}, True, {"x-api-key": OTHER}, "127.0.0.1", 401),
])
def test_authorise(keys: set[str], open_local: bool, headers: dict[str, str], host: str, status: int) -> None:
    result = authorise(frozenset(keys), open_local, headers, host)
    assert result.status == status and result.ok == (status == 200)


def test_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("127.5.5.5") and is_loopback("::1")
    assert not is_loopback("10.0.0.1") and not is_loopback("testclient") and not is_loopback(None)


def test_only_the_embed_may_be_framed_by_the_allowed_origins() -> None:
    origins = ["https://consultant.example"]
    assert "frame-ancestors 'self' https://consultant.example;" in csp("/embed/", origins)
    assert "frame-ancestors 'self' https://consultant.example;" in csp("/embed", origins)
    assert "frame-ancestors 'self';" in csp("/", origins)
    assert "frame-ancestors 'self';" in csp("/embedded", origins)
    assert "frame-ancestors 'self';" in csp("/api/v1/sessions", origins)
