"""Which of a user's playlists (as of a snapshot) hold each song."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import LibraryPlaylist, PlaylistItem, PlaylistVersion
from graphql_api.library.bulk import chunks
from graphql_api.library.memberships import visible_at

# (user id, snapshot version, song id)
TrackPlaylistsKey = tuple[int, int, int]


async def load_track_playlists(
    sessionmaker: async_sessionmaker[AsyncSession], keys: Sequence[TrackPlaylistsKey]
) -> list[list[PlaylistVersion]]:
    """For each key, the playlist versions of that snapshot holding the song, by position."""
    found: dict[TrackPlaylistsKey, list[PlaylistVersion]] = {k: [] for k in keys}
    scopes = {(user_id, version) for user_id, version, _ in keys}
    async with sessionmaker() as session:
        for user_id, version in sorted(scopes):
            songs = sorted({s for u, v, s in keys if (u, v) == (user_id, version)})
            for chunk in chunks(songs):
                result = await session.execute(
                    select(PlaylistItem.song_id, PlaylistVersion)
                    .distinct()
                    .join(PlaylistVersion, PlaylistVersion.id == PlaylistItem.version_id)
                    .join(LibraryPlaylist, LibraryPlaylist.version_id == PlaylistVersion.id)
                    .where(visible_at(LibraryPlaylist, user_id, version))
                    .where(PlaylistItem.song_id.in_(chunk))
                    .order_by(PlaylistItem.song_id, PlaylistVersion.id)
                )
                for song_id, playlist in result:
                    if song_id is not None:
                        found[(user_id, version, song_id)].append(playlist)
    return [found[k] for k in keys]
