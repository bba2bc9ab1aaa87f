"""Library root fields (``graphql_api/resolvers/library.py`` does the work)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.db import models
from graphql_api.kit.ids import decode_global_id
from graphql_api.resolvers import library
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.library import LibrarySnapshot
from graphql_api.schema.types.library_diff import LibraryDiff

SnapshotScheduleEnum = strawberry.enum(models.SnapshotSchedule, name="SnapshotSchedule")


def _snapshot_id(value: relay.GlobalID) -> int:
    return decode_global_id(value, "LibrarySnapshot")


@strawberry.type
class LibraryQuery:
    @strawberry.field(description="One of the viewer's snapshots, with its status and progress.")  # type: ignore[untyped-decorator]
    async def library_snapshot(self, info: Info, id: relay.GlobalID) -> LibrarySnapshot:
        return LibrarySnapshot.from_row(await library.own_snapshot(info.context, _snapshot_id(id)))

    @strawberry.field(description="What changed from one snapshot to another (default: latest).")  # type: ignore[untyped-decorator]
    async def library_diff(
        self,
        info: Info,
        from_: Annotated[relay.GlobalID, strawberry.argument(name="from")],
        to: relay.GlobalID | None = None,
    ) -> LibraryDiff:
        target = _snapshot_id(to) if to is not None else None
        return LibraryDiff(
            diff=await library.library_diff(info.context, _snapshot_id(from_), target)
        )


@strawberry.type
class LibraryMutation:
    @strawberry.mutation(description="Save the viewer's library now (or return the one running).")  # type: ignore[untyped-decorator]
    async def save_library(self, info: Info) -> LibrarySnapshot:
        return LibrarySnapshot.from_row(await library.save_library(info.context))

    @strawberry.mutation(description="How often the viewer's library is saved on its own.")  # type: ignore[untyped-decorator]
    async def set_snapshot_schedule(
        self,
        info: Info,
        schedule: SnapshotScheduleEnum,  # type: ignore[valid-type]
    ) -> SnapshotScheduleEnum:  # type: ignore[valid-type]
        return await library.set_snapshot_schedule(info.context, models.SnapshotSchedule(schedule))


@strawberry.type
class LibrarySubscription:
    @strawberry.subscription(description="A snapshot's status and progress, until it ends.")  # type: ignore[untyped-decorator]
    async def library_snapshot(
        self, info: Info, id: relay.GlobalID
    ) -> AsyncGenerator[LibrarySnapshot, None]:
        async for row in library.snapshot_updates(info.context, _snapshot_id(id)):
            yield LibrarySnapshot.from_row(row)
