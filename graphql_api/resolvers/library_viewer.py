"""The viewer's library fields: the latest snapshot and the list of them."""

from __future__ import annotations

from sqlalchemy import select

from graphql_api.db import models
from graphql_api.kit.pagination import Window, paginate
from graphql_api.library.snapshots import latest_succeeded
from graphql_api.schema.info import Info
from graphql_api.schema.types.library import LibrarySnapshot, LibrarySnapshotConnection


async def resolve_library(info: Info, user_id: int) -> LibrarySnapshot | None:
    """The user's latest successful snapshot (only the user sees it)."""
    if info.context.viewer_id != user_id:
        return None
    async with info.context.read() as session:
        row = await latest_succeeded(session, user_id)
    return LibrarySnapshot.from_row(row) if row else None


async def resolve_library_snapshots(
    info: Info, user_id: int, first: int | None, after: str | None
) -> LibrarySnapshotConnection:
    """Every snapshot of the user, newest first."""
    window = Window.of(first, after)
    if info.context.viewer_id != user_id:
        return LibrarySnapshotConnection.of(window, [], 0)
    async with info.context.read() as session:
        found = await paginate(
            session,
            select(models.LibrarySnapshot)
            .where(models.LibrarySnapshot.user_id == user_id)
            .order_by(models.LibrarySnapshot.version.desc()),
            window,
        )
    return LibrarySnapshotConnection.of(window, found.scalars().rows, found.total)
