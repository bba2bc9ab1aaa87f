"""The viewer: who is asking."""

from __future__ import annotations

from graphql_api.db import models
from graphql_api.resolvers.context import Context


async def viewer(context: Context) -> models.User | None:
    """The logged-in user, or None for an anonymous request."""
    if context.viewer_id is None:
        return None
    return await context.loaders.user.load(context.viewer_id)


def visible_users(context: Context, rows: list[models.User | None]) -> list[models.User | None]:
    """``rows`` with the users the viewer may not see replaced by None (node look-ups)."""
    # Until users can share with one another, a user sees only themselves.
    return [row if row is not None and row.id == context.viewer_id else None for row in rows]
