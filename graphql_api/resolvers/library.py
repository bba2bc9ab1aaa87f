"""Library root fields: save a snapshot, watch it, read it, compare two.

Thin: each checks the viewer, calls the library domain and returns its rows; the schema
(``schema/operations/library.py``) shapes them into GraphQL types.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from graphql_api.db import models
from graphql_api.errors import BadUserInput, NotFound
from graphql_api.library import snapshots
from graphql_api.library.diff import LibraryDiff as Diff
from graphql_api.library.progress import channel_of
from graphql_api.library.runner import TERMINAL
from graphql_api.resolvers.context import Context


async def own_snapshot(context: Context, snapshot_id: int) -> models.LibrarySnapshot:
    """One of the viewer's snapshots; NOT_FOUND for anyone else's."""
    viewer = context.require_viewer()
    async with context.read() as session:
        row = await snapshots.snapshot_of(session, viewer, snapshot_id)
    if row is None:
        raise NotFound("No such snapshot.")
    return row


async def library_diff(context: Context, source_id: int, target_id: int | None) -> Diff:
    """What changed from one of the viewer's snapshots to another (default: the latest)."""
    source = await own_snapshot(context, source_id)
    if target_id is not None:
        target = await own_snapshot(context, target_id)
    else:
        async with context.read() as session:
            latest = await snapshots.latest_succeeded(session, source.user_id)
        if latest is None:
            raise NotFound("You have no successful snapshot yet.")
        target = latest
    for end in (source, target):
        if end.status is not models.SnapshotStatus.SUCCEEDED:
            raise BadUserInput("Only successful snapshots can be compared.", snapshot=end.id)
    # The diff's lists are read page by page when the client asks for them.
    return Diff(source, target)


async def save_library(context: Context) -> models.LibrarySnapshot:
    """Save the viewer's library now (or return the snapshot already running)."""
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await snapshots.request_snapshot(uow, context.resources.queue, viewer)


async def set_snapshot_schedule(
    context: Context, schedule: models.SnapshotSchedule
) -> models.SnapshotSchedule:
    """How often the viewer's library is saved on its own."""
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        user = await uow.session.get(models.User, viewer)
        if user is None:
            raise NotFound("No such user.")
        user.snapshot_schedule = schedule
    return schedule


async def snapshot_updates(
    context: Context, snapshot_id: int
) -> AsyncGenerator[models.LibrarySnapshot, None]:
    """One of the viewer's snapshots, then again at each change, until it ends."""
    row = await own_snapshot(context, snapshot_id)
    # Subscribe before reading, so no change falls between the read and the stream.
    async with context.resources.pubsub.subscribe(channel_of(row.id)) as messages:
        row = await own_snapshot(context, snapshot_id)
        yield row
        if row.status in TERMINAL:
            return
        async for _message in messages:
            async with context.read() as session:
                fresh = await session.get(models.LibrarySnapshot, row.id)
            if fresh is None:
                return
            yield fresh
            if fresh.status in TERMINAL:
                return
