"""Benchmark: the now-playing poller at scale: many linked users, most of them idle.

    .venv/bin/python bench/poller_scale.py [--users 10000] [--active 100] [--seconds 30]
                                           [--lease-seconds 60] [--engine sqlite postgresql]

One worker's ``PollerLoop`` polls U linked users (``--active`` of them playing, the rest
with no player at all), with polling intervals near zero and an unlimited request
budget, for a while. Reports polls per second, CPU per poll (this process, which also
runs the emulator), and the database rows written per poll of an idle user (the target
is none), by statement. The first poll of each user (which stores their state once) is
not counted. Besides its polls, an owner renews each user's lease once per lease period
(one ``UPDATE pollers``): a ``--lease-seconds`` longer than the run leaves those out.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from typing import Any

from _databases import ENGINES, fresh_database  # bench/_databases.py
from fanout import _link_users, fast_poll_settings  # bench/fanout.py
from sqlalchemy import event, func, select

from graphql_api.composition import open_app_resources
from graphql_api.db.models import NowPlaying
from graphql_api.listening.loop import PollerLoop
from spotify_emulator.generator import generate_fixture
from spotify_emulator.testing import run_emulator


async def _stored_readings(resources: Any) -> int:
    async with resources.reader() as session:
        return int(await session.scalar(select(func.count()).select_from(NowPlaying)) or 0)


async def measure(
    engine: str, users: int, active: int, seconds: float, lease_s: float = 60.0
) -> dict[str, Any]:
    fixture = generate_fixture(
        users=users,
        saved_tracks=1,
        saved_albums=0,
        playlists=0,
        followed_artists=0,
        new_releases=0,
        seed=3,
    )
    for user in fixture["users"][active:]:
        user["player"] = None
    async with fresh_database(engine) as database_url, run_emulator(fixture) as emulator:
        settings = fast_poll_settings(database_url, emulator, 1_000_000).model_copy(
            update={"poll_lease_seconds": lease_s}
        )
        ids = [user["profile"]["id"] for user in fixture["users"]]
        linking = time.perf_counter()
        await _link_users(settings, emulator, ids)
        linked_s = time.perf_counter() - linking
        written = {"rows": 0, "statements": 0}
        tables: Counter[str] = Counter()

        def count(_c: Any, cursor: Any, statement: str, *_: Any) -> None:
            words = statement.split(None, 3)
            verb = words[0].upper() if words else ""
            if verb in ("INSERT", "UPDATE", "DELETE") and cursor.rowcount > 0:
                written["rows"] += cursor.rowcount
                written["statements"] += 1
                target = words[2] if verb in ("INSERT", "DELETE") else words[1]
                tables[f"{verb} {target}"] += 1

        async with open_app_resources(settings) as resources:
            event.listen(resources.engine.sync_engine, "after_cursor_execute", count)
            loop = PollerLoop(resources)
            # Warm-up: every user's first poll stores their state once (not idle yet).
            loop.start()
            # Until every user's first poll (which stores their first reading) is done.
            while await _stored_readings(resources) < users:  # noqa: ASYNC110
                await asyncio.sleep(0.2)
            await asyncio.sleep(0.5)  # the last first polls' transactions commit
            written.update(rows=0, statements=0)
            tables.clear()
            polls0, cpu0, wall0 = loop.polls, time.process_time(), time.perf_counter()
            await asyncio.sleep(seconds)
            polls = loop.polls - polls0
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            rows, statements = written["rows"], written["statements"]
            breakdown = ", ".join(f"{name} x{n}" for name, n in tables.most_common()) or "none"
            await loop.stop()
    return {
        "linked_s": linked_s,
        "polls_per_s": polls / wall,
        "cpu_ms_per_poll": cpu / max(1, polls) * 1000,
        "rows_per_poll": rows / max(1, polls),
        "statements_per_poll": statements / max(1, polls),
        "writes": breakdown,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--active", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30.0)
    # An owner renews each user's lease once per lease period (one UPDATE pollers each);
    # a lease longer than the run shows what the polls themselves write.
    parser.add_argument("--lease-seconds", type=float, default=60.0)
    parser.add_argument("--engine", nargs="+", choices=ENGINES, default=list(ENGINES))
    args = parser.parse_args()
    for engine in args.engine:
        result = asyncio.run(
            measure(engine, args.users, args.active, args.seconds, args.lease_seconds)
        )
        print(
            f"[{engine}] poller: {args.users} users ({args.active} playing; linked in "
            f"{result['linked_s']:.0f} s): {result['polls_per_s']:.0f} polls/s, "
            f"{result['cpu_ms_per_poll']:.2f} ms CPU per poll (with the emulator), "
            f"{result['rows_per_poll']:.2f} rows written per poll in "
            f"{result['statements_per_poll']:.2f} statements (target for idle users: 0): "
            f"{result['writes']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
