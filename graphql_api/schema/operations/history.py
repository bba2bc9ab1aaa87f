"""History root fields (``graphql_api/resolvers/history.py`` does the work)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from graphql_api.kit.ids import decode_global_id
from graphql_api.resolvers import history, history_stats
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.history import HistoryImport
from graphql_api.schema.types.listening_stats import ListeningStats, ListeningStatsRange


def _import_id(value: relay.GlobalID) -> int:
    return decode_global_id(value, "HistoryImport")


@strawberry.type
class HistoryQuery:
    @strawberry.field(description="One of the viewer's streaming-history imports, with progress.")  # type: ignore[untyped-decorator]
    async def history_import(self, info: Info, id: relay.GlobalID) -> HistoryImport:
        return HistoryImport.from_row(await history.own_import(info.context, _import_id(id)))

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "A user's listening statistics (default: the viewer's) over `range` (default: all "
            "time) in `timezone` (an IANA name), if they share what they play with you."
        )
    )
    async def listening_stats(
        self,
        info: Info,
        user_id: relay.GlobalID | None = None,
        range: ListeningStatsRange | None = None,
        timezone: str = "UTC",
    ) -> ListeningStats:
        viewer = info.context.require_viewer()
        owner = decode_global_id(user_id, "User") if user_id is not None else viewer
        span = range or ListeningStatsRange()
        reader = await history_stats.listening_stats(
            info.context, owner, span.since, span.until, timezone
        )
        return ListeningStats(reader=reader)


@strawberry.type
class HistoryMutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description=(
            "Run a failed or stalled import again from where it stopped (files and batches "
            "already written are not written again)."
        )
    )
    async def resume_history_import(self, info: Info, id: relay.GlobalID) -> HistoryImport:
        return HistoryImport.from_row(await history.resume_import(info.context, _import_id(id)))
