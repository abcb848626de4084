"""A small declarative condition language over profile paths, evaluated in pure Python: the audit's
rules (``bot/data/audit_rules.yaml``) and the interview's questions (``bot/data/interview.yaml``)
say when they apply in it.

A condition is ``{all: [...]}``, ``{any: [...]}``, ``{not: cond}`` or a leaf ``{path: {op: operand}}``
(several ops in one leaf must all hold). Evaluation is three-valued: a leaf whose answer is not
settled is *unknown*, and unknowns propagate as in Kleene logic, so a rule never fires on a guess
and the report can say what it could not judge. Each outcome names the paths it rests on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.interview.fields import parse_skip
from bot.profile import CYCLES, SETTLED, STATUSES, Amount, Field, Kind, SalesCycle

SET_OPS = {"has", "has_any", "has_all", "has_none", "subset_of", "count_ge", "count_le", "empty"}
NUMBER_OPS = {"gt", "ge", "lt", "le"}
STATUS_OPS = {"known", "said_dont_know", "status"}
VALUE_OPS = {"is", "in"}
OPS = SET_OPS | NUMBER_OPS | STATUS_OPS | VALUE_OPS
COMPOSITES = {"all", "any", "not"}


class ConditionError(ValueError):
    """A condition that does not parse or does not fit the profile (the message says where)."""


@dataclass(frozen=True)
class Leaf:
    path: str
    op: str
    arg: Any


@dataclass(frozen=True)
class All:
    parts: tuple[Cond, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    part: Cond


Cond = Leaf | All | AnyOf | Not


@dataclass(frozen=True)
class Outcome:
    value: bool | None  # None: cannot judge, an answer it needs is missing
    paths: frozenset[str] = frozenset()  # the settled answers the value rests on
    unknown: frozenset[str] = frozenset()  # the missing answers (when value is None)


def parse(raw: Any, where: str = "condition") -> Cond:
    if not isinstance(raw, Mapping) or not raw:
        raise ConditionError(f"{where}: expected a mapping such as {{all: [...]}} or {{path: {{op: x}}}}")
    if len(raw) == 1 and next(iter(raw)) in COMPOSITES:
        key, body = next(iter(raw.items()))
        if key == "not":
            return Not(parse(body, f"{where}.not"))
        if not isinstance(body, list) or not body:
            raise ConditionError(f"{where}.{key}: expected a non-empty list")
        parts = tuple(parse(p, f"{where}.{key}[{i}]") for i, p in enumerate(body))
        return All(parts) if key == "all" else AnyOf(parts)
    leaves: list[Cond] = []
    for path, ops in raw.items():
        if path in COMPOSITES:
            raise ConditionError(f"{where}: {path!r} must stand alone in its mapping")
        if not isinstance(ops, Mapping) or not ops:
            raise ConditionError(f"{where}.{path}: expected {{op: operand}}")
        for op, arg in ops.items():
            if op not in OPS:
                raise ConditionError(f"{where}.{path}: unknown operator {op!r}; "
                                     f"choose one of: {', '.join(sorted(OPS))}")
            leaves.append(Leaf(str(path), str(op), arg))
    return leaves[0] if len(leaves) == 1 else All(tuple(leaves))


def leaves(cond: Cond) -> Iterable[Leaf]:
    if isinstance(cond, Leaf):
        yield cond
    elif isinstance(cond, Not):
        yield from leaves(cond.part)
    else:
        for part in cond.parts:
            yield from leaves(part)


def substitute(cond: Cond, channel: str) -> Cond:
    """``cond`` with ``{channel}`` in its paths replaced by ``channel``."""
    if isinstance(cond, Leaf):
        return Leaf(cond.path.replace("{channel}", channel), cond.op, cond.arg)
    if isinstance(cond, Not):
        return Not(substitute(cond.part, channel))
    parts = tuple(substitute(p, channel) for p in cond.parts)
    return All(parts) if isinstance(cond, All) else AnyOf(parts)


def _names(arg: Any, where: str) -> list[str]:
    items = arg if isinstance(arg, list) else [arg]
    if not items or not all(isinstance(x, str) for x in items):
        raise ConditionError(f"{where}: expected a name or a list of names, not {arg!r}")
    return items


def check(cond: Cond, kind_of: Callable[[str], Kind], where: str = "condition") -> None:
    """Raise ``ConditionError`` when a leaf names an unknown path or does not fit its kind."""
    for leaf in leaves(cond):
        at = f"{where}: {leaf.path} {leaf.op}"
        try:
            kind = kind_of(leaf.path)
        except Exception as err:
            raise ConditionError(f"{where}: unknown profile path {leaf.path!r}") from err
        _check_leaf(leaf, kind, at)


def _check_leaf(leaf: Leaf, kind: Kind, at: str) -> None:
    op, arg, name = leaf.op, leaf.arg, kind.name
    if op in ("known", "said_dont_know", "empty"):
        if not isinstance(arg, bool):
            raise ConditionError(f"{at}: takes true or false")
        if op == "empty" and name not in ("set", "tags"):
            raise ConditionError(f"{at}: only for sets, not a {name}")
        return
    if op == "status":
        bad = set(_names(arg, at)) - set(STATUSES)
        if bad:
            raise ConditionError(f"{at}: unknown status {sorted(bad)}; choose among {', '.join(STATUSES)}")
        return
    if op in SET_OPS:
        if name not in ("set", "tags"):
            raise ConditionError(f"{at}: only for sets, not a {name}")
        if op in ("count_ge", "count_le"):
            if isinstance(arg, bool) or not isinstance(arg, int):
                raise ConditionError(f"{at}: takes a whole number")
            return
        _check_options(_names(arg, at), kind, at)
        return
    if op in NUMBER_OPS:
        number = not isinstance(arg, bool) and isinstance(arg, int | float)
        if name not in ("number", "count", "amount") or not number:
            raise ConditionError(f"{at}: compares numbers and amounts with a number, "
                                 f"not a {name} with {arg!r}")
        return
    _check_value_op(op, arg, kind, at)


def _check_value_op(op: str, arg: Any, kind: Kind, at: str) -> None:
    if kind.name == "cycle":
        if op != "in":
            raise ConditionError(f"{at}: a sales cycle takes 'in' with categories")
        _check_options(_names(arg, at), Kind("choice", CYCLES), at)
    elif kind.name == "choice":
        _check_options(_names(arg, at) if op == "in" else [arg] if isinstance(arg, str) else [], kind, at)
    elif kind.name == "bool":
        if op != "is" or not isinstance(arg, bool):
            raise ConditionError(f"{at}: a yes/no answer takes 'is: true' or 'is: false'")
    elif kind.name in ("set", "tags", "amount"):
        raise ConditionError(f"{at}: not for a {kind.name}; use the set or number operators")


def _check_options(names: list[str], kind: Kind, at: str) -> None:
    if not names:
        raise ConditionError(f"{at}: expected one of {', '.join(kind.options)}")
    bad = [n for n in names if kind.options and n not in kind.options]
    if bad:
        raise ConditionError(f"{at}: unknown option {bad[0]!r}; choose among {', '.join(kind.options)}")


# -- evaluation ------------------------------------------------------------------------------

def evaluate(cond: Cond, lookup: Callable[[str], Field[Any]]) -> Outcome:
    if isinstance(cond, Leaf):
        return _leaf(cond, lookup(cond.path))
    if isinstance(cond, Not):
        inner = evaluate(cond.part, lookup)
        return Outcome(None if inner.value is None else not inner.value, inner.paths, inner.unknown)
    outcomes = [evaluate(p, lookup) for p in cond.parts]
    decisive = not isinstance(cond, All)  # one False decides an all, one True an any
    for outcome in outcomes:
        if outcome.value is decisive:
            return Outcome(decisive, outcome.paths)
    unknown = [o for o in outcomes if o.value is None]
    if unknown:
        return Outcome(None, unknown=frozenset().union(*(o.unknown for o in unknown)))
    return Outcome(not decisive, frozenset().union(*(o.paths for o in outcomes)))


def said_dont_know(leaf: Field[Any]) -> bool:
    """Asked, and the answer was "don't know": status unknown with the message it came from, a
    message that says so. A question answered in part, or not understood, also closes its open
    fields as unknown with the message; the owner did not say "don't know" to those."""
    return (leaf.status == "unknown" and leaf.source_message is not None
            and parse_skip(leaf.source_message) == "unknown")


def _leaf(cond: Leaf, leaf: Field[Any]) -> Outcome:
    op, arg, here = cond.op, cond.arg, frozenset({cond.path})
    if op == "known":
        return Outcome((leaf.status in SETTLED) is arg, here)
    if op == "said_dont_know":
        return Outcome(said_dont_know(leaf) is arg, here)
    if op == "status":
        return Outcome(leaf.status in (arg if isinstance(arg, list) else [arg]), here)
    if leaf.status not in SETTLED or leaf.value is None:
        return Outcome(None, unknown=here)
    return Outcome(_test(op, arg, leaf.value), here)


def _test(op: str, arg: Any, value: Any) -> bool:
    if op in SET_OPS:
        items: frozenset[str] = value
        names = set(arg) if isinstance(arg, list) else {arg}
        tests: dict[str, Callable[[], bool]] = {
            "has": lambda: names <= items, "has_all": lambda: names <= items,
            "has_any": lambda: bool(names & items), "has_none": lambda: not names & items,
            "subset_of": lambda: items <= names, "empty": lambda: (not items) is arg,
            "count_ge": lambda: len(items) >= arg, "count_le": lambda: len(items) <= arg}
        return tests[op]()
    if op in NUMBER_OPS:
        number = value.mid if isinstance(value, Amount) else float(value)
        return {"gt": number > arg, "ge": number >= arg, "lt": number < arg, "le": number <= arg}[op]
    if isinstance(value, SalesCycle):
        value = value.category
    return value in arg if op == "in" else bool(value == arg)
