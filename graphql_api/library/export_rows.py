"""Records of a snapshot for export, read in batches, and their Exportify CSV rows.

A record is plain JSON-ready data (the JSON file holds these); the CSV writers map it
to Exportify's columns, so tools fed Exportify files read ours too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import (
    Album,
    Artist,
    FollowedArtist,
    LibrarySnapshot,
    PlaylistItem,
    SavedAlbum,
    SavedTrack,
    Song,
    album_artists,
    song_performers,
)
from graphql_api.library.credits import artist_genre_names, credited_artists
from graphql_api.library.memberships import visible_at

BATCH = 1000
Record = dict[str, Any]

TRACK_COLUMNS = [
    "Track URI", "Track Name", "Artist URI(s)", "Artist Name(s)", "Album URI", "Album Name",
    "Album Artist URI(s)", "Album Artist Name(s)", "Album Release Date", "Album Image URL",
    "Disc Number", "Track Number", "Track Duration (ms)", "Track Preview URL", "Explicit",
    "Popularity", "ISRC", "Added By", "Added At",
]  # fmt: skip
ALBUM_COLUMNS = [
    "Album URI", "Album Name", "Album Type", "Album Artist URI(s)", "Album Artist Name(s)",
    "Album Release Date", "Release Date Precision", "Track Count", "Saved At",
]  # fmt: skip
ARTIST_COLUMNS = ["Artist URI", "Artist Name", "Artist Genres", "Popularity", "Image URL"]


def iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _uri(kind: str, spotify_id: str | None) -> str | None:
    return f"spotify:{kind}:{spotify_id}" if spotify_id else None


def _join(values: Sequence[str | None]) -> str:
    # Exportify's convention: ", " between values, a comma inside one escaped as "\,".
    return ", ".join((v or "").replace(",", "\\,") for v in values)


def _artist_refs(artists: Sequence[Artist]) -> list[Record]:
    return [{"uri": _uri("artist", a.spotify_id), "name": a.name} for a in artists]


def _local_artist_refs(song: Song) -> list[Record]:
    return [{"uri": None, "name": name} for name in song.local_artists or []]


def _local_album(song: Song) -> Record | None:
    """A local file's album: its name only."""
    if not song.local_album:
        return None
    return {
        "uri": None, "name": song.local_album, "albumType": None, "artists": [],
        "releaseDate": None, "releaseDatePrecision": None, "totalTracks": None, "label": None,
        "imageUrl": None,
    }  # fmt: skip


async def album_records(session: AsyncSession, albums: Sequence[Album]) -> dict[int, Record]:
    """JSON-ready albums with their artists, by album id."""
    artists = await credited_artists(session, album_artists, {a.id for a in albums})
    return {
        a.id: {
            "uri": _uri("album", a.spotify_id),
            "name": a.name,
            "albumType": a.album_type,
            "artists": _artist_refs(artists.get(a.id, [])),
            "releaseDate": a.release_date,
            "releaseDatePrecision": a.release_date_precision,
            "totalTracks": a.total_tracks,
            "label": a.label,
            "imageUrl": a.image_url,
        }
        for a in albums
    }


async def track_records(session: AsyncSession, song_ids: set[int]) -> dict[int, Record]:
    """JSON-ready tracks (with artists and album) by song id: four queries per batch."""
    songs = list(await session.scalars(select(Song).where(Song.id.in_(song_ids))))
    album_ids = {s.album_id for s in songs if s.album_id is not None}
    albums = list(await session.scalars(select(Album).where(Album.id.in_(album_ids))))
    album_by_id = await album_records(session, albums)
    artists = await credited_artists(session, song_performers, song_ids)
    return {
        s.id: {
            "uri": s.spotify_uri,
            "name": s.name,
            "kind": s.kind,
            "artists": _artist_refs(artists.get(s.id, [])) or _local_artist_refs(s),
            "album": album_by_id.get(s.album_id) if s.album_id else _local_album(s),
            "discNumber": s.disc_number,
            "trackNumber": s.track_number,
            "durationMs": s.duration_ms,
            "previewUrl": s.preview_url,
            "explicit": s.explicit,
            "popularity": s.popularity,
            "isrc": s.isrc,
        }
        for s in songs
    }


