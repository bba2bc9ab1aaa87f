"""Listening fields of the User type, visible to the user themselves only."""

from __future__ import annotations

import datetime as dt

from graphql_api.errors import Forbidden
from graphql_api.kit.pagination import Page
from graphql_api.listening import queries
from graphql_api.resolvers.context import Context


def _owner(context: Context, user_id: int) -> int:
    viewer_id = context.require_viewer()
    if viewer_id != user_id:
        raise Forbidden("Only the user themselves can see this.")
    return viewer_id


async def listening_history(
    context: Context,
    user_id: int,
    *,
    first: int | None,
    after: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> Page[queries.PlayRecord]:
    """The user's plays, newest first."""
    _owner(context, user_id)
    async with context.read() as session:
        return await queries.listening_history(
            session, user_id, first=first, after=after, since=since, until=until
        )


async def poller_health(context: Context, user_id: int) -> queries.PollerHealth:
    """The health of the user's now-playing poller."""
    _owner(context, user_id)
    async with context.read() as session:
        return await queries.poller_health(session, context.resources.settings, user_id)


def sharing_level(context: Context, user_id: int, level: str) -> str | None:
    """The user's sharing level, for themselves only (None for others)."""
    return level if context.viewer_id == user_id else None
