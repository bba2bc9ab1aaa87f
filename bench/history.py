"""Benchmark: importing a large streaming-history export, and the statistics over it.

    .venv/bin/python bench/history.py [--plays 1000000] [--backends sqlite,postgres]
                                      [--runs 20]

Writes a generated export (``tests/support/history_export.py``: files of 20,000 entries,
20,000 tracks and 200 episodes) once, then per backend: the import runs in a child process
(as a worker would), so its wall time and peak memory (max RSS) are its own; then the full
``listeningStats`` set (totals, skip rate, top 10 songs / artists / albums / genres, heatmap,
months, streaks, discoveries) runs ``--runs`` times over all the plays, p50 / p95, against
the raw SQL count and sum of the same plays (``SELECT count(*), sum(ms_played) ... ``)
measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graphql_api.composition import open_app_resources
from graphql_api.db.migrations import upgrade
from graphql_api.db.models import User
from graphql_api.db.uow import unit_of_work
from graphql_api.history import stats
from graphql_api.history.imports import create_import
from graphql_api.history.runner import run_import
from graphql_api.history.sources import list_sources
from graphql_api.history.stats import StatsScope
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from tests.support import databases
from tests.support.history_export import write_export

PER_FILE = 20_000


def _settings(url: str, folder: Path) -> Settings:
    return Settings(
        database_url=url, redis_url=None, poll_enabled=False, history_upload_dir=folder / "up"
    )


async def _child(url: str, import_id: int, folder: str) -> None:
    async with open_app_resources(_settings(url, Path(folder))) as resources:
        started = time.perf_counter()
        status = await run_import(resources, import_id)
        elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"status": status.value if status else None, "s": elapsed, "mib": peak}))


async def _import(url: str, paths: list[Path], folder: Path) -> tuple[int, dict[str, Any]]:
    async with open_app_resources(_settings(url, folder)) as resources:
        async with resources.sessionmaker() as session:
            user = User(display_name="Bench")
            session.add(user)
            await session.commit()
        async with unit_of_work(resources.sessionmaker) as uow:
            row = await create_import(uow, None, user.id, list_sources(paths))
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--child", url, str(row.id), str(folder),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await child.communicate()
    return user.id, json.loads(out.decode().strip().splitlines()[-1])


async def _all_stats(resources: Resources, scope: StatsScope) -> None:
    async with resources.reader() as session:
        await stats.totals(session, scope)
        for top in (stats.top_songs, stats.top_artists, stats.top_albums, stats.top_genres):
            await top(session, scope, 10)
        await stats.heatmap(session, scope)
        await stats.periods(session, scope, "month")
        await stats.streaks(session, scope, dt.date.today())
        await stats.discoveries(session, scope, 10)


async def _raw(resources: Resources, user_id: int) -> None:
    async with resources.reader() as session:
        await session.execute(
            text("SELECT count(*), sum(ms_played) FROM plays WHERE user_id = :u AND counted"),
            {"u": user_id},
        )


async def _timed(call: Any, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return sorted(times)


def _p(times: list[float], q: float) -> float:
    return times[min(len(times) - 1, int(q * len(times)))] * 1000


async def _backend(name: str, paths: list[Path], folder: Path, runs: int) -> None:
    if name == "sqlite":
        url = databases.sqlite_url(folder / f"bench-{uuid.uuid4().hex[:6]}.db")
        cleanup = None
    else:
        database = f"mixtape_bench_{uuid.uuid4().hex[:10]}"
        await databases._admin(f'CREATE DATABASE "{database}"')
        url, cleanup = databases.postgres_url(database), database
    try:
        await asyncio.to_thread(upgrade, _settings(url, folder))
        user_id, result = await _import(url, paths, folder)
        async with open_app_resources(_settings(url, folder)) as resources:
            async with resources.reader() as session:
                plays = (
                    await session.execute(
                        text("SELECT count(*) FILTER (WHERE counted), count(*) FROM plays")
                        if name == "postgres"
                        else text("SELECT sum(counted), count(*) FROM plays")
                    )
                ).one()
            scope = StatsScope.of(
                "sqlite" if name == "sqlite" else "postgresql",
                user_id, user_id, None, None, "Europe/Berlin",
            )  # fmt: skip
            async with resources.reader() as session:
                scope = await scope.fitted(session)
            full = await _timed(lambda: _all_stats(resources, scope), runs)
            raw = await _timed(lambda: _raw(resources, user_id), runs)
        print(
            f"{name}: import {result['status']} in {result['s']:.1f} s, peak memory "
            f"{result['mib']:.0f} MiB; {plays[0]:,} plays + {plays[1] - plays[0]:,} skips stored; "
            f"listeningStats (all fields) p50 {_p(full, 0.5):.0f} ms, p95 {_p(full, 0.95):.0f} ms; "
            f"raw count+sum p50 {_p(raw, 0.5):.1f} ms; "
            f"ratio p50 {_p(full, 0.5) / _p(raw, 0.5):.1f}x"
        )
    finally:
        if cleanup is not None:
            await databases.drop_postgres(cleanup)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        started = time.perf_counter()
        files = max(1, args.plays // PER_FILE)
        paths, expected = write_export(
            folder / "export", files=files, per_file=args.plays // files, tracks=20_000,
            episodes=200,
        )  # fmt: skip
        size = sum(p.stat().st_size for p in paths)
        print(
            f"export: {expected.entries:,} entries in {len(paths)} files, {size / 2**20:.0f} MiB "
            f"(written in {time.perf_counter() - started:.0f} s)"
        )
        for name in args.backends.split(","):
            await _backend(name, paths, folder, args.runs)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        asyncio.run(_child(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plays", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=20)
    asyncio.run(main(parser.parse_args()))
