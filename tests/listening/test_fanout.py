"""Subscribers never poll: 50 of them cost Spotify what one costs, and all get each change."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from typing import Any

import pytest

from graphql_api.db.models import Poller
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.listening.conftest import login, playing, track
from tests.listening.test_subscription import SUBSCRIPTION
from tests.support.graphql_client import GraphQLClient, WebSocketSession
from tests.support.spotify import linked_user

PLAYER = "GET /v1/me/player"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Polls only when the test makes one due: counts then depend on nothing else.
    slow = 3600.0
    return settings.model_copy(
        update={
            "poll_playing_seconds": slow,
            "poll_paused_seconds": slow,
            "poll_idle_seconds": slow,
        }
    )


async def _alice_calls(emulator: EmulatorHandle) -> int:
    stats = await emulator.stats()
    return sum(
        1
        for request in stats["requests"]
        if request["user"] == "alice" and f"{request['method']} {request['route']}" == PLAYER
    )


async def _poll_now(resources: Resources, user_id: int) -> dt.datetime | None:
    """Make the user due at once (the app's loop then polls them); returns the last poll."""
    async with resources.sessionmaker() as session:
        poller = await session.get(Poller, user_id)
        assert poller is not None
        last = poller.last_poll_at
        poller.next_poll_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        await session.commit()
    return last


async def _first_poll(resources: Resources, user_id: int) -> None:
    while True:
        async with resources.sessionmaker() as session:
            poller = await session.get(Poller, user_id)
            if poller is not None and poller.last_poll_at is not None:
                return
        await asyncio.sleep(0.05)


async def _change_with(
    gql: GraphQLClient, resources: Resources, emulator: EmulatorHandle, user_id: int, n: int
) -> tuple[int, list[dict[str, Any]]]:
    """With ``n`` subscribers: one change, the calls it cost, and what each subscriber got."""
    async with contextlib.AsyncExitStack() as stack:
        sockets: list[tuple[WebSocketSession, str]] = []
        for _ in range(n):
            ws = await stack.enter_async_context(gql.websocket())
            sockets.append((ws, await ws.subscribe(SUBSCRIPTION)))
        await asyncio.gather(*(ws.next_payload(op, timeout=30) for ws, op in sockets))
        before = await _alice_calls(emulator)
        await emulator.set_player("alice", playing(track(10 + n)))
        await _poll_now(resources, user_id)
        received = await asyncio.gather(*(ws.next_payload(op, timeout=30) for ws, op in sockets))
        # Give any extra (wrong) polls time to happen before counting.
        await asyncio.sleep(0.3)
        return await _alice_calls(emulator) - before, [r["data"]["nowPlaying"] for r in received]


async def test_fifty_subscribers_cost_the_same_calls_as_one(
    resources: Resources, emulator: EmulatorHandle, gql: GraphQLClient
) -> None:
    await emulator.set_player("alice", None)
    user_id = await linked_user(resources, emulator, "alice")
    await _first_poll(resources, user_id)
    client = gql.with_token(await login(resources, user_id))

    one_calls, one_got = await _change_with(client, resources, emulator, user_id, 1)
    fifty_calls, fifty_got = await _change_with(client, resources, emulator, user_id, 50)

    assert one_calls == fifty_calls == 1
    assert [state["item"]["name"] for state in one_got] == ["Song 11"]
    assert len(fifty_got) == 50
    assert {state["item"]["name"] for state in fifty_got} == {"Song 60"}
    assert {state["change"] for state in fifty_got} == {"TRACK_CHANGED"}
