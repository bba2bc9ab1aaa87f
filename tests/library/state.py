"""A database's library state with every surrogate id replaced by Spotify keys.

Two databases that went through the same snapshots compare equal, row for row; any
duplicate row shows up in the per-table counts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import (
    Album,
    Artist,
    FollowedArtist,
    LibraryPlaylist,
    PlaylistItem,
    PlaylistVersion,
    SavedAlbum,
    SavedTrack,
    Song,
    SpotifyPlaylist,
)

TABLES = (
    "songs", "albums", "artists", "genres", "song_credits", "album_tracks", "album_artists",
    "artist_genres", "album_genres", "saved_tracks", "saved_albums", "followed_artists",
    "spotify_playlists", "playlist_versions", "playlist_items", "library_playlists",
)  # fmt: skip


async def _rows(session: AsyncSession, statement: Any) -> list[tuple[Any, ...]]:
    return sorted((tuple(row) for row in await session.execute(statement)), key=repr)


async def dump_state(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    """Everything the snapshot job writes, keyed by Spotify ids."""
    async with sessionmaker() as session:
        counts = {
            table: await session.scalar(select(func.count()).select_from(text(table)))
            for table in TABLES
        }
        return {
            "counts": counts,
            "songs": await _rows(
                session, select(Song.spotify_uri, Song.name, Song.duration_ms, Album.spotify_id)
                .outerjoin(Album, Album.id == Song.album_id)
            ),
            "saved_tracks": await _rows(
                session,
                select(Song.spotify_uri, SavedTrack.first_version, SavedTrack.until_version,
                       SavedTrack.added_at).join(Song, Song.id == SavedTrack.song_id),
            ),
            "saved_albums": await _rows(
                session,
                select(Album.spotify_id, SavedAlbum.first_version, SavedAlbum.until_version)
                .join(Album, Album.id == SavedAlbum.album_id),
            ),
            "followed_artists": await _rows(
                session,
                select(Artist.spotify_id, FollowedArtist.first_version, FollowedArtist.position)
                .join(Artist, Artist.id == FollowedArtist.artist_id),
            ),
            "playlists": await _rows(
                session,
                select(SpotifyPlaylist.spotify_id, PlaylistVersion.spotify_snapshot_id,
                       PlaylistVersion.complete, PlaylistVersion.items_readable,
                       LibraryPlaylist.first_version, LibraryPlaylist.position)
                .join(PlaylistVersion, PlaylistVersion.playlist_id == SpotifyPlaylist.id)
                .join(LibraryPlaylist, LibraryPlaylist.version_id == PlaylistVersion.id),
            ),
            "items": await _rows(
                session,
                select(PlaylistVersion.spotify_snapshot_id, PlaylistItem.position,
                       Song.spotify_uri, PlaylistItem.added_at)
                .join(PlaylistVersion, PlaylistVersion.id == PlaylistItem.version_id)
                .outerjoin(Song, Song.id == PlaylistItem.song_id),
            ),
        }  # fmt: skip
