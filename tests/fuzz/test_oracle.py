"""The fuzzers' oracle flags each kind of bad answer, and passes good ones."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from tests.fuzz.live import ErrorLog
from tests.fuzz.oracle import graphql_problems, rest_problems

JSON = "application/json"


def _body(payload: object) -> bytes:
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    "payload",
    [
        {"data": {"viewer": None}},
        {"data": None, "errors": [{"message": "no", "extensions": {"code": "UNAUTHENTICATED"}}]},
        {
            "errors": [
                {
                    "message": "x",
                    "locations": [{"line": 1, "column": 2}],
                    "path": ["a", 0],
                    "extensions": {"code": "BAD_USER_INPUT"},
                }
            ]
        },
    ],
)
def test_well_formed_graphql_answers_pass(payload: object) -> None:
    assert graphql_problems(200, JSON, _body(payload)) == []
    assert graphql_problems(400, "application/graphql-response+json", _body(payload)) == []


@pytest.mark.parametrize(
    ("status", "content_type", "body", "expected"),
    [
        (500, JSON, _body({"data": None}), "HTTP 500"),
        (400, "text/plain", b"Unsupported content type", "not a GraphQL response"),
        (200, JSON, b"{", "not JSON"),
        (200, JSON, _body([1]), "not a JSON object"),
        (200, JSON, _body({}), "neither data nor errors"),
        (200, JSON, _body({"data": {}, "trace": 1}), "unexpected top-level keys"),
        (200, JSON, _body({"data": 3}), "data is not an object"),
        (200, JSON, _body({"errors": []}), "not a non-empty list"),
        (200, JSON, _body({"errors": [{"message": "x"}]}), "without extensions.code"),
        (
            200,
            JSON,
            _body({"errors": [{"message": "x", "extensions": {"code": ""}}]}),
            "without extensions.code",
        ),
        (200, JSON, _body({"errors": [{"extensions": {"code": "X"}}]}), "without a message"),
        (
            200,
            JSON,
            _body(
                {
                    "errors": [
                        {
                            "message": "Unexpected error.",
                            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                        }
                    ]
                }
            ),
            "an internal error",
        ),
        (
            200,
            JSON,
            _body({"errors": [{"message": "x", "path": [{}], "extensions": {"code": "X"}}]}),
            "malformed path",
        ),
        (
            200,
            JSON,
            _body(
                {
                    "errors": [
                        {"message": "x", "locations": [{"line": "1"}], "extensions": {"code": "X"}}
                    ]
                }
            ),
            "malformed locations",
        ),
    ],
)
def test_bad_graphql_answers_are_flagged(
    status: int, content_type: str, body: bytes, expected: str
) -> None:
    problems = graphql_problems(status, content_type, body)
    assert len(problems) == 1
    assert expected in problems[0]


def test_rest_answers_need_a_json_error_code_on_error_statuses() -> None:
    assert rest_problems(302, "", b"") == []
    assert rest_problems(200, "application/zip", b"PK") == []
    assert rest_problems(404, JSON, _body({"error": {"code": "NOT_FOUND", "message": "x"}})) == []
    assert "HTTP 502" in rest_problems(502, JSON, b"{}")[0]
    assert "not JSON" in rest_problems(405, "text/plain", b"Method Not Allowed")[0]
    assert "without an error code" in rest_problems(400, JSON, _body({"detail": "x"}))[0]


def test_error_log_collects_error_records_of_its_loggers_only() -> None:
    # Loggers of its own: the session's ErrorLog listens to the app's loggers meanwhile.
    log = ErrorLog(names=("tests.fuzz.selftest",))
    log.attach()
    try:
        logging.getLogger("tests.fuzz.selftest.child").error("boom", exc_info=ValueError("why"))
        logging.getLogger("tests.fuzz.selftest").warning("fine")
        logging.getLogger("tests.fuzz.elsewhere").error("not ours")
        lines = log.since(0)
    finally:
        log.detach()
    assert len(lines) == 1
    assert lines[0].startswith("tests.fuzz.selftest.child ERROR: boom")
    assert "ValueError: why" in lines[0]
    assert log.unattributed() == []


def test_error_log_off_main_thread_skips_the_main_threads_records() -> None:
    log = ErrorLog(names=("tests.fuzz.selftest",), off_main_thread=True)
    log.attach()
    try:
        logging.getLogger("tests.fuzz.selftest").error("a test's deliberate error")
        worker = threading.Thread(
            target=logging.getLogger("tests.fuzz.selftest").error, args=("the app's",)
        )
        worker.start()
        worker.join()
        lines = log.since(0)
    finally:
        log.detach()
    assert lines == ["tests.fuzz.selftest ERROR: the app's"]
