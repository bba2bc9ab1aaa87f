"""The app over real sockets: GraphQL over HTTP and websockets, health and readiness."""

from __future__ import annotations

import httpx

from tests.support.graphql_client import GraphQLClient


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
