"""Open websockets end with their session: logout, refresh-token reuse, account deletion and
access-token expiry close them with 4403, without the client sending anything, on every
API process."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from graphql_api.app import create_app
from graphql_api.auth.jwt import issue_access_token, verify_access_token
from graphql_api.settings import Settings
from tests.auth.conftest import LOGIN, PASSWORD, REFRESH, register
from tests.support.graphql_client import GraphQLClient, WebSocketSession
from tests.support.server import serve

NOW_PLAYING = "subscription { nowPlaying { isPlaying user { displayName } } }"


async def _streaming(ws: WebSocketSession) -> str:
    """Start a subscription that stays open, and wait for its first event."""
    operation = await ws.subscribe(NOW_PLAYING)
    payload = await ws.next_payload(operation)
    assert payload["data"]["nowPlaying"]["isPlaying"] is False, payload
    return operation


async def _until_closed(ws: WebSocketSession) -> None:
    while True:
        await ws.receive(timeout=10)


async def _close_code(ws: WebSocketSession) -> int:
    """The code the server closes the socket with (a test fails by timeout if it never does)."""
    with pytest.raises(ConnectionClosed) as closed:
        await _until_closed(ws)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def test_logout_closes_the_sessions_open_subscription_with_4403(
    gql: GraphQLClient, ada: dict[str, Any]
) -> None:
    client = gql.with_token(ada["accessToken"])
    async with client.websocket() as ws:
        await _streaming(ws)
        await client.query("mutation { logout }")
        assert await _close_code(ws) == 4403


async def test_refresh_token_reuse_closes_the_sessions_open_subscription_with_4403(
    gql: GraphQLClient, ada: dict[str, Any]
) -> None:
    await gql.query(REFRESH, {"token": ada["refreshToken"]})
    async with gql.with_token(ada["accessToken"]).websocket() as ws:
        await _streaming(ws)
        reused = await gql.execute(REFRESH, {"token": ada["refreshToken"]})
        assert reused["errors"][0]["extensions"]["reason"] == "TOKEN_REUSED"
        assert await _close_code(ws) == 4403


async def test_delete_account_closes_every_open_subscription_of_the_user_with_4403(
    gql: GraphQLClient, ada: dict[str, Any]
) -> None:
    other = (await gql.query(LOGIN, {"email": "ada@example.com", "password": PASSWORD}))["login"]
    async with (
        gql.with_token(ada["accessToken"]).websocket() as first,
        gql.with_token(other["accessToken"]).websocket() as second,
    ):
        await _streaming(first)
        await _streaming(second)
        await gql.with_token(ada["accessToken"]).query("mutation { deleteAccount }")
        assert await _close_code(first) == 4403
        assert await _close_code(second) == 4403


async def test_logout_leaves_the_users_other_sessions_open(
    gql: GraphQLClient, ada: dict[str, Any]
) -> None:
    other = (await gql.query(LOGIN, {"email": "ada@example.com", "password": PASSWORD}))["login"]
    async with (
        gql.with_token(ada["accessToken"]).websocket() as ended,
        gql.with_token(other["accessToken"]).websocket() as kept,
    ):
        await _streaming(ended)
        await _streaming(kept)
        await gql.with_token(ada["accessToken"]).query("mutation { logout }")
        assert await _close_code(ended) == 4403
        # The announcement reached both connections' watchers before this subscribe is read.
        operation = await kept.subscribe("{ viewer { id } }")
        assert await kept.next_payload(operation) == {"data": {"viewer": {"id": ada["user"]["id"]}}}


async def test_an_access_token_expiring_while_connected_closes_its_subscription_with_4403(
    gql: GraphQLClient, ada: dict[str, Any], settings: Settings
) -> None:
    claims = verify_access_token(settings, ada["accessToken"])
    # Issued so that it expires two seconds from now (and is valid until then).
    issued_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=settings.auth_access_token_ttl_s - 2)
    token, expires_at = issue_access_token(
        settings, user_id=claims.user_id, session_id=claims.session_id, now=issued_at
    )
    async with gql.with_token(token).websocket() as ws:
        await ws.subscribe(NOW_PLAYING)
        assert await _close_code(ws) == 4403
    assert dt.datetime.now(dt.UTC) >= expires_at


async def _logout(client: GraphQLClient, ada: dict[str, Any]) -> None:
    await client.with_token(ada["accessToken"]).query("mutation { logout }")


async def _reuse_refresh_token(client: GraphQLClient, ada: dict[str, Any]) -> None:
    await client.query(REFRESH, {"token": ada["refreshToken"]})
    reused = await client.execute(REFRESH, {"token": ada["refreshToken"]})
    assert reused["errors"][0]["extensions"]["reason"] == "TOKEN_REUSED"


@pytest.mark.redis
@pytest.mark.parametrize("end", [_logout, _reuse_refresh_token], ids=["logout", "reuse"])
async def test_a_session_ended_on_one_api_process_closes_its_socket_open_on_another(
    settings: Settings, redis_url: str, http: httpx.AsyncClient, end: Any
) -> None:
    production = settings.model_copy(update={"redis_url": redis_url})
    async with serve(create_app(production)) as first, serve(create_app(production)) as second:
        one = GraphQLClient(first, http)
        ada = await register(one)
        async with GraphQLClient(second, http, ada["accessToken"]).websocket() as ws:
            await _streaming(ws)
            await end(one, ada)
            assert await _close_code(ws) == 4403
