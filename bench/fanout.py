"""Benchmark: now-playing fan-out to N websocket subscribers, and poller throughput.

    .venv/bin/python bench/fanout.py [--subscribers 100 1000] [--events 20]
                                     [--users 200] [--seconds 40] [--budget 300]

1. Fan-out: one API process (uvicorn in a subprocess, Redis pub/sub, polling off) and
   N graphql-transport-ws subscribers to one user's ``nowPlaying`` in this process. The
   benchmark publishes events on the user's channel (as a worker's poller does) and
   measures publish-to-receipt latency at every subscriber: p50 / p99 / max. Needs Redis
   (``MIXTAPE_TEST_REDIS_URL``, default redis://127.0.0.1:6379/0).
2. Poller throughput: U linked users on the emulator, all playing, polling intervals near
   zero, for a few seconds: users polled per second, against the app-wide request budget
   (``--budget`` requests per 30 s) and without one. The emulator, the loop and SQLite
   share this process and its CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

from _api_server import api_process  # bench/_api_server.py (this script's directory)
from pydantic import SecretStr
from redis.asyncio import Redis
from websockets.asyncio.client import ClientConnection, connect

from graphql_api.auth.sessions import start_session
from graphql_api.auth.spotify_accounts import save_link
from graphql_api.composition import open_app_resources
from graphql_api.db.base import utcnow
from graphql_api.db.migrations import upgrade
from graphql_api.db.models import User
from graphql_api.events import RedisPubSub
from graphql_api.listening.events import channel
from graphql_api.listening.loop import PollerLoop
from graphql_api.settings import Settings
from graphql_api.spotify.oauth import TokenSet
from spotify_emulator.generator import generate_fixture
from spotify_emulator.testing import EmulatorHandle, run_emulator

REDIS_URL = os.environ.get("MIXTAPE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SUBSCRIPTION = "subscription { nowPlaying { change item { name } } }"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _viewer_token(settings: Settings) -> tuple[int, str]:
    async with open_app_resources(settings) as resources, resources.sessionmaker() as session:
        user = User(display_name="Bench")
        session.add(user)
        await session.flush()
        issued = await start_session(session, settings, user_id=user.id, method="bench")
        await session.commit()
        return user.id, issued.access_token


async def _subscriber(url: str, token: str, ready: asyncio.Event) -> ClientConnection:
    ws = await connect(url, subprotocols=["graphql-transport-ws"], max_queue=None)  # type: ignore[list-item]
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    )
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
    first = json.loads(await ws.recv())
    assert first["type"] == "next", first
    return ws


async def _receive(
    ws: ClientConnection, events: int, sent: dict[str, float], out: list[float]
) -> None:
    got = 0
    while got < events:
        message = json.loads(await ws.recv())
        if message.get("type") != "next":
            continue
        name = message["payload"]["data"]["nowPlaying"]["item"]["name"]
        out.append(time.perf_counter() - sent[name])
        got += 1


async def fanout(settings: Settings, base_url: str, n: int, events: int) -> dict[str, float]:
    user_id, token = await _viewer_token(settings)
    ws_url = base_url.replace("http", "ws", 1) + "/graphql"
    sockets: list[ClientConnection] = []
    for start in range(0, n, 100):  # connect in waves: the server's accept backlog is finite
        batch = [
            _subscriber(ws_url, token, asyncio.Event()) for _ in range(start, min(n, start + 100))
        ]
        sockets += await asyncio.gather(*batch)
    redis = Redis.from_url(REDIS_URL)
    pubsub = RedisPubSub(redis, settings.redis_prefix)
    sent: dict[str, float] = {}
    latencies: list[float] = []
    readers = [asyncio.create_task(_receive(ws, events, sent, latencies)) for ws in sockets]
    try:
        for k in range(events):
            name = f"bench-{k}"
            message = {
                "userId": user_id,
                "change": "TRACK_CHANGED",
                "observedAt": utcnow().isoformat(),
                "item": {"uri": f"spotify:track:{name}", "name": name, "durationMs": 200_000},
                "isPlaying": True,
                "progressMs": 0,
            }
            sent[name] = time.perf_counter()
            await pubsub.publish(channel(user_id), message)
            # Wait for everyone before the next event: latency, not queueing, is measured.
            while len(latencies) < (k + 1) * n:  # noqa: ASYNC110 - a poll is simplest here
                await asyncio.sleep(0.001)
        await asyncio.gather(*readers)
    finally:
        for ws in sockets:
            await ws.close()
        await redis.aclose()
    return {
        "p50_ms": _pct(latencies, 0.50) * 1000,
        "p99_ms": _pct(latencies, 0.99) * 1000,
        "max_ms": max(latencies) * 1000,
        "samples": len(latencies),
    }


async def _link_users(settings: Settings, emulator: EmulatorHandle, ids: list[str]) -> None:
    async with open_app_resources(settings) as resources, resources.sessionmaker() as session:
        for spotify_id in ids:
            tokens = await emulator.issue_tokens(spotify_id)
            user = User(display_name=spotify_id)
            session.add(user)
            await session.flush()
            token_set = TokenSet(
                access_token=tokens["access_token"],
                refresh_token=tokens.get("refresh_token"),
                expires_at=utcnow().replace(year=utcnow().year + 1),
                scopes=tuple(str(tokens.get("scope", "")).split()),
            )
            await save_link(
                session,
                user.id,
                {"id": spotify_id, "display_name": spotify_id},
                token_set,
                settings=settings,
            )
        await session.commit()


async def throughput(
    database_url: str, users: int, seconds: float, budget: int
) -> dict[str, float]:
    fixture = generate_fixture(
        users=users,
        saved_tracks=3,
        saved_albums=0,
        playlists=0,
        followed_artists=0,
        new_releases=0,
        seed=2,
    )
    async with run_emulator(fixture) as emulator:
        settings = Settings(
            database_url=database_url,
            spotify_client_id="mixtape-dev",
            spotify_client_secret=SecretStr("mixtape-dev-secret"),
            spotify_accounts_url=emulator.url,
            spotify_api_url=emulator.api_url,
            spotify_requests_per_30s=budget,
            poll_playing_seconds=0.01,
            poll_paused_seconds=0.01,
            poll_idle_seconds=0.01,
            poll_min_seconds=0.01,
            poll_tick_seconds=0.01,
            poll_gap_seconds=3600,
            poll_concurrency=20,
        )
        ids = [user["profile"]["id"] for user in fixture["users"]]
        await _link_users(settings, emulator, ids)
        await emulator.reset_stats()
        async with open_app_resources(settings) as resources:
            loop = PollerLoop(resources)
            started = time.perf_counter()
            loop.start()
            # Measured from the start over at least one 30 s window: a budget allows a
            # burst of its whole window, so only a full window shows its rate.
            await asyncio.sleep(seconds)
            polls, elapsed = loop.polls, time.perf_counter() - started
            await loop.stop()
        requests = (await emulator.stats())["requests_total"]
    return {
        "users_per_s": polls / elapsed,
        "requests_per_s": requests / elapsed,
        "budget_per_s": budget / 30,
    }


def fanout_api(database_url: str, prefix: str) -> contextlib.AbstractContextManager[str]:
    env = {
        "MIXTAPE_DATABASE_URL": database_url,
        "MIXTAPE_REDIS_URL": REDIS_URL,
        "MIXTAPE_REDIS_PREFIX": prefix,
        "MIXTAPE_POLL_ENABLED": "false",
        "MIXTAPE_SPOTIFY_CLIENT_ID": "bench",
        "MIXTAPE_SPOTIFY_CLIENT_SECRET": "bench",
        "MIXTAPE_LOG_LEVEL": "WARNING",
    }
    return api_process(env, "--log-level", "warning", "--ws-max-queue", "1024")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--budget", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(database_url=database_url, redis_prefix=f"bench-{uuid.uuid4().hex[:8]}")
        upgrade(settings)
        with fanout_api(database_url, settings.redis_prefix) as url:
            for n in args.subscribers:
                result = asyncio.run(fanout(settings, url, n, args.events))
                print(
                    f"fan-out N={n:>5}: publish-to-receipt p50 {result['p50_ms']:.1f} ms, "
                    f"p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.1f} ms "
                    f"({int(result['samples'])} receipts)",
                    flush=True,
                )
        for budget in (args.budget, 1_000_000):
            db = f"sqlite+aiosqlite:///{Path(tmp) / f'poll-{budget}.db'}"
            upgrade(Settings(database_url=db))
            result = asyncio.run(throughput(db, args.users, args.seconds, budget))
            label = (
                f"{budget}/30 s = {result['budget_per_s']:.0f}/s"
                if budget < 1_000_000
                else "unlimited"
            )
            print(
                f"poller: {args.users} users, budget {label}: "
                f"{result['users_per_s']:.1f} users polled/s, "
                f"{result['requests_per_s']:.1f} Spotify requests/s over {args.seconds:.0f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
