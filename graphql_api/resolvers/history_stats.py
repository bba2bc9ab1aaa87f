"""listeningStats: whose statistics the viewer may read, and each statistic read once.

A user's statistics are as visible as what they play (``listening/sharing.py``): to
themselves, to everyone (EVERYONE), or to their followers (FOLLOWERS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.history import stats
from graphql_api.history.stats import StatsScope
from graphql_api.listening.sharing import can_view, unknown_user
from graphql_api.resolvers.context import Context

T = TypeVar("T")


@dataclass
class StatsReader:
    """One user's statistics for one range and zone; each query runs at most once."""

    context: Context
    scope: StatsScope
    _cache: dict[Any, Any] = field(default_factory=dict)

    async def read(self, key: Any, query: Callable[[AsyncSession], Awaitable[T]]) -> T:
        if key not in self._cache:
            async with self.context.read() as session:
                self._cache[key] = await query(session)
        result: T = self._cache[key]
        return result

    def today(self) -> dt.date:
        return dt.datetime.now(self.scope.local.zone).date()


async def listening_stats(
    context: Context,
    user_id: int,
    since: dt.datetime | None,
    until: dt.datetime | None,
    timezone: str,
) -> StatsReader:
    """The statistics of ``user_id``, when the viewer may see what they play."""
    viewer = context.require_viewer()
    if viewer != user_id:
        async with context.read() as session:
            if not await can_view(session, viewer, user_id):
                raise unknown_user()
    dialect = "sqlite" if context.resources.settings.is_sqlite else "postgresql"
    scope = StatsScope.of(dialect, user_id, viewer, since, until, timezone)
    async with context.read() as session:
        scope = await scope.fitted(session)
    return StatsReader(context, scope)


__all__ = ["StatsReader", "listening_stats", "stats"]
