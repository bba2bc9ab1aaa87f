"""PostgreSQL + Redis with two ``mixtape serve`` processes: presence, votes and live states
cross processes, and a burst of 20 votes spread over both skips exactly one song (20 rounds).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
import pytest

from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.library.test_arq_worker import _environment
from tests.library.test_recovery import _mixtape_serve
from tests.listening.conftest import FAST_POLLING
from tests.rooms.conftest import (
    FAST_ROOMS,
    HOST,
    NEXT,
    VOTE,
    WATCH,
    RoomClient,
    burst_skips_one_song,
    join_guest,
    next_state,
    open_room,
    playing,
    track,
    wait_for_room,
)
from tests.support.spotify import linked_user
from tests.support.users import login

pytestmark = pytest.mark.redis


@pytest.fixture
async def two_apps(
    settings: Settings, redis_url: str, room_resources: Resources
) -> AsyncIterator[tuple[str, str]]:
    """Two API processes on one PostgreSQL and one Redis, each polling and following rooms."""
    if settings.is_sqlite:
        pytest.skip("several API processes share PostgreSQL and Redis")
    env = _environment(settings.model_copy(update={"redis_url": redis_url}))
    env.update({f"MIXTAPE_{key.upper()}": str(value) for key, value in FAST_POLLING.items()})
    env.update({f"MIXTAPE_{key.upper()}": str(value) for key, value in FAST_ROOMS.items()})
    env["MIXTAPE_POLL_IN_API"] = "true"  # no arq worker here: the API processes poll
    async with _mixtape_serve(env) as (first, _), _mixtape_serve(env) as (second, _):
        yield first, second


@pytest.fixture
async def host_token(room_resources: Resources, emulator: EmulatorHandle) -> str:
    """Alice, linked and playing Song 1."""
    await emulator.set_player(HOST, playing(track(1)))
    return await login(room_resources, await linked_user(room_resources, emulator, HOST))


@pytest.mark.timeout(600)
async def test_votes_presence_and_states_cross_two_api_processes(
    two_apps: tuple[str, str], host_token: str, emulator: EmulatorHandle
) -> None:
    token = host_token
    async with httpx.AsyncClient(timeout=60) as http:
        a, b = (RoomClient(url, http, token, None) for url in two_apps)
        room = await open_room(a, skipShare=0.5)
        code = room["code"]
        guests = [await join_guest(c, code, n) for c, n in ((a, "Ana"), (b, "Ben"), (a, "Cy"))]
        on_b = [RoomClient(b.base_url, http, None, g.client.room_token) for g in guests]
        async with AsyncExitStack() as stack:
            # Ana watches on A; Ben and Cy on B: presence counts them all, everywhere.
            clients = [guests[0].client, on_b[1], on_b[2]]
            sockets = [await stack.enter_async_context(c.room_websocket()) for c in clients]
            ops = [await ws.subscribe(WATCH, {"code": code}) for ws in sockets]
            for ws, op in zip(sockets, ops, strict=True):
                await next_state(ws, op, lambda s: True)
            state = await wait_for_room(a, code, lambda s: s["guestsPresent"] == 3)
            assert state["skipThreshold"] == 2
            await emulator.reset_stats()
            await guests[0].client.query(VOTE, {"code": code})  # on A
            await on_b[1].query(VOTE, {"code": code})  # on B
            after = room["trackNumber"] + 1
            for ws, op in zip(sockets, ops, strict=True):  # seen on both processes
                await next_state(ws, op, lambda s: s["trackNumber"] == after)
            assert emulator.player_commands(await emulator.stats(), HOST) == {NEXT: 1}


@pytest.mark.timeout(900)
async def test_twenty_votes_spread_over_two_processes_skip_exactly_one_song_twenty_times(
    two_apps: tuple[str, str], host_token: str, emulator: EmulatorHandle
) -> None:
    token = host_token
    async with httpx.AsyncClient(timeout=60) as http:
        apps = [RoomClient(url, http, token, None) for url in two_apps]
        room = await open_room(apps[0], votesToSkip=2)
        code = room["code"]
        guests = [await join_guest(apps[n % 2], code, f"Guest {n}") for n in range(20)]
        track_number = room["trackNumber"]
        for _ in range(20):
            track_number = await burst_skips_one_song(emulator, guests, apps[1], code, track_number)
