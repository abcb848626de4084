"""The registry of eval suites: a name, and the module attribute holding its :class:`Suite`.

Adding a suite is one module that defines ``SUITE = Suite(...)`` plus one line here. Modules are
imported only when their suite is asked for, so ``social-audit --help`` stays light.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module

from bot.errors import UnknownNameError
from evals.suite import Suite

REGISTRY: dict[str, str] = {
    "retrieval": "evals.retrieval:SUITE",
    "interview": "evals.interview:SUITE",
    "audit": "evals.audit:SUITE",
    "adversarial": "evals.adversarial:SUITE",
    "conversations": "evals.conversations:SUITE",
    "kinds": "evals.kinds:SUITE",
    "coverage": "evals.coverage:SUITE",
}


def names() -> list[str]:
    """Registered suite names, in the order they run."""
    return list(REGISTRY)


def get_suite(name: str) -> Suite:
    if name not in REGISTRY:
        raise UnknownNameError("suite", name, names())
    module, attr = REGISTRY[name].split(":")
    suite = getattr(import_module(module), attr)
    assert isinstance(suite, Suite) and suite.name == name, REGISTRY[name]
    return suite


def select(chosen: Sequence[str] = ()) -> list[Suite]:
    """The suites named (each once, in registry order), or all of them when none is named.

    Every name is checked before any suite is imported: a typo fails at once.
    """
    for name in chosen:
        if name not in REGISTRY:
            raise UnknownNameError("suite", name, names())
    return [get_suite(name) for name in names() if not chosen or name in chosen]
