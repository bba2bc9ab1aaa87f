"""The catalog migration carries existing data over, and back down, on every backend."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from graphql_api.db import migrations
from graphql_api.db.engine import create_engine
from graphql_api.settings import Settings
from tests.support.databases import in_thread

CATALOG = "c94c77c3e0ac"
BEFORE = "2c40c782c211"

SEED = [
    "INSERT INTO artists (id, spotify_id, name, created_at, updated_at)"
    " VALUES (1, 'a1', 'Nina Simone', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
    " (2, 'a2', 'Hal Mooney', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "INSERT INTO albums (id, spotify_id, name, release_date, created_at, updated_at)"
    " VALUES (1, 'al1', 'Pastel Blues', '1965-10-01', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
    " (2, 'al2', 'Unknown date', '0000', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "INSERT INTO album_artists (album_id, position, artist_id) VALUES (1, 0, 1)",
    "INSERT INTO genres (id, name) VALUES (1, 'jazz')",
    "INSERT INTO artist_genres (artist_id, genre_id) VALUES (1, 1)",
    "INSERT INTO songs (id, spotify_uri, kind, name, duration_ms, explicit, is_local,"
    " disc_number, track_number, album_id, created_at, updated_at)"
    " VALUES (1, 'spotify:track:s1', 'track', 'Sinnerman', 622000, false, false, 1, 9, 1,"
    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
    " (2, 'spotify:track:s2', 'track', 'Be My Husband', 180000, false, false, NULL, 1, 1,"
    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "INSERT INTO song_artists (song_id, position, artist_id) VALUES (1, 0, 1), (1, 1, 2)",
]


async def _rows(engine: AsyncEngine, sql: str) -> list[tuple[Any, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


async def test_catalog_migration_carries_links_over_and_back(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    in_thread(lambda: migrations.downgrade(settings, BEFORE))
    async with engine.begin() as connection:
        for statement in SEED:
            await connection.execute(text(statement))

    in_thread(lambda: migrations.upgrade(settings, CATALOG))
    assert await _rows(
        engine, "SELECT song_id, role, position, artist_id FROM song_credits ORDER BY 1, 3"
    ) == [(1, "PERFORMER", 0, 1), (1, "PERFORMER", 1, 2)]
    assert await _rows(engine, "SELECT * FROM album_tracks ORDER BY track_number") == [
        (1, 1, 1, 2),
        (1, 1, 9, 1),
    ]
    assert await _rows(engine, "SELECT id, release_year FROM albums ORDER BY id") == [
        (1, 1965),
        (2, None),
    ]
    # Rebuilding the tables on SQLite did not cascade into the rows that reference them.
    assert await _rows(engine, "SELECT * FROM album_artists") == [(1, 0, 1)]
    assert await _rows(engine, "SELECT * FROM artist_genres") == [(1, 1)]
    assert await _rows(
        engine, "SELECT owner_id, is_public, like_count FROM songs WHERE id = 1"
    ) == [(None, False, 0)]

    in_thread(lambda: migrations.downgrade(settings, BEFORE))
    assert await _rows(engine, "SELECT * FROM song_artists ORDER BY position") == [
        (1, 0, 1),
        (1, 1, 2),
    ]
    assert await _rows(engine, "SELECT count(*) FROM songs") == [(2,)]
    in_thread(lambda: migrations.upgrade(settings))
    await engine.dispose()


async def test_own_entries_are_deleted_by_the_catalog_downgrade(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO users (id, email, display_name, created_at, updated_at)"
                " VALUES (1, 'a@example.com', 'A', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        await connection.execute(
            text("INSERT INTO genres (name, owner_id) VALUES ('jazz', NULL), ('jazz', 1)")
        )
    in_thread(lambda: migrations.downgrade(settings, BEFORE))
    assert await _rows(engine, "SELECT name FROM genres") == [("jazz",)]
    in_thread(lambda: migrations.upgrade(settings))
    await engine.dispose()
