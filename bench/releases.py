"""Benchmark: ``GET /api/artists/?release_limit=100`` over 100,000 releases on PostgreSQL.

    .venv/bin/python bench/releases.py [--releases 100000] [--seconds 10] [--concurrency 32]

Seeds a fresh PostgreSQL database (``MIXTAPE_TEST_POSTGRES_URL``'s server) with releases,
albums, artists and genres, serves the API in a uvicorn subprocess with the route's own
answer copied to a static JSON file served by the same server, then measures requests
per second of each, one after the other, with the same client load: the ratio says what
reading the database costs against the cheapest answer that server can give.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
from _api_server import api_process  # bench/_api_server.py (this script's directory)
from sqlalchemy import insert

from graphql_api.auth.sessions import start_session
from graphql_api.composition import open_app_resources
from graphql_api.db.base import utcnow
from graphql_api.db.migrations import upgrade
from graphql_api.db.models import (
    Album,
    Artist,
    Genre,
    Release,
    ReleaseSource,
    User,
    album_artists,
    artist_genres,
)
from graphql_api.settings import Settings

ADMIN_URL = os.environ.get("MIXTAPE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
CHUNK = 5_000
BENCH_DIR = str(Path(__file__).resolve().parent)


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _chunks(rows: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    return [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]


async def seed(settings: Settings, releases: int) -> str:
    """``releases`` releases by ``releases // 5`` artists; returns a viewer's access token."""
    rng = random.Random(0)
    artists = max(1, releases // 5)
    now = utcnow()
    async with open_app_resources(settings) as resources, resources.sessionmaker() as session:
        await session.execute(insert(Genre), [{"name": f"genre {g}"} for g in range(200)])
        for chunk in _chunks(
            [
                {"spotify_id": f"artist{a:018d}", "name": f"Artist {a}", "popularity": a % 100,
                 "image_url": f"https://i.scdn.co/image/a{a}"}
                for a in range(artists)
            ]
        ):  # fmt: skip
            await session.execute(insert(Artist), chunk)
        links = [{"artist_id": a + 1, "genre_id": rng.randint(1, 200)} for a in range(artists)]
        for chunk in _chunks(links):
            await session.execute(insert(artist_genres), chunk)
        albums, credits, rows = [], [], []
        for n in range(releases):
            day = f"20{rng.randint(10, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            albums.append(
                {"spotify_id": f"album{n:019d}", "name": f"Album {n}", "album_type": "album",
                 "release_date": day, "release_date_precision": "day", "release_year": int(day[:4]),
                 "total_tracks": 10, "image_url": f"https://i.scdn.co/image/b{n}"}
            )  # fmt: skip
            credits.append({"album_id": n + 1, "position": 0, "artist_id": n % artists + 1})
            rows.append(
                {"album_id": n + 1, "release_sort": day, "source": ReleaseSource.NEW_RELEASES,
                 "first_seen_at": now}
            )  # fmt: skip
        for table, values in ((Album, albums), (album_artists, credits), (Release, rows)):
            for chunk in _chunks(values):
                await session.execute(insert(table), chunk)
        user = User(display_name="Bench")
        session.add(user)
        await session.flush()
        issued = await start_session(session, settings, user_id=user.id, method="bench")
        await session.commit()
        return issued.access_token


async def load(url: str, headers: dict[str, str], seconds: float, concurrency: int) -> float:
    """Requests per second answered 200 by ``url`` under ``concurrency`` clients."""
    done = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=60) as client:

        async def worker() -> None:
            nonlocal done
            while time.monotonic() < deadline:
                response = await client.get(url)
                assert response.status_code == 200, response.text
                done += 1

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.monotonic() - started)


def _copy_answer(route: str, headers: dict[str, str], static: str) -> httpx.Response:
    """The route's answer, also written to ``static``/artists.json (the baseline)."""
    answer = httpx.get(route, headers=headers, timeout=60)
    answer.raise_for_status()
    Path(static, "artists.json").write_bytes(answer.content)
    return answer


async def main(args: argparse.Namespace) -> None:
    name = f"mixtape_bench_{uuid.uuid4().hex[:8]}"
    await _admin(f'CREATE DATABASE "{name}"')
    database_url = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    database_url += f"/{name}"
    try:
        settings = Settings(database_url=database_url, poll_enabled=False, releases_enabled=False)
        await asyncio.to_thread(upgrade, settings)
        started = time.monotonic()
        token = await seed(settings, args.releases)
        print(f"seeded {args.releases:,} releases in {time.monotonic() - started:.1f} s")
        headers = {"authorization": f"Bearer {token}"}
        with tempfile.TemporaryDirectory() as static:
            env = {
                "MIXTAPE_DATABASE_URL": database_url,
                "MIXTAPE_POLL_ENABLED": "false",
                "MIXTAPE_RELEASES_ENABLED": "false",
                "MIXTAPE_BENCH_STATIC": static,
                # No Spotify settings: the demo emulator starts; keep its tokens in memory.
                "MIXTAPE_DEMO_STATE_PATH": "",
            }
            with api_process(
                env | {"PYTHONPATH": BENCH_DIR},
                "--log-level",
                "warning",
                app="_releases_app:create",
            ) as url:
                route = f"{url}/api/artists/?release_limit=100"
                answer = await asyncio.to_thread(_copy_answer, route, headers, static)
                artists = len(answer.json()["artists"])
                api = await load(route, headers, args.seconds, args.concurrency)
                baseline = await load(
                    f"{url}/bench-static/artists.json", headers, args.seconds, args.concurrency
                )
        print(f"GET /api/artists/?release_limit=100 ({artists} artists, {len(answer.content):,} B)")
        print(f"  api:    {api:8.1f} req/s")
        print(f"  static: {baseline:8.1f} req/s (the same bytes from a file, same server)")
        print(f"  ratio:  {api / baseline:.2f}")
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--releases", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=32)
    asyncio.run(main(parser.parse_args()))
