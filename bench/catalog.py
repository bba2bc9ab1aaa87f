"""Benchmark: catalog reads on PostgreSQL at scale, through GraphQL vs the same SQL.

    .venv/bin/python bench/catalog.py [--songs 1000000] [--albums 100000]
                                      [--artists 50000] [--runs 30]

Builds a database of its own (migrated by Alembic), fills it with ``generate_series``
(songs, albums, artists, PERFORMER credits, album track lists, album artists), then for
each query runs pages of 50 through an API process (uvicorn in a subprocess) and the
same query in raw SQL (asyncpg, count and page) in the same run: p50 / p95 and the ratio.
Needs PostgreSQL (``MIXTAPE_TEST_POSTGRES_URL``, default postgresql://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from typing import Any

import asyncpg
import httpx
from _api_server import api_process  # bench/_api_server.py (this script's directory)

from graphql_api.auth.sessions import start_session
from graphql_api.composition import open_app_resources
from graphql_api.db.migrations import upgrade
from graphql_api.db.models import User
from graphql_api.settings import Settings

ADMIN = os.environ.get("MIXTAPE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
WORDS = [
    "love", "night", "blue", "fire", "rain", "summer", "heart", "dance", "dream", "city",
    "light", "road", "river", "gold", "star", "shadow", "ocean", "wild", "young", "moon",
]  # fmt: skip

FILL = """
INSERT INTO artists (id, spotify_id, name, popularity, created_at, updated_at)
SELECT i, 'ar' || i, initcap(($1::text[])[1 + i % 20]) || ' Artist ' || i, i % 100, now(), now()
FROM generate_series(1, $2::int) AS i;
"""
ALBUMS = """
INSERT INTO albums (id, spotify_id, name, release_date, release_year, created_at, updated_at)
SELECT i, 'al' || i, initcap(($1::text[])[1 + (i * 7) % 20]) || ' Album ' || i,
       (1960 + i % 65)::text || '-01-01', 1960 + i % 65, now(), now()
FROM generate_series(1, $2::int) AS i;
"""
ALBUM_ARTISTS = """
INSERT INTO album_artists (album_id, position, artist_id)
SELECT i, 0, 1 + i % $2::int FROM generate_series(1, $1::int) AS i;
"""
SONGS = """
INSERT INTO songs (id, spotify_uri, spotify_id, kind, name, duration_ms, explicit, is_local,
                   disc_number, track_number, popularity, album_id, created_at, updated_at)
SELECT i, 'spotify:track:t' || i, 't' || i, 'track',
       initcap(($1::text[])[1 + (i::bigint * 7919) % 20]) || ' '
         || ($1::text[])[1 + (i::bigint * 104729) % 20] || ' ' || i,
       60000 + (i::bigint * 37) % 360000, false, false, 1, 1 + i / $3::int, (i::bigint * 13) % 100,
       1 + i % $3::int, now(), now()
