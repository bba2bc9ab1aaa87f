"""Restore root fields: restore a snapshot into Spotify, follow it, resume it.

Thin: each checks the viewer, calls the restore domain and returns its rows; the schema
(``schema/operations/restore.py``) shapes them.
"""

from __future__ import annotations

from graphql_api.db import models
from graphql_api.errors import NotFound
from graphql_api.kit.pagination import Window
from graphql_api.resolvers.context import Context
from graphql_api.restore import requests
from graphql_api.restore.sections import Section


async def own_restore(context: Context, restore_id: int) -> models.Restore:
    """One of the viewer's restores; NOT_FOUND for anyone else's."""
    viewer = context.require_viewer()
    async with context.read() as session:
        row = await requests.restore_of(session, viewer, restore_id)
    if row is None:
        raise NotFound("No such restore.")
    return row


async def restores(
    context: Context, user_id: int, window: Window
) -> tuple[list[models.Restore], int]:
    """A page of the user's restores, newest first (only the user sees them)."""
    if context.viewer_id != user_id:
        return [], 0
    async with context.read() as session:
        return await requests.restores_of(session, user_id, window.offset, window.limit)


async def restore_snapshot(
    context: Context,
    snapshot_id: int,
    sections: list[Section],
    mode: models.RestoreMode,
    dry_run: bool,
) -> models.Restore:
    """Queue a restore (or a dry run) of one of the viewer's snapshots."""
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await requests.create_restore(
            uow, context.resources.queue, viewer, snapshot_id, sections, mode, dry_run=dry_run
        )


async def resume_restore(context: Context, restore_id: int) -> models.Restore:
    """Queue a failed (or stalled) restore of the viewer again."""
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await requests.resume_restore(uow, context.resources.queue, viewer, restore_id)
