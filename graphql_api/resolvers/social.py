"""Likes and follows: the mutations, the viewer's lists, and ``viewerHasLiked``.

Thin: each checks the viewer, calls the social domain and returns what it found (rows);
the schema (``schema/operations/social.py``, ``schema/types/social.py``) shapes it.
"""

from __future__ import annotations

from typing import Any

from graphql_api.db.models import Artist, LikeTarget, Playlist
from graphql_api.kit.pagination import Page
from graphql_api.resolvers.context import Context
from graphql_api.social import follows, likes, queries, totals


async def like(context: Context, target: LikeTarget, target_id: int) -> Any:
    """The viewer likes a song, album, artist or playlist; returns its row."""
    viewer_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await likes.like(uow.session, viewer_id, target, target_id)


async def unlike(context: Context, target: LikeTarget, target_id: int) -> Any:
    """The viewer no longer likes it; returns its row."""
    viewer_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await likes.unlike(uow.session, viewer_id, target, target_id)


async def viewer_has_liked(context: Context, target: LikeTarget, target_id: int) -> bool:
    """Whether the viewer likes it (False when anonymous); batched per request."""
    if context.viewer_id is None:
        return False
    return await context.loaders.liked.load((context.viewer_id, target, target_id))


async def follow_artist(context: Context, artist_id: int) -> Artist:
    viewer_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await follows.follow_artist(uow.session, viewer_id, artist_id)


async def unfollow_artist(context: Context, artist_id: int) -> Artist:
    viewer_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await follows.unfollow_artist(uow.session, viewer_id, artist_id)


async def follow_playlist(context: Context, playlist_id: int) -> Playlist:
    viewer_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await follows.follow_playlist(uow.session, viewer_id, playlist_id)


async def unfollow_playlist(context: Context, playlist_id: int) -> Playlist:
    viewer_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await follows.unfollow_playlist(uow.session, viewer_id, playlist_id)


async def library_totals(context: Context, user_id: int) -> totals.LibraryTotals | None:
    """A user's library totals; only the user sees them (None for anyone else)."""
    if context.viewer_id != user_id:
        return None
    async with context.read() as session:
        return await totals.library_totals(session, user_id)


async def user_likes(
    context: Context,
    user_id: int,
    target: LikeTarget | None,
    *,
    first: int | None,
    after: str | None,
) -> Page[queries.Liked]:
    """A user's likes, newest first; only the user sees them (an empty page for others)."""
    if context.viewer_id != user_id:
        return Page([], 0, has_next=False)
    async with context.read() as session:
        return await queries.likes(session, user_id, target, first=first, after=after)


async def user_followed_artists(
    context: Context, user_id: int, *, first: int | None, after: str | None
) -> Page[queries.Followed]:
    """The artists a user follows (Spotify and Mixtape); only the user sees them."""
    if context.viewer_id != user_id:
        return Page([], 0, has_next=False)
    async with context.read() as session:
        return await queries.followed_artists(session, user_id, first=first, after=after)
