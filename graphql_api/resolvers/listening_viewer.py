"""Listening fields of the User type, visible to the user themselves only."""

from __future__ import annotations

import datetime as dt

from graphql_api.errors import Forbidden
from graphql_api.listening import queries
from graphql_api.schema.info import Info
from graphql_api.schema.types.now_playing import (
    NowPlayingPoller,
    NowPlayingSharing,
    PlayConnection,
)


def _owner(info: Info, user_id: int) -> int:
    viewer_id = info.context.require_viewer()
    if viewer_id != user_id:
        raise Forbidden("Only the user themselves can see this.")
    return viewer_id


async def resolve_listening_history(
    info: Info,
    user_id: int,
    first: int = 20,
    after: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> PlayConnection:
    """The user's plays, newest first."""
    _owner(info, user_id)
    async with info.context.read() as session:
        page = await queries.listening_history(
            session, user_id, first=first, after=after, since=since, until=until
        )
    return PlayConnection.from_page(page)


async def resolve_poller(info: Info, user_id: int) -> NowPlayingPoller:
    """The health of the user's now-playing poller."""
    _owner(info, user_id)
    async with info.context.read() as session:
        health = await queries.poller_health(session, info.context.resources.settings, user_id)
    return NowPlayingPoller.from_health(health)


def sharing_of(info: Info, user_id: int, level: str) -> NowPlayingSharing | None:
    """The user's sharing level, for themselves only (null for others)."""
    if info.context.viewer_id != user_id:
        return None
    return NowPlayingSharing(level)
