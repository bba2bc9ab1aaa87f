"""The viewer's library fields: the latest snapshot and the list of them."""

from __future__ import annotations

from sqlalchemy import func, select

from graphql_api.db import models
from graphql_api.library.snapshots import latest_succeeded
from graphql_api.resolvers.context import Context


async def library(context: Context, user_id: int) -> models.LibrarySnapshot | None:
    """The user's latest successful snapshot (only the user sees it)."""
    if context.viewer_id != user_id:
        return None
    async with context.read() as session:
        return await latest_succeeded(session, user_id)


async def library_snapshots(
    context: Context, user_id: int, offset: int, limit: int
) -> tuple[list[models.LibrarySnapshot], int]:
    """A page of the user's snapshots, newest first, and how many there are (only the user
    sees them: nothing for anyone else)."""
    if context.viewer_id != user_id:
        return [], 0
    mine = models.LibrarySnapshot.user_id == user_id
    async with context.read() as session:
        total = await session.scalar(select(func.count()).where(mine)) or 0
        rows = await session.scalars(
            select(models.LibrarySnapshot)
            .where(mine)
            .order_by(models.LibrarySnapshot.version.desc())
            .offset(offset)
            .limit(limit)
        )
        return list(rows), total
