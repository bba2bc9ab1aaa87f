"""Mixtape playlists: reads, writes, members and the live change stream.

Thin: each checks the viewer, calls the playlists domain in a read session or one unit of
work, and returns rows; the schema (``schema/operations/playlists.py``) shapes them.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass

from graphql_api.db import models
from graphql_api.errors import Forbidden, NotFound
from graphql_api.kit.pagination import Rows, Window
from graphql_api.playlists import copies, details, entries, members, queries, versions
from graphql_api.playlists.access import access, may_view, unknown_playlist
from graphql_api.playlists.events import ACCESS_CHANGES, ChangeKind, PlaylistEvent, channel
from graphql_api.resolvers.context import Context


async def visible_playlists(context: Context, ids: Sequence[int]) -> list[models.Playlist | None]:
    """The playlists of ``ids`` the viewer may see (members' own and PUBLIC ones), None for
    the rest, in order (node look-ups; batched through the loaders)."""
    loaders = context.loaders.playlists
    rows = await loaders.playlist.load_many(list(ids))
    viewer = context.viewer_id
    roles = (
        await loaders.role.load_many([(i, viewer) for i in ids])
        if viewer is not None
        else [None] * len(ids)
    )
    return [
        row if row is not None and may_view(row, role) else None
        for row, role in zip(rows, roles, strict=True)
    ]


async def playlist(context: Context, playlist_id: int) -> models.Playlist:
    """A playlist the viewer may see; NOT_FOUND otherwise."""
    (row,) = await visible_playlists(context, [playlist_id])
    if row is None:
        raise unknown_playlist()
    return row


async def playlist_by_link(context: Context, token: str) -> models.Playlist:
    """The SHARED_LINK playlist of a link token, for anyone holding it."""
    async with context.read() as session:
        row = await queries.by_link(session, token)
    if row is None:
        raise NotFound("No playlist has this link.")
    return row


async def playlists(
    context: Context,
    window: Window,
    found: queries.PlaylistFilter,
    sort: queries.PlaylistSort,
    *,
    descending: bool,
) -> Rows:
    """A page of the playlists the viewer may see."""
    async with context.read() as session:
        return await queries.list_playlists(
            session, context.viewer_id, window, found, sort, descending=descending
        )


async def create_playlist(
    context: Context,
    *,
    name: str,
    description: str | None,
    visibility: models.PlaylistVisibility,
) -> models.Playlist:
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await details.create_playlist(
            uow, viewer, name=name, description=description, visibility=visibility
        )


async def update_playlist(
    context: Context, playlist_id: int, change: details.DetailsChange, expected_version: int
) -> models.Playlist:
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await details.update_playlist(
            uow,
            context.resources.pubsub,
            viewer,
            playlist_id,
            change,
            expected_version=expected_version,
        )


async def delete_playlist(context: Context, playlist_id: int) -> None:
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        await details.delete_playlist(uow, context.resources.pubsub, viewer, playlist_id)


@dataclass(frozen=True)
class Edited:
    """A playlist after a write of its items, and the entries the write put in place."""

    playlist: models.Playlist
    entries: list[models.PlaylistEntry]


async def add_items(
    context: Context,
    playlist_id: int,
    song_ids: Sequence[int],
    at: int | None,
    expected_version: int,
) -> Edited:
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        added = await entries.add_items(
            uow,
            context.resources.pubsub,
            viewer,
            playlist_id,
            song_ids,
            at=at,
            expected_version=expected_version,
        )
        return Edited(await versions.fresh(uow.session, playlist_id), added)


async def remove_items(
    context: Context, item_ids: Sequence[int], expected_version: int
) -> models.Playlist:
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        playlist_id = await entries.remove_items(
            uow, context.resources.pubsub, viewer, item_ids, expected_version=expected_version
        )
        return await versions.fresh(uow.session, playlist_id)


async def move_items(
    context: Context, item_ids: Sequence[int], to: int, expected_version: int
) -> models.Playlist:
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        playlist_id = await entries.move_items(
            uow,
            context.resources.pubsub,
            viewer,
            item_ids,
            to=to,
            expected_version=expected_version,
        )
        return await versions.fresh(uow.session, playlist_id)


async def copy_to_mixtape(context: Context, version_id: int) -> models.Playlist:
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await copies.copy_to_mixtape(uow, viewer, version_id)


async def invite_member(
    context: Context, playlist_id: int, user_id: int, role: models.PlaylistRole
) -> models.PlaylistMember:
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await members.invite(
            uow, context.resources.pubsub, viewer, playlist_id, user_id, role
        )


async def set_member_role(
    context: Context, playlist_id: int, user_id: int, role: models.PlaylistRole
) -> models.PlaylistMember:
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await members.set_role(
            uow, context.resources.pubsub, viewer, playlist_id, user_id, role
        )


async def remove_member(context: Context, playlist_id: int, user_id: int) -> models.Playlist:
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        await members.remove(uow, context.resources.pubsub, viewer, playlist_id, user_id)
        return await versions.fresh(uow.session, playlist_id)


async def leave_playlist(context: Context, playlist_id: int) -> None:
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        await members.leave(uow, context.resources.pubsub, viewer, playlist_id)


async def transfer_ownership(
    context: Context, playlist_id: int, user_id: int
) -> models.PlaylistMember:
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await members.transfer(uow, context.resources.pubsub, viewer, playlist_id, user_id)


async def _still_visible(context: Context, playlist_id: int) -> None:
    async with context.read() as session:
        await access(session, playlist_id, context.viewer_id)


async def playlist_changes(
    context: Context, playlist_id: int
) -> AsyncGenerator[PlaylistEvent, None]:
    """The playlist's state (kind CURRENT), then every change any member makes, on any
    process, until it is deleted or the viewer loses access (which ends the stream with
    FORBIDDEN)."""
    await _still_visible(context, playlist_id)
    # Subscribe first, then read: a change committed in between is not lost.
    async with context.resources.pubsub.subscribe(channel(playlist_id)) as messages:
        async with context.read() as session:
            found = await access(session, playlist_id, context.viewer_id)
        yield PlaylistEvent(playlist_id, found.playlist.version, ChangeKind.CURRENT)
        async for message in messages:
            event = PlaylistEvent.from_message(message)
            if event.kind is ChangeKind.DELETED:
                yield event
                return
            if event.kind in ACCESS_CHANGES:
                try:
                    await _still_visible(context, playlist_id)
                except NotFound:
                    raise Forbidden("You no longer have access to this playlist.") from None
            yield event
