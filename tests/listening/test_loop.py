"""The poller loop: a poll that finds nothing new writes nothing to the database, and a
disabled account is polled no more."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from graphql_api.app import create_app
from graphql_api.auth.admin import disable_user
from graphql_api.composition import open_app_resources
from graphql_api.db.models import NowPlaying, Poller
from graphql_api.db.uow import unit_of_work
from graphql_api.listening.loop import PollerLoop
from graphql_api.listening.queries import poller_health
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.auth.test_session_end import _close_code
from tests.library.test_statement_count import counting
from tests.listening.conftest import login, playing, track
from tests.listening.test_subscription import SUBSCRIPTION
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.spotify import linked_user

IDLE_POLLS = 10
# Fast polls (tests/listening/conftest.py) and a lease no run of this test outlives: the
# one write an owner makes while idle is the lease's renewal, once per lease period.
ZERO_WRITE_SETTINGS: dict[str, Any] = {"poll_lease_seconds": 3600.0}


@pytest.fixture
async def loop_resources(listening_settings: Settings) -> AsyncIterator[Resources]:
    async with open_app_resources(listening_settings.model_copy(update=ZERO_WRITE_SETTINGS)) as r:
        yield r


def writes(statements: list[str]) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [s for s in statements if s.lstrip().upper().startswith(verbs)]


async def _polls(loop: PollerLoop, at_least: int) -> None:
    """Wait (bounded) until the loop has polled ``at_least`` times."""
    async with asyncio.timeout(60):
        while True:
            if loop.polls >= at_least:
                return
            await asyncio.sleep(0.02)


async def _stored(resources: Resources, user_id: int) -> tuple[Any, Any]:
    async with resources.sessionmaker() as session:
        state = await session.get(NowPlaying, user_id)
        poller = await session.get(Poller, user_id)
        assert state is not None
        assert poller is not None
        return state.observed_at, poller.last_poll_at


@pytest.mark.parametrize("player", ["same track playing", "nothing playing"])
async def test_idle_polls_write_nothing_to_the_database(
    loop_resources: Resources, emulator: EmulatorHandle, player: str
) -> None:
    resources = loop_resources
    user_id = await linked_user(resources, emulator, "alice")
    now = playing(track(1), progress_ms=5000) if player == "same track playing" else None
    await emulator.set_player("alice", now)
    loop = PollerLoop(resources)
    loop.start()
    try:
        # The first poll stores the reading (and the claim wrote the lease); the second
        # is the first idle one.
        await _polls(loop, 2)
        await loop.drain()
        before = await _stored(resources, user_id)
        with counting() as statements:
            await _polls(loop, loop.polls + IDLE_POLLS)
            await loop.drain()
    finally:
        await loop.stop()
    assert writes(statements) == [], writes(statements)
    # Reads still happen: the loop checks its lease before polling, the poll its state.
    assert len(statements) >= IDLE_POLLS
    assert await _stored(resources, user_id) == before
    calls = (await emulator.stats())["requests"]
    player_calls = [c for c in calls if c["user"] == "alice" and c["route"] == "/v1/me/player"]
    assert len(player_calls) >= 2 + IDLE_POLLS


async def _player_calls(emulator: EmulatorHandle, user: str) -> int:
    requests = (await emulator.stats())["requests"]
    return sum(1 for r in requests if r["user"] == user and r["route"] == "/v1/me/player")


async def _until_polled(emulator: EmulatorHandle, user: str, times: int) -> None:
    """Wait (bounded) until Spotify has been asked for ``user``'s player ``times`` times."""
    async with asyncio.timeout(60):
        while True:
            if await _player_calls(emulator, user) >= times:
                return
            await asyncio.sleep(0.05)


@pytest.mark.redis
async def test_disabling_a_user_stops_their_poller_and_ends_their_subscriptions(
    listening_settings: Settings, emulator: EmulatorHandle, redis_url: str, http: Any
) -> None:
    # Redis carries the announcement from the operator's process to the API's; the API
    # runs no poller of its own: this test's loop is the only one.
    settings = listening_settings.model_copy(
        update={"redis_url": redis_url, "poll_in_api": False, **ZERO_WRITE_SETTINGS}
    )
    async with open_app_resources(settings) as resources:
        alice = await linked_user(resources, emulator, "alice")
        await linked_user(resources, emulator, "bruno")
        await emulator.set_player("alice", playing(track(1)))
        await emulator.set_player("bruno", playing(track(2)))
        loop = PollerLoop(resources)
        loop.start()
        try:
            await _until_polled(emulator, "alice", 2)
            async with serve(create_app(settings)) as url:
                client = GraphQLClient(url, http, await login(resources, alice))
                async with client.websocket() as ws:
                    operation = await ws.subscribe(SUBSCRIPTION)
                    await ws.next_payload(operation)
                    async with unit_of_work(resources.sessionmaker) as uow:
                        await disable_user(uow, resources.pubsub, alice)
                    assert await _close_code(ws) == 4403
            # At most the poll in flight when the account was disabled reaches Spotify;
            # meanwhile bruno, polled at the same pace, is polled five more times.
            after = await _player_calls(emulator, "alice")
            await _until_polled(emulator, "bruno", await _player_calls(emulator, "bruno") + 5)
            assert await _player_calls(emulator, "alice") <= after + 1
        finally:
            await loop.stop()
        async with resources.sessionmaker() as session:
            health = await poller_health(session, settings, alice)
    assert health.stopped_reason == "ACCOUNT_DISABLED"
