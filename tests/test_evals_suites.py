"""The suite registry: names, lookups, and a one-line error for a name it does not know."""

from __future__ import annotations

import pytest

from bot.errors import SocialAuditError, UnknownNameError
from evals.suite import Suite
from evals.suites import REGISTRY, get_suite, names, select


def test_every_registered_suite_loads_under_its_own_name() -> None:
    assert "retrieval" in names()
    for name in names():
        suite = get_suite(name)
        assert isinstance(suite, Suite) and suite.name == name
        assert suite.description and suite.fast_subset and callable(suite.run)


def test_unknown_suite_names_the_choices() -> None:
    with pytest.raises(UnknownNameError) as err:
        get_suite("retreival")
    assert str(err.value) == f"unknown suite 'retreival'; choose one of: {', '.join(REGISTRY)}"
    assert isinstance(err.value, SocialAuditError) and "\n" not in str(err.value)


def test_select_all_by_default_and_each_named_once_in_registry_order() -> None:
    assert [s.name for s in select()] == names()
    assert [s.name for s in select(["retrieval", "retrieval"])] == ["retrieval"]


def test_select_checks_every_name_before_loading_any() -> None:
    with pytest.raises(UnknownNameError, match="unknown suite 'audit2'"):
        select(["retrieval", "audit2"])
