"""Catalog root fields: the lists, and the viewer's own entries, credits and track lists.

Thin: each checks the viewer, calls the catalog domain in a read session or one unit of
work, and returns rows; the schema (``schema/operations/catalog.py``) shapes them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.catalog import credits, entries, tracks
from graphql_api.catalog.lists import ListQuery, catalog_list
from graphql_api.kit.pagination import Page
from graphql_api.resolvers.context import Context

T = TypeVar("T")


async def list_rows(context: Context, model: Any, query: ListQuery) -> Page[Any]:
    """A page of a top-level catalog list, as the viewer may see it."""
    async with context.read() as session:
        return await catalog_list(session, model, query, context.viewer_id)


async def write(context: Context, change: Callable[[AsyncSession, int], Awaitable[T]]) -> T:
    """Run ``change`` for the logged-in viewer in one unit of work: all of it or nothing."""
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await change(uow.session, viewer)


_SAVERS: dict[str, Callable[[AsyncSession, int, Any, int | None], Awaitable[Any]]] = {
    "song": entries.save_song,
    "album": entries.save_album,
    "artist": entries.save_artist,
    "genre": entries.save_genre,
}


async def create(context: Context, kind: str, fields: Any) -> Any:
    """Create one of the viewer's entries (``kind``: song, album, artist, genre)."""
    saver = _SAVERS[kind]
    return await write(context, lambda session, viewer: saver(session, viewer, fields, None))


async def update(context: Context, kind: str, row_id: int, fields: Any) -> Any:
    """Update one of the viewer's entries."""
    saver = _SAVERS[kind]
    return await write(context, lambda session, viewer: saver(session, viewer, fields, row_id))


async def delete(context: Context, model: Any, row_id: int, remove_everywhere: bool) -> None:
    await write(
        context,
        lambda session, viewer: entries.delete_entry(
            session, model, row_id, viewer, remove_everywhere
        ),
    )


async def set_song_credits(context: Context, song_id: int, given: Sequence[credits.Credit]) -> Any:
    return await write(
        context, lambda session, viewer: credits.set_song_credits(session, viewer, song_id, given)
    )


async def set_album_tracks(context: Context, album_id: int, given: Sequence[tracks.Track]) -> Any:
    return await write(
        context, lambda session, viewer: tracks.set_album_tracks(session, viewer, album_id, given)
    )


async def add_album_track(context: Context, album_id: int, track: tracks.Track) -> Any:
    return await write(
        context, lambda session, viewer: tracks.add_album_track(session, viewer, album_id, track)
    )


async def remove_album_track(
    context: Context, album_id: int, disc_number: int, track_number: int
) -> Any:
    return await write(
        context,
        lambda session, viewer: tracks.remove_album_track(
            session, viewer, album_id, disc_number, track_number
        ),
    )
