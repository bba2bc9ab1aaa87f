"""Following artists and playlists in Mixtape. All idempotent.

Artists followed on Spotify come from library snapshots (``followed_artists``); these
functions write only Mixtape's own follows, so unfollowing here does not undo a follow
made on Spotify (the next snapshot tells whether it still holds).
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Artist, ArtistFollow, LikeTarget, Playlist, PlaylistFollow
from graphql_api.social import targets
from graphql_api.social.store import insert_new


async def follow_artist(session: AsyncSession, user_id: int, artist_id: int) -> Artist:
    """``user_id`` follows ``artist_id``; NOT_FOUND for an artist they may not see."""
    artist: Artist = await targets.visible_row(session, user_id, LikeTarget.ARTIST, artist_id)
    await insert_new(session, ArtistFollow, user_id=user_id, artist_id=artist_id)
    return artist


async def unfollow_artist(session: AsyncSession, user_id: int, artist_id: int) -> Artist:
    """``user_id`` no longer follows ``artist_id`` in Mixtape."""
    artist: Artist = await targets.visible_row(session, user_id, LikeTarget.ARTIST, artist_id)
    await session.execute(
        delete(ArtistFollow).where(
            ArtistFollow.user_id == user_id, ArtistFollow.artist_id == artist_id
        )
    )
    return artist


async def follow_playlist(session: AsyncSession, user_id: int, playlist_id: int) -> Playlist:
    """``user_id`` follows ``playlist_id``; NOT_FOUND for a playlist they may not see."""
    playlist: Playlist = await targets.visible_row(
        session, user_id, LikeTarget.PLAYLIST, playlist_id
    )
    await insert_new(session, PlaylistFollow, user_id=user_id, playlist_id=playlist_id)
    return playlist


async def unfollow_playlist(session: AsyncSession, user_id: int, playlist_id: int) -> Playlist:
    """``user_id`` no longer follows ``playlist_id``."""
    playlist: Playlist = await targets.visible_row(
        session, user_id, LikeTarget.PLAYLIST, playlist_id
    )
    await session.execute(
        delete(PlaylistFollow).where(
            PlaylistFollow.user_id == user_id, PlaylistFollow.playlist_id == playlist_id
        )
    )
    return playlist
