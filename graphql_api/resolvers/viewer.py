"""The viewer: who is asking."""

from __future__ import annotations

from graphql_api.db import models
from graphql_api.listening.sharing import shares_with
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


async def profile_visible(context: Context, user: models.User) -> bool:
    """Whether the viewer may see ``user``'s profile: as what they play (a follow is
    looked up only when the sharing level depends on it, batched per request)."""
    viewer_id = context.viewer_id
    level = user.now_playing_sharing
    follows = False
    if viewer_id is not None and viewer_id != user.id and level is models.SharingLevel.FOLLOWERS:
        follows = await context.loaders.follows.load((viewer_id, user.id))
    return shares_with(level, is_owner=viewer_id == user.id, follows=follows)