def track_row(record: Record) -> list[Any]:
    """An Exportify playlist/liked-songs row."""
    album = record.get("album") or {}
    artists = record["artists"]
    album_artists_ = album.get("artists") or []
    return [
        record["uri"], record["name"], _join([a["uri"] for a in artists]),
        _join([a["name"] for a in artists]), album.get("uri"), album.get("name"),
        _join([a["uri"] for a in album_artists_]), _join([a["name"] for a in album_artists_]),
        album.get("releaseDate"), album.get("imageUrl"), record["discNumber"],
        record["trackNumber"], record["durationMs"], record["previewUrl"],
        "true" if record["explicit"] else "false", record["popularity"], record["isrc"],
        record.get("addedBy"), record.get("addedAt"),
    ]  # fmt: skip


def album_row(record: Record) -> list[Any]:
    artists = record["artists"]
    return [
        record["uri"], record["name"], record["albumType"], _join([a["uri"] for a in artists]),
        _join([a["name"] for a in artists]), record["releaseDate"],
        record["releaseDatePrecision"], record["totalTracks"], record.get("savedAt"),
    ]  # fmt: skip


def artist_row(record: Record) -> list[Any]:
    return [
        record["uri"], record["name"], _join(record["genres"]), record["popularity"],
        record["imageUrl"],
    ]  # fmt: skip


async def saved_track_batches(
    sessionmaker: async_sessionmaker[AsyncSession], snapshot: LibrarySnapshot
) -> AsyncIterator[list[Record]]:
    """Liked songs, newest first, in batches.

    Each batch is read in its own short session, closed before the batch is yielded: a
    slow download never holds a database connection (a snapshot's rows never change).
    """
    statement = (
        select(SavedTrack.song_id, SavedTrack.added_at)
        .where(visible_at(SavedTrack, snapshot.user_id, snapshot.version))
        .order_by(SavedTrack.added_at.desc(), SavedTrack.song_id)
    )
    offset = 0
    while True:
        async with sessionmaker() as session:
            rows = (await session.execute(statement.offset(offset).limit(BATCH))).all()
            records = await track_records(session, {r[0] for r in rows}) if rows else {}
        if not rows:
            return
        offset += len(rows)
        yield [{**records[r[0]], "addedAt": iso(r[1])} for r in rows if r[0] in records]


async def playlist_item_batches(
    sessionmaker: async_sessionmaker[AsyncSession], version_id: int
) -> AsyncIterator[list[Record]]:
    """A playlist version's items in order; items with no track are left out (as Exportify).

    One short session per batch, as :func:`saved_track_batches`.
    """
    statement = (
        select(PlaylistItem)
        .where(PlaylistItem.version_id == version_id, PlaylistItem.song_id.is_not(None))
        .order_by(PlaylistItem.position)
    )
    offset = 0
    while True:
        async with sessionmaker() as session:
            rows = list(await session.scalars(statement.offset(offset).limit(BATCH)))
            song_ids = {r.song_id for r in rows if r.song_id}
            records = await track_records(session, song_ids) if rows else {}
        if not rows:
            return
        offset += len(rows)
        yield [
            {**records[r.song_id], "addedAt": iso(r.added_at), "addedBy": r.added_by_spotify_id}
            for r in rows
            if r.song_id in records
        ]


async def saved_album_records(session: AsyncSession, snapshot: LibrarySnapshot) -> list[Record]:
    """Saved albums, newest first (hundreds at most: read at once)."""
    result = await session.execute(
        select(Album, SavedAlbum.added_at)
        .join(SavedAlbum, SavedAlbum.album_id == Album.id)
        .where(visible_at(SavedAlbum, snapshot.user_id, snapshot.version))
        .order_by(SavedAlbum.added_at.desc(), Album.id)
    )
    rows = result.all()
    records = await album_records(session, [r[0] for r in rows])
    return [{**records[r[0].id], "savedAt": iso(r[1])} for r in rows]


async def followed_artist_records(session: AsyncSession, snapshot: LibrarySnapshot) -> list[Record]:
    """Followed artists in Spotify's order, with their genres."""
    artists = list(
        await session.scalars(
            select(Artist)
            .join(FollowedArtist, FollowedArtist.artist_id == Artist.id)
            .where(visible_at(FollowedArtist, snapshot.user_id, snapshot.version))
            .order_by(FollowedArtist.position, Artist.id)
        )
    )
    genres = await artist_genre_names(session, [a.id for a in artists])
    return [
        {
            "uri": _uri("artist", a.spotify_id),
            "name": a.name,
            "genres": genres.get(a.id, []),
            "popularity": a.popularity,
            "imageUrl": a.image_url,
        }
        for a in artists
    ]
