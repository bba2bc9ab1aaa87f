"""The viewer's library fields: the latest snapshot and the list of them."""

from __future__ import annotations

from sqlalchemy import func, select

from graphql_api.db import models
from graphql_api.library.snapshots import latest_succeeded
from graphql_api.schema.info import Info
from graphql_api.schema.types.library import LibrarySnapshot, LibrarySnapshotConnection
from graphql_api.schema.types.paging import decode_cursor, page_size


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
    offset, limit = decode_cursor(after), page_size(first)
    if info.context.viewer_id != user_id:
        return LibrarySnapshotConnection.of(offset, [], 0)
    mine = models.LibrarySnapshot.user_id == user_id
    async with info.context.read() as session:
        total = await session.scalar(select(func.count()).where(mine)) or 0
        rows = await session.scalars(
            select(models.LibrarySnapshot)
            .where(mine)
            .order_by(models.LibrarySnapshot.version.desc())
            .offset(offset)
            .limit(limit)
        )
        return LibrarySnapshotConnection.of(offset, list(rows), total)
