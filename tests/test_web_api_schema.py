"""Schemathesis against the JSON API's own OpenAPI schema (``/api/v1/openapi.json``), over the real app:
the bundled index, the real sessions store in a temp home, every default check including response
schema conformance, valid and invalid inputs, a wrong or missing key, and the 413/429 answers.

Deterministic (fixed seed, ``derandomize``, no example database) and bounded (``EXAMPLES`` cases per
operation and mode), so CI sees the same cases every run. The operations come from the schema, so a
new route is fuzzed without touching this file.

(``schemathesis.pytest.from_fixture`` would be the usual entry, but schemathesis 4.32 sets
``Function._nodeid``, which pytest 9.2 no longer has; the strategies of each operation under
Hypothesis's ``@given`` do the same work.)
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import CheckFunction
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.web_kit import brand, make_app

SEED = 20261127
EXAMPLES = 20  # per operation and generation mode
SCHEMA_URL = "/api/v1/openapi.json"
# Made at run time: schemathesis also generates strings found in the app's modules (tests.web_kit.KEY
# among them), and a generated header that happens to hold the real key is a "valid" credential.
KEY = secrets.token_urlsafe(24)
WRONG_KEY = "wrong-key-0123456789abcdef"
KEYED = {"X-API-Key": KEY}
HIGH = {"messages_per_minute_per_session": 1_000_000, "requests_per_minute_per_ip": 1_000_000,
        "sessions_per_hour_per_ip": 1_000_000, "max_message_chars": 2000}
TIGHT = {"messages_per_minute_per_session": 2, "requests_per_minute_per_ip": 1_000,
         "sessions_per_hour_per_ip": 1, "max_message_chars": 50}
# Schema-valid input the server may still refuse with 422, because no schema can say it: an edit's
# answer must be readable as that field ("5 hours a week"), so positive edits may be refused.
NO_ACCEPTANCE: list[CheckFunction] = [positive_data_acceptance]  # valid input refused by design (key, limits)
SEMANTIC_422: dict[str, list[CheckFunction]] = {"POST /api/v1/sessions/{session_id}/edits":
                                                [positive_data_acceptance]}


def config(security_parameters: bool = False) -> schemathesis.Config:
    """Deterministic generation; the key headers are generated only when asked (the key itself is
    passed to each call, so schemathesis knows it is explicit and probes without it)."""
    return schemathesis.Config.from_dict({"seed": SEED, "generation": {
        "deterministic": True, "database": "none", "with-security-parameters": security_parameters},
        # an invalid body may also be refused for its size, before it is read (413)
        "checks": {"negative_data_rejection": {
            "expected-statuses": [*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"]}}})


def operations(schema: Any) -> list[APIOperation]:
    return [result.ok() for result in schema.get_all_operations()]


def run(strategy: st.SearchStrategy[Case], test: Callable[[Case], None], examples: int = EXAMPLES) -> int:
    """``test`` on up to ``examples`` cases of ``strategy`` (derandomized, shrinking on failure);
    the number of cases run."""
    seen = 0

    @hypothesis.settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                         phases=[Phase.explicit, Phase.generate, Phase.shrink],
                         suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=strategy)
    def each(case: Case) -> None:
        nonlocal seen
        seen += 1
        test(case)

    each()
    return seen


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, bundled_retriever: Any) -> Any:
    return make_app(tmp_path_factory.mktemp("fuzz-home"), bundled_retriever,
                    brand(limits=HIGH, api={"keys": [KEY]}))


@pytest.fixture(scope="module")
def client(app: Any) -> TestClient:
    return TestClient(app, headers={"X-API-Key": KEY})


def new_session(client: TestClient) -> str:
    res = client.post("/api/v1/sessions", json={})
    assert res.status_code == 201, res.text
    session_id: str = res.json()["session_id"]
    return session_id


@pytest.fixture(scope="module")
def finished(client: TestClient) -> str:
    """A session whose interview is over (so the audit exists), answered with the first quick reply."""
    res = client.post("/api/v1/sessions", json={"lang": "de"})
    session_id, reply = res.json()["session_id"], res.json()["reply"]
    for _ in range(40):
        if reply["done"]:
            return session_id
        answer = reply["quick_replies"][0] if reply["quick_replies"] else "skip"
        reply = client.post(f"/api/v1/sessions/{session_id}/messages", json={"text": answer}).json()
    raise AssertionError("the interview did not end within 40 turns")


def sessions_for(op: APIOperation, client: TestClient, finished: str) -> Iterator[str]:
    """Real session ids for an operation on one session: a fresh one, and the finished one (except for
    deletion, which would take it from the operations after it)."""
    yield new_session(client)
    if op.method.upper() != "DELETE":
        yield finished


def strategy(op: APIOperation, mode: GenerationMode, session_ids: list[str]) -> st.SearchStrategy[Case]:
    """Cases of ``op`` in ``mode``: with a generated session id (mostly unknown: 404) or a real one."""
    if "{session_id}" not in op.path:
        return op.as_strategy(mode)
    return st.one_of(op.as_strategy(mode),
                     *[op.as_strategy(mode, path_parameters={"session_id": sid}) for sid in session_ids])


def test_every_operation_with_valid_and_invalid_input_conforms_to_the_schema(
        app: Any, client: TestClient, finished: str) -> None:
    schema = schemathesis.openapi.from_asgi(SCHEMA_URL, app, config=config())
    ops = operations(schema)
    counts: dict[str, int] = {}
    statuses: dict[str, set[int]] = {}
    for op in ops:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            ids = list(sessions_for(op, client, finished))

            def check(case: Case, op: APIOperation = op) -> None:
                res = case.call_and_validate(headers=KEYED, excluded_checks=SEMANTIC_422.get(op.label))
                statuses.setdefault(op.label, set()).add(res.status_code)

            try:
                counts[f"{op.label} {mode.value}"] = run(strategy(op, mode, ids), check)
            except hypothesis.errors.Unsatisfiable:  # nothing to make invalid (no body, no query)
                assert mode is GenerationMode.NEGATIVE and not op.body and not op.query, op.label
    assert len(ops) >= 9 and all(n > 0 for n in counts.values()), counts
    invalid = [label for label in counts if label.endswith(" negative")]
    assert len(invalid) >= 6, counts  # every operation with a body or a query got invalid input
    # the real sessions were reached: every operation succeeded at least once (edits: the answers
    # were read, and refused as unreadable, not as an unknown session)
    assert all(any(200 <= s < 300 for s in got) or (label in SEMANTIC_422 and 422 in got)
               for label, got in statuses.items()), statuses
    print(f"\n{len(ops)} operations, {sum(counts.values())} cases: {counts}")


@pytest.fixture(scope="module")
def tight_app(tmp_path_factory: pytest.TempPathFactory, bundled_retriever: Any) -> Any:
    return make_app(tmp_path_factory.mktemp("tight-home"), bundled_retriever,
                    brand(limits=TIGHT, api={"keys": [KEY]}))


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": WRONG_KEY}, {"Authorization": f"Bearer {WRONG_KEY}"}],
                         ids=["no key", "wrong X-API-Key", "wrong bearer"])
def test_without_the_key_every_api_operation_is_refused(tight_app: Any, headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_asgi(SCHEMA_URL, tight_app, config=config(security_parameters=True))
    secured = [op for op in operations(schema) if op.definition.raw.get("security")]
    assert {op.path for op in secured} == {op.path for op in operations(schema)
                                          if op.path.startswith("/api/v1/")}

    def refused(case: Case) -> None:
        for name in [k for k in case.headers if k.lower() in ("x-api-key", "authorization")]:
            del case.headers[name]  # the generated key headers: only this test's (or none) are sent
        case.headers.update(headers)
        res = case.call()
        assert res.status_code == 401, (case.operation.label, res.status_code, res.text)
        assert res.headers.get("www-authenticate") == ["Bearer"] or \
            res.headers.get("www-authenticate") == "Bearer"
        case.validate_response(res, excluded_checks=NO_ACCEPTANCE)

    for op in secured:
        assert run(op.as_strategy(GenerationMode.POSITIVE), refused, examples=5) > 0


def test_413_and_429_answers_conform_to_the_schema(tight_app: Any) -> None:
    schema = schemathesis.openapi.from_asgi(SCHEMA_URL, tight_app, config=config())
    create = schema["/api/v1/sessions"]["POST"]
    send = schema["/api/v1/sessions/{session_id}/messages"]["POST"]
    edit = schema["/api/v1/sessions/{session_id}/edits"]["POST"]

    def conforms(op: APIOperation, res: Any, **data: Any) -> None:
        op.Case(headers=KEYED, **data).validate_response(res, excluded_checks=NO_ACCEPTANCE)

    first = create.Case(headers=KEYED, body={}).call_and_validate()
    assert first.status_code == 201, first.text
    at = {"session_id": first.json()["session_id"]}
    limited = create.Case(headers=KEYED, body={}).call()  # one new session an hour from this address
    assert limited.status_code == 429 and int(limited.headers["retry-after"][0]) > 0
    conforms(create, limited, body={})

    long = send.Case(headers=KEYED, path_parameters=at, body={"text": "x" * 51}).call()  # cut, not refused
    assert long.status_code == 200 and long.json()["text"].startswith("Your message had 51 characters")
    conforms(send, long, path_parameters=at, body={"text": "x"})
    too_big = send.Case(headers=KEYED, path_parameters=at, body={"text": "x" * 5000}).call()
    assert too_big.status_code == 413  # over the body-size guard (about four times the limit)
    conforms(send, too_big, path_parameters=at, body={"text": "x"})
    big: dict[str, Any] = {"path": "resources.hours_per_week", "answer": "5" * 5000}
    body_too_big = edit.Case(headers=KEYED, path_parameters=at, body=big).call()
    assert body_too_big.status_code == 413  # refused by the body-size guard before any route
    conforms(edit, body_too_big, path_parameters=at, body={**big, "answer": "5"})

    replies = [send.Case(headers=KEYED, path_parameters=at, body={"text": "skip"}).call()
               for _ in range(2)]  # two messages a minute in one session: the cut one was the first
    assert [r.status_code for r in replies] == [200, 429]
    conforms(send, replies[-1], path_parameters=at, body={"text": "skip"})
