"""History root fields: the viewer's streaming-history imports, resuming one.

Thin: each checks the viewer, calls the history domain and returns its rows; the schema
(``schema/operations/history.py``) shapes them.
"""

from __future__ import annotations

from sqlalchemy import select

from graphql_api.db import models
from graphql_api.errors import NotFound
from graphql_api.history import imports
from graphql_api.kit.pagination import Window
from graphql_api.resolvers.context import Context


async def own_import(context: Context, import_id: int) -> models.HistoryImport:
    """One of the viewer's imports; NOT_FOUND for anyone else's."""
    viewer = context.require_viewer()
    async with context.read() as session:
        row = await imports.import_of(session, viewer, import_id)
    if row is None:
        raise NotFound("No such history import.")
    return row


async def import_files(context: Context, import_id: int) -> list[models.HistoryImportFile]:
    async with context.read() as session:
        rows = await session.scalars(
            select(models.HistoryImportFile)
            .where(models.HistoryImportFile.import_id == import_id)
            .order_by(models.HistoryImportFile.position)
        )
        return list(rows)


async def history_imports(
    context: Context, user_id: int, window: Window
) -> tuple[list[models.HistoryImport], int]:
    """A page of the user's imports, newest first (only the user sees them)."""
    if context.viewer_id != user_id:
        return [], 0
    async with context.read() as session:
        return await imports.imports_of(session, user_id, window.offset, window.limit)


async def resume_import(context: Context, import_id: int) -> models.HistoryImport:
    """Queue a failed (or stalled) import of the viewer again, from where it stopped."""
    viewer = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await imports.resume_import(uow, context.resources.queue, viewer, import_id)
