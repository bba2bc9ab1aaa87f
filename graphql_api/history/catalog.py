"""Songs for the export's entries: found in the catalog by URI, or made from its names.

No Spotify call is made: a song missing from the catalog is created from what the file
says (track name, its artist's name, its album's name, and a duration learned from plays
that ran to the end). Its artist and album have no Spotify id in the export, so they are
found among such name-only rows by name (an album by its name and artist; never a user's
own entries) or created, as catalog mirrors (no owner). The artist is the song's
PERFORMER credit; the album lists it as disc 0 (the export has no track numbers).
When a library snapshot or the poller later sees the song, the catalog's usual upsert by
URI fills in the real details.

Tables are written in the catalog's order (``CATALOG_TABLE_ORDER``: artists, albums,
songs, then the links) and rows in key order, as every catalog writer's are, so an
import never deadlocks a snapshot or a poll on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import (
    Album,
    Artist,
    CreditRole,
    Song,
    album_artists,
    album_tracks,
    song_credits,
)
from graphql_api.history.formats import Entry
from graphql_api.library.bulk import chunks, in_key_order, table_of


async def insert_new(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], *, keys: list[str]
) -> int:
    """Insert the ``rows`` whose ``keys`` are not taken (``ON CONFLICT DO NOTHING``); how
    many were inserted. One statement compiled once, executed for many rows (SQLAlchemy's
    insertmanyvalues), far cheaper than a literal multi-row VALUES for large batches.
    Rows go in key order, as every catalog writer's do (``bulk.in_key_order``)."""
    if not rows:
        return 0
    rows = in_key_order(rows, keys)
    dialect = session.get_bind().dialect.name
    insert_of = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_of(table).on_conflict_do_nothing(index_elements=keys)
    if "id" in table.c:
        result = await session.execute(statement.returning(table.c.id), list(rows))
        return len(result.all())
    result = await session.execute(statement, list(rows))
    return max(0, getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True, slots=True)
class KnownSong:
    id: int
    duration_ms: int


async def _artists_by_name(session: AsyncSession, names: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(sorted(names)):
        rows = await session.execute(
            select(Artist.name, Artist.id)
            .where(Artist.spotify_id.is_(None), Artist.owner_id.is_(None), Artist.name.in_(chunk))
            .order_by(Artist.id)
        )
        for name, artist_id in rows:
            found.setdefault(str(name), int(artist_id))
    missing = sorted(names - found.keys())
    if missing:
        created = await session.execute(
            insert(Artist).returning(Artist.name, Artist.id), [{"name": n} for n in missing]
        )
        found.update({str(name): int(artist_id) for name, artist_id in created})
    return found


async def _albums_by_name(
    session: AsyncSession, wanted: set[tuple[str, int | None]]
) -> tuple[dict[tuple[str, int | None], int], list[dict[str, int]]]:
    """Name-only albums keyed by (name, first artist id), created when missing; and the
    ``album_artists`` rows the created ones need (written after the songs, in the
    catalog's table order)."""
    found: dict[tuple[str, int | None], int] = {}
    names = sorted({name for name, _ in wanted})
    for chunk in chunks(names):
        rows = await session.execute(
            select(Album.name, album_artists.c.artist_id, Album.id)
            .outerjoin(
                album_artists,
                (album_artists.c.album_id == Album.id) & (album_artists.c.position == 0),
            )
            .where(Album.spotify_id.is_(None), Album.owner_id.is_(None), Album.name.in_(chunk))
            .order_by(Album.id)
        )
        for name, artist_id, album_id in rows:
            key = (str(name), int(artist_id) if artist_id is not None else None)
            found.setdefault(key, int(album_id))
    missing = sorted(wanted - found.keys(), key=lambda k: (k[0], k[1] or 0))
    if not missing:
        return found, []
    created = await session.execute(
        insert(Album).returning(Album.id, sort_by_parameter_order=True),
        [{"name": name} for name, _ in missing],
    )
    ids = [int(album_id) for (album_id,) in created]
    found.update(zip(missing, ids, strict=True))
    links = [
        {"album_id": album_id, "position": 0, "artist_id": artist_id}
        for (_, artist_id), album_id in zip(missing, ids, strict=True)
        if artist_id is not None
    ]
    return found, links


async def _existing(session: AsyncSession, uris: Sequence[str]) -> dict[str, KnownSong]:
    known: dict[str, KnownSong] = {}
    for chunk in chunks(uris):
        rows = await session.execute(
            select(Song.spotify_uri, Song.id, Song.duration_ms).where(Song.spotify_uri.in_(chunk))
        )
        known.update({str(uri): KnownSong(int(i), int(d or 0)) for uri, i, d in rows})
    return known


async def songs_for(
    session: AsyncSession, entries: Sequence[Entry], durations: dict[str, int]
) -> tuple[dict[str, KnownSong], int]:
    """The song of every entry with a URI (created from the names when missing), and
    how many songs were created."""
    uris = sorted({e.uri for e in entries if e.uri})
    known = await _existing(session, uris)
    first: dict[str, Entry] = {}
    for entry in entries:
        if entry.uri and entry.uri not in known:
            first.setdefault(entry.uri, entry)
    if not first:
        return known, 0
    tracks = [e for e in first.values() if e.kind == "track"]
    artists = await _artists_by_name(session, {e.artist_name for e in tracks if e.artist_name})
    album_keys = {(e.album_name, artists.get(e.artist_name or "")) for e in tracks if e.album_name}
    albums, album_links = await _albums_by_name(session, album_keys)
    rows = [
        {
            "spotify_uri": uri,
            "spotify_id": uri.rsplit(":", 1)[-1][:64],
            "kind": entry.kind,
            "name": entry.name or "",
            "duration_ms": durations.get(uri, 0),
            "explicit": False,
            "is_local": False,
            "album_id": (
                albums.get((entry.album_name, artists.get(entry.artist_name or "")))
                if entry.album_name
                else None
            ),
        }
        for uri, entry in first.items()
    ]
    created = await insert_new(session, table_of(Song), rows, keys=["spotify_uri"])
    known.update(await _existing(session, sorted(first)))
    credits = [
        {
            "song_id": known[uri].id,
            "role": CreditRole.PERFORMER.value,
            "position": 0,
            "artist_id": artists[entry.artist_name],
        }
        for uri, entry in first.items()
        if entry.artist_name is not None and entry.artist_name in artists and uri in known
    ]
    await insert_new(session, song_credits, credits, keys=["song_id", "role", "position"])
    # The export has no track numbers: disc 0 says so, and the song's id keeps the
    # (album, disc, track) key unique.
    tracks_of = [
        {
            "album_id": row["album_id"],
            "disc_number": 0,
            "track_number": known[uri].id,
            "song_id": known[uri].id,
        }
        for uri, row in zip(first, rows, strict=True)
        if row["album_id"] is not None and uri in known
    ]
    await insert_new(
        session, album_tracks, tracks_of, keys=["album_id", "disc_number", "track_number"]
    )
    await insert_new(session, album_artists, album_links, keys=["album_id", "position"])
    return known, created
