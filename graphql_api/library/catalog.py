"""Write a :class:`CatalogBatch` to the catalog tables in bulk, never row by row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import (
    Album,
    Artist,
    CreditRole,
    Genre,
    Song,
    album_artists,
    album_genres,
    album_tracks,
    artist_genres,
    song_credits,
)
from graphql_api.library.bulk import chunks, table_of, upsert
from graphql_api.library.ingest import CatalogBatch

_SONG_COLUMNS = (
    "spotify_id",
    "kind",
    "name",
    "duration_ms",
    "explicit",
    "is_local",
    "isrc",
    "disc_number",
    "track_number",
    "popularity",
    "preview_url",
    "album_id",
    "local_artists",
    "local_album",
)
# The order in which every catalog writer takes its tables (rows within each sorted by
# their key, bulk.in_key_order). Two writers may skip tables but never swap two.
CATALOG_TABLE_ORDER = (
    "artists",
    "albums",
    "songs",
    "genres",
    "song_credits",
    "album_tracks",
    "album_artists",
    "artist_genres",
    "album_genres",
)
_ALBUM_COLUMNS = (
    "name",
    "album_type",
    "release_date",
    "release_date_precision",
    "release_year",
    "total_tracks",
    "image_url",
)


@dataclass
class CatalogIds:
    """Database ids of what a batch wrote, by Spotify key (uri for songs, id otherwise)."""

    songs: dict[str, int] = field(default_factory=dict)
    albums: dict[str, int] = field(default_factory=dict)
    artists: dict[str, int] = field(default_factory=dict)
    written: int = 0


async def ids_by_key(
    session: AsyncSession, table: Table, key: str, values: Iterable[str]
) -> dict[str, int]:
    """``{key value: id}`` for the Spotify rows of ``table`` whose ``key`` is among ``values``.

    Own catalog entries (with an owner) are never matched: a user's genre named like
    one of Spotify's is not Spotify's.
    """
    wanted = sorted(set(values))
    found: dict[str, int] = {}
    column: Column[Any] = table.c[key]
    mirrors = [table.c.owner_id.is_(None)] if "owner_id" in table.c else []
    for chunk in chunks(wanted):
        result = await session.execute(
            select(column, table.c.id).where(column.in_(chunk), *mirrors)
        )
        found.update({str(k): int(i) for k, i in result})
    return found


def _genre_rows(
    owner_column: str, links: dict[str, list[str]], owners: dict[str, int], genres: dict[str, int]
) -> list[dict[str, Any]]:
    return [
        {owner_column: owners[owner], "genre_id": genres[name]}
        for owner, names in links.items()
        if owner in owners
        for name in dict.fromkeys(names)
        if name in genres
    ]


def _link_rows(
    owner_column: str, links: dict[str, list[str]], owners: dict[str, int], artists: dict[str, int]
) -> list[dict[str, Any]]:
    return [
        {owner_column: owners[owner], "position": position, "artist_id": artists[artist]}
        for owner, credited in links.items()
        if owner in owners
        for position, artist in enumerate(credited)
        if artist in artists
    ]


def _artist_rows(batch: CatalogBatch) -> list[dict[str, Any]]:
    """Simplified and full artists as rows of one statement: a simplified one knows no
    image or popularity (NULL: the stored values stay)."""
    unknown = {"image_url": None, "popularity": None}
    return [{**unknown, **row} for row in batch.artists.values()] + list(
        batch.full_artists.values()
    )


def _album_rows(batch: CatalogBatch) -> list[dict[str, Any]]:
    """Simplified and full albums as rows of one statement (a simplified one has no label)."""
    return [{**row, "label": None} for row in batch.albums.values()] + list(
        batch.full_albums.values()
    )


async def write_catalog(session: AsyncSession, batch: CatalogBatch) -> CatalogIds:
    """Upsert every row of ``batch`` and its links; returns the ids by Spotify key.

    Unchanged rows are not rewritten, so ingesting the same library twice writes
    nothing the second time (``CatalogIds.written`` counts the rows that changed).

    Every path that writes Spotify's catalog (a snapshot's batches, the now-playing
    poller, the release ingest) comes through here, once per transaction, and so locks
    rows in one order on PostgreSQL: one statement per table (two for a batch over the
    bind-parameter limit), rows sorted by their natural key, tables in the order
    ``CATALOG_TABLE_ORDER``. A poll and a snapshot touching the same rows then queue
    for them instead of deadlocking. A missing image, popularity or label never erases
    a known one (simplified objects share the statement of full ones).
    """
    ids = CatalogIds()
    artists, albums, songs_table, genres = (
        table_of(Artist),
        table_of(Album),
        table_of(Song),
        table_of(Genre),
    )
    ids.written += await upsert(
        session,
        artists,
        _artist_rows(batch),
        keys=["spotify_id"],
        update=["name", "image_url", "popularity"],
        keep=["image_url", "popularity"],
        touch="updated_at",
    )
    ids.artists = await ids_by_key(
        session, artists, "spotify_id", [*batch.artists, *batch.full_artists]
    )
    ids.written += await upsert(
        session,
        albums,
        _album_rows(batch),
        keys=["spotify_id"],
        update=(*_ALBUM_COLUMNS, "label"),
        keep=["label"],
        touch="updated_at",
    )
    ids.albums = await ids_by_key(
        session, albums, "spotify_id", [*batch.albums, *batch.full_albums]
    )
    songs = [
        {**row, "album_id": ids.albums.get(batch.song_album.get(uri, ""))}
        for uri, row in batch.songs.items()
    ]
    ids.written += await upsert(
        session,
        songs_table,
        songs,
        keys=["spotify_uri"],
        update=_SONG_COLUMNS,
        touch="updated_at",
    )
    ids.songs = await ids_by_key(session, songs_table, "spotify_uri", batch.songs)
    names = {
        name
        for links in (batch.artist_genres, batch.album_genres)
        for genres_of in links.values()
        for name in genres_of
    }
    genre_ids: dict[str, int] = {}
    if names:
        ids.written += await upsert(
            session,
            genres,
            [{"name": n} for n in names],
            keys=["name"],
            index_where=genres.c.owner_id.is_(None),
        )
        genre_ids = await ids_by_key(session, genres, "name", names)
    ids.written += await _write_credits(session, batch.song_artists, ids.songs, ids.artists)
    ids.written += await _write_album_tracks(session, songs, ids.songs)
    ids.written += await _upsert_links(
        session, album_artists, "album_id", batch.album_artists, ids.albums, ids.artists
    )
    for table, column, links, owners in (
        (artist_genres, "artist_id", batch.artist_genres, ids.artists),
        (album_genres, "album_id", batch.album_genres, ids.albums),
    ):
        rows = _genre_rows(column, links, owners, genre_ids)
        ids.written += await upsert(session, table, rows, keys=[column, "genre_id"])
    return ids


async def _write_credits(
    session: AsyncSession,
    links: dict[str, list[str]],
    songs: dict[str, int],
    artists: dict[str, int],
) -> int:
    """Spotify's track artists, as the song's PERFORMER credits in order."""
    rows = [
        {**row, "role": CreditRole.PERFORMER.value}
        for row in _link_rows("song_id", links, songs, artists)
    ]
    return await upsert(
        session, song_credits, rows, keys=["song_id", "role", "position"], update=["artist_id"]
    )


async def _write_album_tracks(
    session: AsyncSession, songs: list[dict[str, Any]], ids: dict[str, int]
) -> int:
    """Each song's slot on its album; a slot Spotify now fills with another song moves to it."""
    slots: dict[tuple[int, int, int], int] = {}
    for row in songs:
        album_id, track_number = row.get("album_id"), row.get("track_number")
        song_id = ids.get(row["spotify_uri"])
        if album_id is None or not isinstance(track_number, int) or song_id is None:
            continue
        disc = row.get("disc_number")
        slots[(album_id, disc if isinstance(disc, int) else 1, track_number)] = song_id
    rows = [
        {"album_id": a, "disc_number": d, "track_number": t, "song_id": s}
        for (a, d, t), s in slots.items()
    ]
    return await upsert(
        session,
        album_tracks,
        rows,
        keys=["album_id", "disc_number", "track_number"],
        update=["song_id"],
    )


async def _upsert_links(
    session: AsyncSession,
    table: Table,
    owner_column: str,
    links: dict[str, list[str]],
    owners: dict[str, int],
    artists: dict[str, int],
) -> int:
    rows = _link_rows(owner_column, links, owners, artists)
    return await upsert(session, table, rows, keys=[owner_column, "position"], update=["artist_id"])


__all__: Sequence[str] = ("CATALOG_TABLE_ORDER", "CatalogIds", "ids_by_key", "write_catalog")
