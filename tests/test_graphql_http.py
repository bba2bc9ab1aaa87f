"""/graphql over HTTP: malformed and oversized requests get a client error with a JSON body,
bad variables are BAD_USER_INPUT, the GraphQL-over-HTTP media types, introspection and GraphiQL
switches. Served by a real uvicorn over loopback sockets."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from graphql_api.app import create_app
from graphql_api.settings import Settings
from tests.support.raw_http import RawRequest
from tests.support.server import serve

# One backend is enough: nothing here reaches the database.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

JSON = {"content-type": "application/json"}
GRAPHQL_RESPONSE = {
    "content-type": "application/json",
    "accept": "application/graphql-response+json",
}


@asynccontextmanager
async def serve_with(settings: Settings, **changes: Any) -> AsyncIterator[str]:
    """An app on ``settings`` with some of them changed."""
    async with serve(create_app(settings.model_copy(update=changes))) as url:
        yield url


def only_error(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/"), response.text
    assert response.headers["content-type"].split(";")[0].endswith("json"), response.text
    body = response.json()
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    return error


@sqlite_only
@pytest.mark.parametrize(
    "body",
    [
        b"null",
        b'"a string"',
        b"3",
        b"true",
        b"[]",
        b'\xff\xfe{"query": "{ __typename }"}',
        b'{"query": "{ __typename }", "variables": {"n": ' + b"7" * 5_001 + b"}}",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["null", "string", "number", "true", "list", "not-utf8", "5001-digits", "deep"],
)
async def test_a_body_that_is_not_one_json_object_is_a_400_with_a_json_error(
    app_url: str, http: httpx.AsyncClient, body: bytes
) -> None:
    response = await http.post(f"{app_url}/graphql", content=body, headers=JSON)
    assert response.status_code == 400
    assert only_error(response)["extensions"]["code"] == "BAD_REQUEST"


WITH_FIRST = "query($n: Int) { viewer { librarySnapshots(first: $n) { totalCount } } }"
NON_NULL = "query($n: Int!) { listeningNow(first: $n) { totalCount } }"
SORTED = "query($s: LibrarySort) { viewer { library { savedTracks(sort: $s) { totalCount } } } }"


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@sqlite_only
@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (WITH_FIRST, {"n": "ten"}),
        (WITH_FIRST, {"n": 1.5}),
        (WITH_FIRST, {"n": 3e9}),
        (WITH_FIRST, {"n": [1]}),
        (NON_NULL, {"n": None}),
        (NON_NULL, {}),
        (SORTED, {"s": {"key": "NOT_A_KEY"}}),
        (SORTED, {"s": {"direction": "UP", "extra": 1}}),
        (WITH_FIRST, {"n": nested(10)}),
        (WITH_FIRST, {"n": nested(900)}),
    ],
    ids=[
        "string-for-int",
        "1.5",
        "3e9",
        "list-for-int",
        "null-for-non-null",
        "missing-non-null",
        "unknown-enum",
        "unknown-field",
        "nested-lists",
        "deeply-nested-lists",
    ],
)
async def test_bad_variable_values_are_bad_user_input_and_log_no_traceback(
    app_url: str,
    http: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    query: str,
    variables: dict[str, Any],
) -> None:
    with caplog.at_level(logging.ERROR):
        response = await http.post(
            f"{app_url}/graphql", json={"query": query, "variables": variables}
        )
    assert response.status_code == 200  # application/json: 200 for a well-formed request
    body = response.json()
    assert "data" not in body  # refused before execution
    assert {error["extensions"]["code"] for error in body["errors"]} == {"BAD_USER_INPUT"}
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@sqlite_only
async def test_a_bad_variable_is_a_400_under_graphql_response_json(
    app_url: str, http: httpx.AsyncClient
) -> None:
    response = await http.post(
        f"{app_url}/graphql",
        content=json.dumps({"query": WITH_FIRST, "variables": {"n": 1.5}}),
        headers=GRAPHQL_RESPONSE,
    )
    assert response.status_code == 400
    assert only_error(response)["extensions"]["code"] == "BAD_USER_INPUT"


@sqlite_only
async def test_a_body_declared_over_the_limit_is_413_before_any_of_it_is_sent(
    settings: Settings,
) -> None:
    async with serve_with(settings) as url:
        # 200 MB announced, none of it sent: the answer cannot wait for the body.
        request = await RawRequest.start(
            url, "/graphql", {"content-type": "application/json", "content-length": "200000000"}
        )
        try:
            response = await request.response()
        finally:
            await request.close()
        assert response.status == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


@sqlite_only
async def test_a_chunked_body_is_refused_with_413_as_soon_as_it_passes_the_limit(
    settings: Settings,
) -> None:
    async with serve_with(settings, graphql_max_body_bytes=10_000) as url:
        request = await RawRequest.start(
            url, "/graphql", {"content-type": "application/json", "transfer-encoding": "chunked"}
        )
        try:
            chunk = b"x" * 4_000
            for _ in range(3):  # 12,000 bytes, and no final chunk: the body never ends
                await request.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            response = await request.response()
        finally:
            await request.close()
        assert response.status == 413
        assert "10000 bytes" in response.json()["errors"][0]["message"]


@sqlite_only
async def test_a_body_within_the_limit_is_served(settings: Settings) -> None:
    small = serve_with(settings, graphql_max_body_bytes=100)
    async with small as url, httpx.AsyncClient() as http:
        fits = await http.post(f"{url}/graphql", json={"query": "{ __typename }"})
        padded = await http.post(f"{url}/graphql", json={"query": "{ __typename }" + " " * 100})
    assert fits.json() == {"data": {"__typename": "Query"}}
    assert padded.status_code == 413


@sqlite_only
async def test_a_one_megabyte_query_is_refused_by_the_body_limit(
    app_url: str, http: httpx.AsyncClient
) -> None:
    query = "{ " + "__typename " * 90_000 + "}"  # ~1 MB
    response = await http.post(f"{app_url}/graphql", json={"query": query})
    assert response.status_code == 413
    assert only_error(response)["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


@sqlite_only
async def test_a_query_over_the_length_limit_is_refused(
    app_url: str, http: httpx.AsyncClient
) -> None:
    query = "{ " + "__typename " * 20_000 + "}"  # 220,000 characters, within the body limit
    response = await http.post(
        f"{app_url}/graphql", json={"query": query}, headers=GRAPHQL_RESPONSE
    )
    assert response.status_code == 400
    error = only_error(response)
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "more than 20000" in error["message"]


@sqlite_only
async def test_a_query_over_the_token_limit_is_refused(
    app_url: str, http: httpx.AsyncClient
) -> None:
    query = "{ " + "a " * 6_000 + "}"  # 12,000 characters: within the length limit
    response = await http.post(f"{app_url}/graphql", json={"query": query})
    error = only_error(response)
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "more than 5000 tokens" in error["message"]


SUBSCRIPTION = "subscription { nowPlaying { change } }"


@sqlite_only
async def test_a_subscription_over_http_post_is_a_client_error(
    app_url: str, http: httpx.AsyncClient
) -> None:
    response = await http.post(f"{app_url}/graphql", json={"query": SUBSCRIPTION})
    assert response.status_code == 400
    error = only_error(response)
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "websockets" in error["message"]


@sqlite_only
async def test_a_subscription_over_http_get_is_a_client_error(
    app_url: str, http: httpx.AsyncClient
) -> None:
    response = await http.get(
        f"{app_url}/graphql", params={"query": SUBSCRIPTION}, headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert "websockets" in only_error(response)["message"]


@sqlite_only
async def test_a_mutation_over_get_is_405(app_url: str, http: httpx.AsyncClient) -> None:
    response = await http.get(
        f"{app_url}/graphql",
        params={"query": "mutation { logout }"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 405
    assert only_error(response)["extensions"]["code"] == "METHOD_NOT_ALLOWED"


@sqlite_only
@pytest.mark.parametrize(
    ("query", "code"),
    [("{ viewer {", "GRAPHQL_PARSE_FAILED"), ("{ nope }", "GRAPHQL_VALIDATION_FAILED")],
)
async def test_request_errors_are_400_without_data_under_graphql_response_json(
    app_url: str, http: httpx.AsyncClient, query: str, code: str
) -> None:
    response = await http.post(
        f"{app_url}/graphql", content=json.dumps({"query": query}), headers=GRAPHQL_RESPONSE
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/graphql-response+json"
    assert "data" not in response.json()
    assert only_error(response)["extensions"]["code"] == code


@sqlite_only
async def test_request_errors_stay_200_under_application_json(
    app_url: str, http: httpx.AsyncClient
) -> None:
    response = await http.post(
        f"{app_url}/graphql",
        json={"query": "{ nope }"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert only_error(response)["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@sqlite_only
@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/graphql-response+json", "application/graphql-response+json"),
        (
            "application/graphql-response+json, application/json;q=0.9",
            "application/graphql-response+json",
        ),
        ("application/json, application/graphql-response+json;q=0.5", "application/json"),
        ("application/json, multipart/mixed", "application/json"),  # GraphiQL
        ("*/*", "application/json"),
    ],
)
async def test_the_answer_speaks_the_media_type_the_client_prefers(
    app_url: str, http: httpx.AsyncClient, accept: str, media_type: str
) -> None:
    response = await http.post(
        f"{app_url}/graphql", json={"query": "{ __typename }"}, headers={"accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.json() == {"data": {"__typename": "Query"}}


INTROSPECTION = "{ __schema { queryType { name } } }"


@sqlite_only
async def test_introspection_can_be_turned_off(settings: Settings) -> None:
    closed = serve_with(settings, graphql_introspection=False)
    async with closed as url, httpx.AsyncClient() as http:
        refused = await http.post(f"{url}/graphql", json={"query": INTROSPECTION})
        typename = await http.post(f"{url}/graphql", json={"query": "{ __typename }"})
    errors = refused.json()["errors"]
    assert {error["extensions"]["code"] for error in errors} == {"GRAPHQL_VALIDATION_FAILED"}
    assert "introspection has been disabled" in errors[0]["message"]
    assert typename.json() == {"data": {"__typename": "Query"}}


@sqlite_only
async def test_introspection_is_on_by_default_outside_production(
    app_url: str, http: httpx.AsyncClient
) -> None:
    response = await http.post(f"{app_url}/graphql", json={"query": INTROSPECTION})
    assert response.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


@sqlite_only
async def test_graphiql_can_be_turned_off(settings: Settings) -> None:
    async with serve_with(settings, graphql_ide=False) as url, httpx.AsyncClient() as http:
        page = await http.get(f"{url}/graphql", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert only_error(page)["extensions"]["code"] == "NOT_FOUND"


def test_production_turns_introspection_and_graphiql_off_unless_asked() -> None:
    production = {
        "env": "production",
        "secret_key": "s" * 40,
        "spotify_client_id": "id",
        "spotify_client_secret": "secret",
        "spotify_redirect_uri": "https://mixtape.example/auth/spotify/callback",
    }
    default = Settings(**production)  # type: ignore[arg-type]
    assert not default.graphql_introspection_enabled
    assert not default.graphql_ide_enabled
    asked = Settings(**production, graphql_introspection=True, graphql_ide=True)  # type: ignore[arg-type]
    assert asked.graphql_introspection_enabled
    assert asked.graphql_ide_enabled
    assert Settings().graphql_introspection_enabled
