"""Benchmark: a library snapshot of a large library against the emulator at 50 ms latency.

    .venv/bin/python bench/snapshot.py [--tracks 10000] [--albums 500] [--artists 300]
                                       [--playlists 200] [--items 20000] [--latency 50]
                                       [--engine sqlite postgresql] [--profile DIR]

The job runs in a child process (as a worker would), so its peak memory is its own
(max RSS of that process); the emulator runs in this one. ``--profile DIR`` writes a
pyinstrument report of each job there.
Reports the first snapshot's wall time against the ideal (Spotify pages / concurrency x
latency), then a second snapshot of the unchanged library: its time and the rows it
wrote (INSERT/UPDATE/DELETE row counts, split into library rows and the snapshot's own
bookkeeping row).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from _databases import ENGINES, fresh_database  # bench/_databases.py
from pydantic import SecretStr
from sqlalchemy import event

from graphql_api.auth.spotify_accounts import save_link
from graphql_api.composition import open_app_resources
from graphql_api.db.models import User
from graphql_api.db.uow import unit_of_work
from graphql_api.library.runner import run_snapshot
from graphql_api.library.snapshots import request_snapshot
from graphql_api.settings import Settings
from graphql_api.spotify.oauth import TokenSet
from spotify_emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from spotify_emulator.generator import generate_fixture
from spotify_emulator.testing import EmulatorHandle, run_emulator


class _NoQueue:
    async def enqueue(self, *args: Any, **kwargs: Any) -> bool:
        return True

    async def close(self) -> None:
        return None


def _settings(database_url: str, emulator: EmulatorHandle) -> Settings:
    return Settings(
        database_url=database_url,
        spotify_client_id=DEFAULT_CLIENT_ID,
        spotify_client_secret=SecretStr(DEFAULT_CLIENT_SECRET),
        spotify_accounts_url=emulator.url,
        spotify_api_url=emulator.api_url,
        spotify_requests_per_30s=1_000_000,
    )


async def _link(settings: Settings, emulator: EmulatorHandle) -> int:
    tokens = await emulator.issue_tokens("alice")
    async with open_app_resources(settings) as resources, resources.sessionmaker() as session:
        profile = (
            await resources.http.get(
                f"{emulator.api_url}/me",
                headers={"authorization": f"Bearer {tokens['access_token']}"},
            )
        ).json()
        user = User(display_name="alice")
        session.add(user)
        await session.flush()
        token_set = TokenSet(
            access_token=tokens["access_token"],
            refresh_token=tokens.get("refresh_token"),
            expires_at=_in(3600),
            scopes=tuple(str(tokens.get("scope", "")).split()),
        )
        await save_link(session, user.id, profile, token_set, settings=settings)
        await session.commit()
        return user.id


def _in(seconds: int) -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


async def _new_snapshot(settings: Settings, user_id: int) -> int:
    async with open_app_resources(settings) as resources:
        async with unit_of_work(resources.sessionmaker) as uow:
            snapshot = await request_snapshot(uow, _NoQueue(), user_id)
        return snapshot.id


async def _child(settings_json: str, snapshot_id: int, profile: str | None) -> None:
    """The worker side: run the job, count written rows, print them as JSON."""
    settings = Settings(**json.loads(settings_json))
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(async_mode="disabled")
        profiler.start()
    written = {"library": 0, "bookkeeping": 0}
    async with open_app_resources(settings) as resources:

        def count(_c: Any, _cur: Any, statement: str, _p: Any, _ctx: Any, _many: Any) -> None:
            verb = statement.lstrip().split(" ", 1)[0].upper()
            if verb in ("INSERT", "UPDATE", "DELETE") and _cur.rowcount > 0:
                kind = "bookkeeping" if "library_snapshots" in statement else "library"
                written[kind] += _cur.rowcount

        event.listen(resources.engine.sync_engine, "after_cursor_execute", count)
        started = time.perf_counter()
        status = await run_snapshot(resources, snapshot_id)
        job_s = time.perf_counter() - started
    if profiler is not None and profile:
        profiler.stop()
        report = profiler.output_text(unicode=False, show_all=False)
        await asyncio.to_thread(Path(profile).write_text, report)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "status": status.value if status else None,
        "written": written,
        "job_s": job_s,
        "peak_mib": peak_mib,
    }
    print(json.dumps(result))


async def _run_child(
    settings: Settings, snapshot_id: int, profile: str
) -> tuple[float, dict[str, Any]]:
    overrides = json.dumps(
        {
            "database_url": settings.database_url,
            "spotify_client_id": settings.spotify_client_id,
            "spotify_client_secret": DEFAULT_CLIENT_SECRET,
            "spotify_accounts_url": settings.spotify_accounts_url,
            "spotify_api_url": settings.spotify_api_url,
            "spotify_requests_per_30s": settings.spotify_requests_per_30s,
        }
    )
    started = time.perf_counter()
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--child", overrides, str(snapshot_id), profile,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await child.communicate()
    elapsed = time.perf_counter() - started
    return elapsed, json.loads(out.decode().strip().splitlines()[-1])


async def main(args: argparse.Namespace) -> None:
    fixture = generate_fixture(
        users=1,
        saved_tracks=args.tracks,
        saved_albums=args.albums,
        playlists=args.playlists,
        playlist_items=args.items,
        followed_artists=args.artists,
        new_releases=0,
    )
    user = fixture["users"][0]
    items = sum(len(p["items"]) for p in user["playlists"])
    print(
        f"library: {len(user['saved_tracks'])} saved tracks, {len(user['saved_albums'])} albums, "
        f"{len(user['followed_artists'])} artists, {len(user['playlists'])} playlists "
        f"with {items} items; emulator latency {args.latency:.0f} ms"
    )
    for engine in args.engine:
        async with fresh_database(engine) as database_url:
            await _one_engine(args, engine, database_url, fixture)


async def _one_engine(
    args: argparse.Namespace, engine: str, database_url: str, fixture: dict[str, Any]
) -> None:
    async with run_emulator(fixture, latency_ms=args.latency) as emulator:
        settings = _settings(database_url, emulator)
        user_id = await _link(settings, emulator)
        concurrency = settings.snapshot_concurrency
        for n, label in enumerate(("first snapshot", "second snapshot (unchanged library)")):
            await emulator.reset_stats()
            snapshot_id = await _new_snapshot(settings, user_id)
            profile = (
                str(Path(args.profile) / f"snapshot-{engine}-{n + 1}.txt") if args.profile else ""
            )
            elapsed, result = await _run_child(settings, snapshot_id, profile)
            pages = (await emulator.stats())["requests_total"]
            ideal = pages / concurrency * args.latency / 1000
            print(
                f"[{engine}] {label}: {result['status']}, job {result['job_s']:.2f} s "
                f"({elapsed:.2f} s with process start); {pages} Spotify pages, "
                f"ideal {ideal:.2f} s ({pages} / {concurrency} x {args.latency:.0f} ms), "
                f"job/ideal {result['job_s'] / ideal if ideal else float('nan'):.2f}; written: "
                f"{result['written']['library']} library, "
                f"{result['written']['bookkeeping']} snapshot bookkeeping; "
                f"job process peak RSS {result['peak_mib']:.0f} MiB"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        asyncio.run(_child(sys.argv[2], int(sys.argv[3]), sys.argv[4] or None))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--albums", type=int, default=500)
    parser.add_argument("--artists", type=int, default=300)
    parser.add_argument("--playlists", type=int, default=200)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--latency", type=float, default=50.0)
    parser.add_argument("--engine", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--profile", help="write a pyinstrument report of each job here")
    asyncio.run(main(parser.parse_args()))
