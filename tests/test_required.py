"""What CI installs cannot be skipped there: a test that needs Debian's chromium or PostgreSQL skips
without it, except when ``$SOCIAL_AUDIT_REQUIRE`` names it (as .ci/run does), where it fails."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO, REQUIRE, unavailable


def test_a_missing_tool_skips_the_test_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE, "postgresql")
    with pytest.raises(pytest.skip.Exception, match="no chromium here"):
        unavailable("chromium", "no chromium here")


def test_a_missing_tool_that_is_required_fails_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE, "chromium postgresql")
    for what in ("chromium", "postgresql"):
        with pytest.raises(pytest.fail.Exception, match=f"no {what} here; .* requires {what}"):
            unavailable(what, f"no {what} here")


def test_ci_installs_chromium_and_postgresql_and_requires_them() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get install" in ci and re.search(r"install .*\bchromium\b.*\bpostgresql\b", ci)
    required = re.search(rf'^export {REQUIRE}="([^"]*)"$', ci, re.MULTILINE)
    assert required and set(required.group(1).split()) == {"chromium", "postgresql"}, required
    assert ci.index(f"export {REQUIRE}") < ci.index("make test")
