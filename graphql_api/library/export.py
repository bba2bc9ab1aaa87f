"""A snapshot as a zip: Exportify-style CSVs plus one JSON file, streamed in chunks.

Entries: ``liked_songs.csv``, ``saved_albums.csv``, ``followed_artists.csv``, one
``playlists/<name> (<id>).csv`` per readable playlist, and ``snapshot.json``. Rows are
read a batch at a time in short sessions and the archive is handed out as it is
written, so memory stays flat however large the library.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import LibraryPlaylist, LibrarySnapshot, PlaylistVersion, SpotifyPlaylist
from graphql_api.library import export_rows as rows
from graphql_api.library.memberships import visible_at
from graphql_api.library.zipstream import ZipStream

Progress = Callable[[int], None]


def _csv_bytes(lines: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    return buffer.getvalue().encode()


def _safe_name(name: str, spotify_id: str) -> str:
    cleaned = re.sub(r"[^\w\- .]+", "_", name).strip(" ._")[:80] or "playlist"
    return f"playlists/{cleaned} ({spotify_id}).csv"


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


async def _playlists(
    session: AsyncSession, snapshot: LibrarySnapshot
) -> list[tuple[PlaylistVersion, SpotifyPlaylist]]:
    result = await session.execute(
        select(PlaylistVersion, SpotifyPlaylist)
        .join(SpotifyPlaylist, SpotifyPlaylist.id == PlaylistVersion.playlist_id)
        .join(LibraryPlaylist, LibraryPlaylist.version_id == PlaylistVersion.id)
        .where(visible_at(LibraryPlaylist, snapshot.user_id, snapshot.version))
        .order_by(LibraryPlaylist.position, PlaylistVersion.id)
    )
    return [(row[0], row[1]) for row in result]


def total_rows(snapshot: LibrarySnapshot, playlists: list[tuple[PlaylistVersion, Any]]) -> int:
    """CSV rows the export writes (for a progress bar; the JSON file is not counted)."""
    items = sum(v.items_total for v, _ in playlists if v.items_readable)
    lists = snapshot.saved_tracks_count + snapshot.saved_albums_count
    return items + lists + snapshot.followed_artists_count


async def stream_export(
    sessionmaker: async_sessionmaker[AsyncSession],
    snapshot: LibrarySnapshot,
    progress: Progress | None = None,
) -> AsyncIterator[bytes]:
    """The zip archive of ``snapshot``, chunk by chunk."""
    advance = progress or (lambda _n: None)
    archive = ZipStream()
    async with sessionmaker() as session:
        playlists = await _playlists(session, snapshot)
        albums = await rows.saved_album_records(session, snapshot)
        artists = await rows.followed_artist_records(session, snapshot)

    entry = archive.open("liked_songs.csv")
    entry.write(_csv_bytes([rows.TRACK_COLUMNS]))
    async for batch in rows.saved_track_batches(sessionmaker, snapshot):
        entry.write(_csv_bytes(rows.track_row(r) for r in batch))
        advance(len(batch))
        yield archive.drain()
    entry.close()
    for name, columns, records, to_row in (
        ("saved_albums.csv", rows.ALBUM_COLUMNS, albums, rows.album_row),
        ("followed_artists.csv", rows.ARTIST_COLUMNS, artists, rows.artist_row),
    ):
        with archive.open(name) as entry:
            entry.write(_csv_bytes([columns, *(to_row(r) for r in records)]))
        advance(len(records))
    yield archive.drain()
    for version, identity in playlists:
        if not version.items_readable:
            continue
        with archive.open(_safe_name(version.name, identity.spotify_id)) as entry:
            entry.write(_csv_bytes([rows.TRACK_COLUMNS]))
            async for batch in rows.playlist_item_batches(sessionmaker, version.id):
                entry.write(_csv_bytes(rows.track_row(r) for r in batch))
                advance(len(batch))
                yield archive.drain()
    with archive.open("snapshot.json") as entry:
        async for chunk in _snapshot_json(sessionmaker, snapshot, playlists, albums, artists):
            entry.write(chunk)
            yield archive.drain()
    yield archive.close()


async def _snapshot_json(
    sessionmaker: async_sessionmaker[AsyncSession],
    snapshot: LibrarySnapshot,
    playlists: list[tuple[PlaylistVersion, SpotifyPlaylist]],
    albums: list[rows.Record],
    artists: list[rows.Record],
) -> AsyncIterator[bytes]:
    header = {
        "version": snapshot.version,
        "status": snapshot.status.value,
        "createdAt": rows.iso(snapshot.created_at),
        "finishedAt": rows.iso(snapshot.finished_at),
    }
    yield b'{"snapshot":' + _json(header) + b',"savedTracks":['
    first = True
    async for batch in rows.saved_track_batches(sessionmaker, snapshot):
        parts = [_json(r) for r in batch]
        yield (b"" if first else b",") + b",".join(parts)
        first = False
    yield b'],"savedAlbums":' + _json(albums) + b',"followedArtists":' + _json(artists)
    yield b',"playlists":['
    for n, (version, identity) in enumerate(playlists):
        meta = {
            "uri": f"spotify:playlist:{identity.spotify_id}",
            "name": version.name,
            "description": version.description,
            "owner": identity.owner_spotify_id,
            "public": version.public,
            "collaborative": version.collaborative,
            "snapshotId": version.spotify_snapshot_id,
            "itemsTotal": version.items_total,
            "itemsReadable": version.items_readable,
            "unreadableReason": version.unreadable_reason,
        }
        yield (b"," if n else b"") + _json(meta)[:-1] + b',"items":['
        first = True
        async for batch in rows.playlist_item_batches(sessionmaker, version.id):
            yield (b"" if first else b",") + b",".join(_json(r) for r in batch)
            first = False
        yield b"]}"
    yield b"]}"


async def export_size(
    sessionmaker: async_sessionmaker[AsyncSession], snapshot: LibrarySnapshot
) -> int:
    """How many CSV rows :func:`stream_export` will write (for a progress bar)."""
    async with sessionmaker() as session:
        return total_rows(snapshot, await _playlists(session, snapshot))