FROM generate_series(1, $2::int) AS i;
"""
CREDITS = """
INSERT INTO song_credits (song_id, role, position, artist_id)
SELECT i, 'PERFORMER', 0, 1 + i % $2::int FROM generate_series(1, $1::int) AS i;
"""
TRACKS = """
INSERT INTO album_tracks (album_id, disc_number, track_number, song_id)
SELECT album_id, 1, track_number, id FROM songs;
"""

QUERIES: dict[str, tuple[str, dict[str, Any], str, list[Any]]] = {
    "text search 'on cit', by name": (
        "songs",
        {"filter": {"text": "on cit"}},
        "lower(s.name) LIKE '%on cit%'",
        [],
    ),
    "duration + year range, by popularity desc": (
        "songs",
        {
            "filter": {
                "durationMs": {"min": 180000, "max": 200000},
                "releaseYear": {"min": 1990, "max": 1994},
            },
            "sort": {"by": "POPULARITY", "direction": "DESC"},
        },
        "s.duration_ms BETWEEN 180000 AND 200000 AND EXISTS (SELECT 1 FROM albums a"
        " WHERE a.id = s.album_id AND a.release_year BETWEEN 1990 AND 1994)",
        [],
    ),
    "one artist's songs, by name": (
        "songs",
        {"filter": {"artistId": None}},
        "EXISTS (SELECT 1 FROM song_credits c WHERE c.song_id = s.id AND c.artist_id = 7"
        " AND c.role IN ('PERFORMER', 'FEATURED'))",
        [],
    ),
}
GRAPHQL = """query($filter: CatalogFilter, $sort: CatalogOrder) {
  songs(first: 50, filter: $filter, sort: $sort) { totalCount nodes { id name durationMs } } }"""
VISIBLE = "(s.owner_id IS NULL OR s.is_public)"


def _raw(where: str, sort: dict[str, str] | None) -> tuple[str, str]:
    order = "s.name, s.id"
    if sort and sort.get("by") == "POPULARITY":
        order = "coalesce(s.popularity, -1) DESC, s.id DESC"
    count = f"SELECT count(*) FROM songs s WHERE {VISIBLE} AND {where}"  # noqa: S608
    page = f"SELECT s.* FROM songs s WHERE {VISIBLE} AND {where} ORDER BY {order} LIMIT 51"  # noqa: S608
    return count, page


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _fill(url: str, args: argparse.Namespace) -> None:
    connection = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        await connection.execute("DROP INDEX ix_songs_name_trgm")
        await connection.execute(FILL, WORDS, args.artists)
        await connection.execute(ALBUMS, WORDS, args.albums)
        await connection.execute(ALBUM_ARTISTS, args.albums, args.artists)
        await connection.execute(SONGS, WORDS, args.songs, args.albums)
        await connection.execute(CREDITS, args.songs, args.artists)
        await connection.execute(TRACKS)
        await connection.execute(
            "CREATE INDEX ix_songs_name_trgm ON songs USING gin (lower(name) gin_trgm_ops)"
        )
        for table in ("artists", "albums", "songs"):
            highest = f"(SELECT max(id) FROM {table})"  # noqa: S608
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {highest})"
            )
        await connection.execute("ANALYZE")
        print(f"filled in {time.perf_counter() - started:.1f} s")
    finally:
        await connection.close()


async def _token(settings: Settings) -> str:
    async with open_app_resources(settings) as resources, resources.sessionmaker() as session:
        user = User(display_name="Bench")
        session.add(user)
        await session.flush()
        issued = await start_session(session, settings, user_id=user.id, method="bench")
        await session.commit()
        return issued.access_token


async def _measure(url: str, api: str, token: str, runs: int) -> None:
    connection = await asyncpg.connect(url)
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=60) as http:
        artist = (
            await http.post(
                f"{api}/graphql",
                json={
                    "query": 'query { artists(first: 1, filter: {text: "artist 7"}, '
                    "sort: {by: CREATED}) { nodes { id name } } }"
                },
                headers=headers,
            )
        ).json()
        for name, (_, variables, where, _params) in QUERIES.items():
            if "artistId" in variables.get("filter", {}):
                node = (
                    next(n for n in artist["data"]["artists"]["nodes"] if n["name"].endswith(" 7"))
                    if artist["data"]["artists"]["nodes"]
                    else None
                )
                variables = {"filter": {"artistId": node["id"] if node else None}}
            count_sql, page_sql = _raw(where, variables.get("sort"))
            api_times: list[float] = []
            sql_times: list[float] = []
            for _ in range(runs):
                started = time.perf_counter()
                body = (
                    await http.post(
                        f"{api}/graphql",
                        json={"query": GRAPHQL, "variables": variables},
                        headers=headers,
                    )
                ).json()
                api_times.append(time.perf_counter() - started)
                assert "errors" not in body, body
                started = time.perf_counter()
                total = await connection.fetchval(count_sql)
                rows = await connection.fetch(page_sql)
                sql_times.append(time.perf_counter() - started)
            got = body["data"]["songs"]["totalCount"]
            assert got == total, (name, got, total)
            p50, p95 = _pct(api_times, 0.5) * 1000, _pct(api_times, 0.95) * 1000
            s50, s95 = _pct(sql_times, 0.5) * 1000, _pct(sql_times, 0.95) * 1000
            print(
                f"{name:45s} total {total:>8,}  page {min(50, len(rows)):>2}"
                f"  GraphQL p50 {p50:7.1f} ms"
                f" p95 {p95:7.1f} ms | SQL p50 {s50:7.1f} ms p95 {s95:7.1f} ms"
                f" | ratio p50 {p50 / s50:5.2f}x"
            )
    await connection.close()


async def main(args: argparse.Namespace) -> None:
    database = f"mixtape_bench_catalog_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(ADMIN)
    await admin.execute(f'CREATE DATABASE "{database}"')
    base = ADMIN.rsplit("/", 1)[0]
    url = f"{base}/{database}"
    sa_url = url.replace("postgresql://", "postgresql+asyncpg://")
    try:
        settings = Settings(database_url=sa_url, redis_url=None, poll_enabled=False)
        await asyncio.to_thread(upgrade, settings)
        await _fill(url, args)
        token = await _token(settings)
        env = {
            "MIXTAPE_DATABASE_URL": sa_url,
            "MIXTAPE_POLL_ENABLED": "false",
            "MIXTAPE_SPOTIFY_CLIENT_ID": "bench",
            "MIXTAPE_SPOTIFY_CLIENT_SECRET": "bench",
            "MIXTAPE_LOG_LEVEL": "WARNING",
        }
        with api_process(env, "--log-level", "warning") as api:
            await _measure(url, api, token, args.runs)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--songs", type=int, default=1_000_000)
    parser.add_argument("--albums", type=int, default=100_000)
    parser.add_argument("--artists", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    asyncio.run(main(parser.parse_args()))
