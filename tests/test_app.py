"""The app over real sockets: GraphQL over HTTP and websockets, health and readiness."""

from __future__ import annotations

from typing import Any

import httpx

from graphql_api.app import create_app
from graphql_api.settings import Settings
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve


async def test_typename_over_http(gql: GraphQLClient) -> None:
    assert await gql.query("{ __typename }") == {"__typename": "Query"}


async def test_anonymous_viewer_is_null(gql: GraphQLClient) -> None:
    assert await gql.query("{ viewer { id displayName } }") == {"viewer": None}


async def test_query_over_websocket(gql: GraphQLClient) -> None:
    async with gql.websocket() as ws:
        operation = await ws.subscribe("{ __typename }")
        assert await ws.next_payload(operation) == {"data": {"__typename": "Query"}}


async def test_healthz(app_url: str, http: httpx.AsyncClient) -> None:
    response = await http.get(f"{app_url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_when_migrated(app_url: str, http: httpx.AsyncClient) -> None:
    response = await http.get(f"{app_url}/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok"}


FAILED_LOGIN = """mutation($email: String!) {
  login(email: $email, password: "not the password") { accessToken }
}"""


async def _failed_login(http: httpx.AsyncClient, url: str, n: int, forwarded_for: str) -> Any:
    response = await http.post(
        f"{url}/graphql",
        json={"query": FAILED_LOGIN, "variables": {"email": f"nobody{n}@example.com"}},
        headers={"x-forwarded-for": forwarded_for},
    )
    return response.json()["errors"][0]["extensions"]


def _two_failures_per_address(settings: Settings, trusted_proxies: list[str]) -> Settings:
    return settings.model_copy(
        update={
            "trusted_proxies": trusted_proxies,
            "auth_max_failures_per_address": 2,
            "auth_max_failures_per_account": 100,
        }
    )


async def test_a_trusted_proxy_tells_the_client_address(
    settings: Settings, http: httpx.AsyncClient
) -> None:
    # The test client connects from 127.0.0.1: here, the trusted proxy.
    async with serve(create_app(_two_failures_per_address(settings, ["127.0.0.1/32"]))) as url:
        for n in range(2):
            failure = await _failed_login(http, url, n, "198.51.100.1")
            assert failure["code"] == "UNAUTHENTICATED"
        limited = await _failed_login(http, url, 2, "198.51.100.1")
        assert (limited["code"], limited["scope"]) == ("RATE_LIMITED", "address")
        # Another client behind the same proxy is not locked out with the first.
        other = await _failed_login(http, url, 3, "198.51.100.2")
        assert other["code"] == "UNAUTHENTICATED"


async def test_forwarded_headers_from_an_untrusted_peer_are_ignored(
    settings: Settings, http: httpx.AsyncClient
) -> None:
    async with serve(create_app(_two_failures_per_address(settings, ["10.0.0.1"]))) as url:
        # A client that is not a trusted proxy cannot escape the limit by forging addresses.
        for n in range(2):
            failure = await _failed_login(http, url, n, f"198.51.100.{n}")
            assert failure["code"] == "UNAUTHENTICATED"
        limited = await _failed_login(http, url, 2, "198.51.100.99")
        assert (limited["code"], limited["scope"]) == ("RATE_LIMITED", "address")


async def test_routing_refusals_answer_json_with_a_code(
    app_url: str, http: httpx.AsyncClient
) -> None:
    # Found by tests/fuzz: Starlette answered these in plain text.
    unknown = await http.get(f"{app_url}/no/such/route")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "NOT_FOUND"
    wrong_method = await http.request("TRACE", f"{app_url}/healthz")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert "GET" in wrong_method.headers["allow"]
    graphql = await http.put(f"{app_url}/graphql", json={"query": "{ __typename }"})
    assert graphql.status_code == 405
    assert graphql.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
