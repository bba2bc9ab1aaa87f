"""The viewer's library fields: the latest snapshot and the list of them."""

from __future__ import annotations

from sqlalchemy import select

from graphql_api.db import models
from graphql_api.kit.pagination import Window, paginate
from graphql_api.library.snapshots import latest_succeeded
from graphql_api.resolvers.context import Context


async def library(context: Context, user_id: int) -> models.LibrarySnapshot | None:
    """The user's latest successful snapshot (only the user sees it)."""
    if context.viewer_id != user_id:
        return None
    async with context.read() as session:
        return await latest_succeeded(session, user_id)


async def library_snapshots(
    context: Context, user_id: int, window: Window
) -> tuple[list[models.LibrarySnapshot], int]:
    """A page of the user's snapshots, newest first, and how many there are (only the user
    sees them: nothing for anyone else)."""
    if context.viewer_id != user_id:
        return [], 0
    async with context.read() as session:
        found = await paginate(
            session,
            select(models.LibrarySnapshot)
            .where(models.LibrarySnapshot.user_id == user_id)
            .order_by(models.LibrarySnapshot.version.desc()),
            window,
        )
    return found.scalars().rows, found.total
