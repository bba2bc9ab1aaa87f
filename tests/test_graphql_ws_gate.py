"""The operation gate guards websockets as it guards HTTP: a subscription is bounded and its
variables checked before it starts, and the connection stays usable after a refusal."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy.exc import TimeoutError as SqlTimeout
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from graphql_api import graphql_view
from tests.support.graphql_client import GraphQLClient, WebSocketSession

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def subscription_bomb(levels: int) -> str:
    fragments = " ".join(
        f"fragment F{i} on Subscription {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    last = f"fragment F{levels} on Subscription {{ nowPlaying {{ change }} }}"
    return f"subscription {{ ...F0 }} {fragments} {last}"


async def refusal(ws: WebSocketSession, operation_id: str) -> list[dict[str, Any]]:
    while True:
        message = await ws.receive()
        if message.get("id") == operation_id:
            assert message["type"] == "error", message
            errors: list[dict[str, Any]] = message["payload"]
            return errors


@sqlite_only
@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        (subscription_bomb(30), None, "QUERY_TOO_COMPLEX"),
        (subscription_bomb(9), None, "QUERY_TOO_COMPLEX"),
        (
            "subscription($id: ID!) { librarySnapshot(id: $id) { status } }",
            {"id": None},
            "BAD_USER_INPUT",
        ),
        (
            "subscription($u: ID) { nowPlaying(userId: $u) { change } }",
            {"u": [1.5]},
            "BAD_USER_INPUT",
        ),
    ],
    ids=["fragment-bomb", "fragment-bomb-by-fields", "null-for-non-null", "list-for-id"],
)
async def test_a_subscription_is_gated_like_any_operation(
    gql: GraphQLClient, query: str, variables: dict[str, Any] | None, code: str
) -> None:
    async with gql.websocket() as ws:
        errors = await refusal(ws, await ws.subscribe(query, variables))
        assert [error["extensions"]["code"] for error in errors] == [code]
        # The connection is still there for the next operation.
        bad_again = await ws.subscribe("subscription { nope }")
        assert (await refusal(ws, bad_again))[0]["extensions"][
            "code"
        ] == "GRAPHQL_VALIDATION_FAILED"


@sqlite_only
@pytest.mark.parametrize(
    "message",
    [
        b'{"type": "ping", "payload": {"n": ' + b"9" * 5_001 + b"}}",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["5001-digits", "deep"],
)
async def test_a_websocket_message_that_is_not_json_closes_with_4400(
    gql: GraphQLClient, message: bytes
) -> None:
    async with gql.websocket() as ws:
        await ws.ws.send(message.decode())
        with pytest.raises(ConnectionClosed) as closed:
            await ws.receive()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4400


@sqlite_only
async def test_a_connection_init_that_waits_out_the_database_pool_closes_with_1013(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def pool_exhausted(*_args: object) -> None:
        raise SqlTimeout("QueuePool limit reached")

    monkeypatch.setattr(graphql_view, "viewer_of_connection_params", pool_exhausted)
    url = gql.base_url.replace("http", "ws", 1) + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1013
