"""Library root fields: save a snapshot, watch it, read it, compare two."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.db import models
from graphql_api.errors import BadUserInput, NotFound
from graphql_api.kit.ids import decode_global_id
from graphql_api.library import snapshots
from graphql_api.library.diff import LibraryDiff as Diff
from graphql_api.library.progress import channel_of
from graphql_api.library.runner import TERMINAL
from graphql_api.schema.info import Info
from graphql_api.schema.types.library import LibrarySnapshot
from graphql_api.schema.types.library_diff import LibraryDiff

SnapshotScheduleEnum = strawberry.enum(models.SnapshotSchedule, name="SnapshotSchedule")


async def _own_snapshot(info: Info, snapshot_id: relay.GlobalID) -> models.LibrarySnapshot:
    viewer = info.context.require_viewer()
    db_id = decode_global_id(snapshot_id, "LibrarySnapshot")
    async with info.context.read() as session:
        row = await snapshots.snapshot_of(session, viewer, db_id)
    if row is None:
        raise NotFound("No such snapshot.", argument=str(snapshot_id))
    return row


@strawberry.type
class LibraryQuery:
    @strawberry.field(description="One of the viewer's snapshots, with its status and progress.")  # type: ignore[untyped-decorator]
    async def library_snapshot(self, info: Info, id: relay.GlobalID) -> LibrarySnapshot:
        return LibrarySnapshot.from_row(await _own_snapshot(info, id))

    @strawberry.field(description="What changed from one snapshot to another (default: latest).")  # type: ignore[untyped-decorator]
    async def library_diff(
        self,
        info: Info,
        from_: Annotated[relay.GlobalID, strawberry.argument(name="from")],
        to: relay.GlobalID | None = None,
    ) -> LibraryDiff:
        source = await _own_snapshot(info, from_)
        if to is not None:
            target = await _own_snapshot(info, to)
        else:
            async with info.context.read() as session:
                latest = await snapshots.latest_succeeded(session, source.user_id)
            if latest is None:
                raise NotFound("You have no successful snapshot yet.")
            target = latest
        for end in (source, target):
            if end.status is not models.SnapshotStatus.SUCCEEDED:
                raise BadUserInput("Only successful snapshots can be compared.", snapshot=end.id)
        return LibraryDiff(diff=Diff(source, target))


@strawberry.type
class LibraryMutation:
    @strawberry.mutation(description="Save the viewer's library now (or return the one running).")  # type: ignore[untyped-decorator]
    async def save_library(self, info: Info) -> LibrarySnapshot:
        viewer = info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            row = await snapshots.request_snapshot(uow, info.context.resources.queue, viewer)
        return LibrarySnapshot.from_row(row)

    @strawberry.mutation(description="How often the viewer's library is saved on its own.")  # type: ignore[untyped-decorator]
    async def set_snapshot_schedule(
        self,
        info: Info,
        schedule: SnapshotScheduleEnum,  # type: ignore[valid-type]
    ) -> SnapshotScheduleEnum:  # type: ignore[valid-type]
        viewer = info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            user = await uow.session.get(models.User, viewer)
            if user is None:
                raise NotFound("No such user.")
            user.snapshot_schedule = models.SnapshotSchedule(schedule)
        return schedule


@strawberry.type
class LibrarySubscription:
    @strawberry.subscription(description="A snapshot's status and progress, until it ends.")  # type: ignore[untyped-decorator]
    async def library_snapshot(
        self, info: Info, id: relay.GlobalID
    ) -> AsyncGenerator[LibrarySnapshot, None]:
        row = await _own_snapshot(info, id)
        pubsub = info.context.resources.pubsub
        # Subscribe before reading, so no change falls between the read and the stream.
        async with pubsub.subscribe(channel_of(row.id)) as messages:
            row = await _own_snapshot(info, id)
            yield LibrarySnapshot.from_row(row)
            if row.status in TERMINAL:
                return
            async for _message in messages:
                async with info.context.read() as session:
                    fresh = await session.get(models.LibrarySnapshot, row.id)
                if fresh is None:
                    return
                yield LibrarySnapshot.from_row(fresh)
                if fresh.status in TERMINAL:
                    return
