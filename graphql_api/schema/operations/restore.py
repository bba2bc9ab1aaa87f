"""Restore root fields (``graphql_api/resolvers/restore.py`` does the work)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from graphql_api.db import models
from graphql_api.kit.ids import decode_global_id
from graphql_api.resolvers import restore
from graphql_api.resolvers.context import Info
from graphql_api.restore.sections import Section
from graphql_api.schema.types.restore import Restore, RestoreMode, RestoreSection


def _restore_id(value: relay.GlobalID) -> int:
    return decode_global_id(value, "Restore")


@strawberry.type
class RestoreQuery:
    @strawberry.field(description="One of the viewer's restores, with its plan and progress.")  # type: ignore[untyped-decorator]
    async def restore(self, info: Info, id: relay.GlobalID) -> Restore:
        return Restore.from_row(await restore.own_restore(info.context, _restore_id(id)))


@strawberry.type
class RestoreMutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description=(
            "Put one of the viewer's snapshots back into their linked Spotify account: saved "
            "songs and albums, followed artists, playlists (the user's own recreated as new "
            "playlists, others' followed again). A job: follow it with `restore(id:)`. With "
            "`dryRun` nothing is written; the restore's `plan` says what would be."
        )
    )
    async def restore_snapshot(
        self,
        info: Info,
        id: relay.GlobalID,
        sections: list[RestoreSection],  # type: ignore[valid-type]
        mode: RestoreMode = models.RestoreMode.ADD_MISSING,  # type: ignore[valid-type]
        dry_run: bool = False,
    ) -> Restore:
        snapshot_id = decode_global_id(id, "LibrarySnapshot")
        chosen = [Section(s) for s in sections]
        row = await restore.restore_snapshot(
            info.context, snapshot_id, chosen, models.RestoreMode(mode), dry_run
        )
        return Restore.from_row(row)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description=(
            "Run a failed or stalled restore again: it compares again and writes what is "
            "still missing (playlists it made are continued, never made twice)."
        )
    )
    async def resume_restore(self, info: Info, id: relay.GlobalID) -> Restore:
        return Restore.from_row(await restore.resume_restore(info.context, _restore_id(id)))
