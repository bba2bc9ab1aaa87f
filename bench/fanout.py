"""Benchmark: now-playing fan-out to N websocket subscribers, and poller throughput.

    .venv/bin/python bench/fanout.py [--subscribers 1000 10000] [--processes 4]
                                     [--events 10] [--users 200] [--seconds 40]
                                     [--budget 300]

1. Fan-out: one API process (uvicorn in a subprocess, Redis pub/sub, polling off) and
   N graphql-transport-ws ``nowPlaying`` subscribers spread over ``--processes`` client
   processes (``_fanout_client.py``), in two shapes: many users with 4 subscribers each
   (one channel per user), and one user with all N. The benchmark publishes, on every
   user's channel, the message the poller publishes on a track change (its own
   ``NowPlayingEvent``, through ``RedisPubSub``), a fixed interval apart, and each client
   measures publish-to-receipt latency (wall clock, one machine): p50 / p99 / max; and
   the server's RSS growth per idle subscription. Needs Redis
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
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from _api_server import api_process  # bench/_api_server.py (this script's directory)
from pydantic import SecretStr
from redis.asyncio import Redis

from graphql_api.auth.sessions import start_session
from graphql_api.auth.spotify_accounts import save_link
from graphql_api.composition import open_app_resources
from graphql_api.db.base import utcnow
from graphql_api.db.migrations import upgrade
from graphql_api.db.models import User
from graphql_api.events import RedisPubSub
from graphql_api.listening.changes import Change
from graphql_api.listening.events import NowPlayingEvent, channel
from graphql_api.listening.loop import PollerLoop
from graphql_api.listening.playback import Playback, PlayingItem
from graphql_api.settings import Settings
from graphql_api.spotify.oauth import TokenSet
from spotify_emulator.generator import generate_fixture
from spotify_emulator.testing import EmulatorHandle, run_emulator

REDIS_URL = os.environ.get("MIXTAPE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _viewer_tokens(settings: Settings, count: int) -> list[tuple[int, str]]:
    async with open_app_resources(settings) as resources, resources.sessionmaker() as session:
        found = []
        for _ in range(count):
            user = User(display_name="Bench")
            session.add(user)
            await session.flush()
            issued = await start_session(session, settings, user_id=user.id, method="bench")
            found.append((user.id, issued.access_token))
        await session.commit()
        return found


def _message(user_id: int, k: int) -> dict[str, object]:
    """The message the poller publishes for a track change (its own event class), the
    publish time carried in the item's name."""
    name = f"bench-{k}@{time.time()!r}"
    item = PlayingItem(uri=f"spotify:track:{k}", kind="track", name=name, duration_ms=200_000)
    playback = Playback(observed_at=utcnow(), item=item, is_playing=True, progress_ms=0)
    return NowPlayingEvent(user_id, playback, Change.TRACK_CHANGED).as_message()


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def fanout(
    settings: Settings, base_url: str, server_pid: int, n: int, per_user: int, events: int,
    processes: int,
) -> dict[str, float]:  # fmt: skip
    """N subscribers in ``processes`` client processes, ``per_user`` per user's channel."""
    users = await _viewer_tokens(settings, max(1, n // per_user))
    ws_url = base_url.replace("http", "ws", 1) + "/graphql"
    wanted = [(token, per_user if n >= per_user else n) for _, token in users]
    rss_before = _rss_kib(server_pid)
    clients = []
    for p in range(processes):
        share = wanted[p::processes]
        if not share:
            continue
        args = [f"{token}:{count}" for token, count in share]
        clients.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                str(Path(__file__).parent / "_fanout_client.py"),
                ws_url,
                str(events),
                *args,
                stdout=asyncio.subprocess.PIPE,
            )
        )
    for client in clients:
        assert client.stdout is not None
        assert (await client.stdout.readline()).strip() == b"ready"
    await asyncio.sleep(1)
    rss_per_sub = (_rss_kib(server_pid) - rss_before) / n
    redis = Redis.from_url(REDIS_URL)
    pubsub = RedisPubSub(redis, settings.redis_prefix)
    # Events a fixed interval apart (longer than one fan-out takes): latency, not queueing.
    interval = max(0.5, n / 5_000)
    try:
        for k in range(events):
            await asyncio.gather(
                *(pubsub.publish(channel(user_id), _message(user_id, k)) for user_id, _ in users)
            )
            await asyncio.sleep(interval)
        latencies: list[float] = []
        for client in clients:
            out, _ = await client.communicate()
            latencies += json.loads(out.decode().strip().splitlines()[-1])
    finally:
        await redis.aclose()
    return {
        "p50_ms": _pct(latencies, 0.50) * 1000,
        "p99_ms": _pct(latencies, 0.99) * 1000,
        "max_ms": max(latencies) * 1000,
        "samples": len(latencies),
        "rss_kib_per_subscription": rss_per_sub,
        "users": len(users),
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


def fast_poll_settings(database_url: str, emulator: EmulatorHandle, budget: int) -> Settings:
    """Polling intervals near zero, on the emulator, with a fixed budget of ``budget``."""
    return Settings(
        database_url=database_url,
        spotify_client_id="mixtape-dev",
        spotify_client_secret=SecretStr("mixtape-dev-secret"),
        spotify_accounts_url=emulator.url,
        spotify_api_url=emulator.api_url,
        spotify_requests_per_30s=budget,
        spotify_requests_per_30s_min=budget,
        spotify_requests_per_30s_max=budget,
        poll_playing_seconds=0.01,
        poll_paused_seconds=0.01,
        poll_idle_seconds=0.01,
        poll_min_seconds=0.01,
        poll_tick_seconds=0.01,
        poll_gap_seconds=3600,
        poll_concurrency=20,
    )


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
        settings = fast_poll_settings(database_url, emulator, budget)
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


def fanout_api(
    database_url: str, prefix: str, on_start: Callable[[int], None]
) -> contextlib.AbstractContextManager[str]:
    env = {
        "MIXTAPE_DATABASE_URL": database_url,
        "MIXTAPE_REDIS_URL": REDIS_URL,
        "MIXTAPE_REDIS_PREFIX": prefix,
        "MIXTAPE_POLL_ENABLED": "false",
        "MIXTAPE_SPOTIFY_CLIENT_ID": "bench",
        "MIXTAPE_SPOTIFY_CLIENT_SECRET": "bench",
        "MIXTAPE_LOG_LEVEL": "WARNING",
    }
    return api_process(env, "--log-level", "warning", "--ws-max-queue", "1024", on_start=on_start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--budget", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(database_url=database_url, redis_prefix=f"bench-{uuid.uuid4().hex[:8]}")
        upgrade(settings)
        pid: list[int] = []
        with fanout_api(database_url, settings.redis_prefix, pid.append) as url:
            for n in args.subscribers:
                for per_user, shape in ((4, "4 per user"), (n, "one user")):
                    result = asyncio.run(
                        fanout(settings, url, pid[0], n, per_user, args.events, args.processes)
                    )
                    print(
                        f"fan-out N={n:>5} ({shape}, {int(result['users'])} channels, "
                        f"{args.processes} client processes): publish-to-receipt p50 "
                        f"{result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, max "
                        f"{result['max_ms']:.1f} ms ({int(result['samples'])} receipts); "
                        f"server RSS per idle subscription "
                        f"{result['rss_kib_per_subscription']:.1f} KiB",
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
