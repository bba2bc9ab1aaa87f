"""Production shape: two API processes and one arq worker sharing PostgreSQL/SQLite and Redis."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest
from arq.worker import Worker

from graphql_api.app import create_app
from graphql_api.composition import open_app_resources
from graphql_api.listening.loop import should_run_in_api
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.listening.conftest import FAST_POLLING, login, playing, track
from tests.listening.test_subscription import SUBSCRIPTION
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.spotify import linked_user, point_at_emulator
from workers.settings import worker_options


@pytest.mark.redis
async def test_subscribers_on_either_api_process_receive_the_workers_events(
    settings: Settings,
    emulator: EmulatorHandle,
    redis_url: str,
    redis_prefix: str,
    http: httpx.AsyncClient,
) -> None:
    production = point_at_emulator(
        settings, emulator, redis_url=redis_url, redis_prefix=redis_prefix, **FAST_POLLING
    )
    await emulator.set_player("alice", None)
    async with open_app_resources(production) as resources:
        user_id = await linked_user(resources, emulator, "alice")
        token = await login(resources, user_id)
    worker = Worker(**worker_options(production), handle_signals=False)
    running = asyncio.create_task(worker.async_run())
    try:
        async with serve(create_app(production)) as first, serve(create_app(production)) as second:
            one = GraphQLClient(first, http, token)
            two = GraphQLClient(second, http, token)
            async with one.websocket() as ws1, two.websocket() as ws2:
                op1 = await ws1.subscribe(SUBSCRIPTION)
                op2 = await ws2.subscribe(SUBSCRIPTION)
                for ws, op in ((ws1, op1), (ws2, op2)):
                    assert (await ws.next_payload(op, timeout=15))["data"]["nowPlaying"][
                        "item"
                    ] is None
                await emulator.set_player("alice", playing(track(7)))
                for ws, op in ((ws1, op1), (ws2, op2)):
                    state = (await ws.next_payload(op, timeout=15))["data"]["nowPlaying"]
                    assert state["change"] == "TRACK_CHANGED"
                    assert state["item"]["name"] == "Song 7"
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await worker.close()


def test_with_redis_only_workers_poll_unless_told_otherwise() -> None:
    settings = Settings(database_url="sqlite+aiosqlite:///unused.db")
    with_redis = settings.model_copy(update={"redis_url": "redis://x", "poll_enabled": True})
    embedded = settings.model_copy(update={"poll_enabled": True})
    assert not should_run_in_api(with_redis)
    assert should_run_in_api(with_redis.model_copy(update={"poll_in_api": True}))
    assert should_run_in_api(embedded)
    assert not should_run_in_api(embedded.model_copy(update={"poll_enabled": False}))
