"""Websocket authentication: the connection_init payload carries the bearer token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support.graphql_client import GraphQLClient, WebSocketSession

VIEWER_ID = "{ viewer { id } }"


async def test_valid_token_sets_the_viewer(gql: GraphQLClient, ada: dict[str, Any]) -> None:
    async with gql.with_token(ada["accessToken"]).websocket() as ws:
        operation = await ws.subscribe(VIEWER_ID)
        payload = await ws.next_payload(operation)
    assert payload == {"data": {"viewer": {"id": ada["user"]["id"]}}}


async def test_no_authorization_is_anonymous(gql: GraphQLClient) -> None:
    async with gql.websocket() as ws:
        operation = await ws.subscribe(VIEWER_ID)
        assert await ws.next_payload(operation) == {"data": {"viewer": None}}


@pytest.mark.parametrize(
    "payload",
    [
        {"authorization": "Bearer not-a-token"},
        {"authorization": "Basic abc"},
        {"authorization": 42},
    ],
)
async def test_invalid_token_is_refused_with_4403(app_url: str, payload: dict[str, Any]) -> None:
    url = app_url.replace("http", "ws", 1) + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_revoked_session_is_refused(
    gql: GraphQLClient, ada: dict[str, Any], app_url: str
) -> None:
    await gql.with_token(ada["accessToken"]).query("mutation { logout }")
    url = app_url.replace("http", "ws", 1) + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"authorization": f"Bearer {ada['accessToken']}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def _messages_until_closed(ws: WebSocketSession, *, forbidden_id: str) -> None:
    # Earlier operations' messages ("complete") may still be on their way; none may answer
    # the operation that should have been refused.
    for _ in range(10):
        message = await ws.receive()
        assert message.get("id") != forbidden_id, message


async def _subscribe_until_closed(ws: WebSocketSession) -> None:
    second = await ws.subscribe(VIEWER_ID)
    await _messages_until_closed(ws, forbidden_id=second)


async def test_an_open_connection_is_closed_once_its_session_ended(
    gql: GraphQLClient, ada: dict[str, Any]
) -> None:
    # The token is checked at connection_init; a logout (or a refresh-token reuse that
    # revoked the session) must reach connections that were already open too.
    async with gql.with_token(ada["accessToken"]).websocket() as ws:
        operation = await ws.subscribe(VIEWER_ID)
        assert await ws.next_payload(operation) == {"data": {"viewer": {"id": ada["user"]["id"]}}}
        await gql.with_token(ada["accessToken"]).query("mutation { logout }")
        # The session's watcher may close the socket before this subscribe is even sent
        # (tests/auth/test_session_end.py); either way it is never answered.
        with pytest.raises(ConnectionClosed) as closed:
            await _subscribe_until_closed(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
