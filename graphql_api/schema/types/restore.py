"""Restore: a library snapshot put back into the linked Spotify account, with its plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Self

import strawberry
from strawberry import relay
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, Window, connection
from graphql_api.resolvers.context import Info
from graphql_api.restore import sections
from graphql_api.schema.node import owned_rows
from graphql_api.schema.types.paging import After, First

RestoreStatus = strawberry.enum(models.RestoreStatus, name="RestoreStatus")
RestoreMode = strawberry.enum(
    models.RestoreMode,
    name="RestoreMode",
    description=(
        "ADD_MISSING adds what the snapshot has and the account lacks; MIRROR also removes "
        "what the account has and the snapshot lacks."
    ),
)
RestoreSection = strawberry.enum(sections.Section, name="RestoreSection")


@strawberry.type(description="Something to add or remove: its Spotify URI and its name.")
class RestoreItem:
    uri: str = strawberry.field(description="Empty for an item with no Spotify URI.")
    name: str
    recreated: bool = strawberry.field(
        description=(
            "A playlist of the user's that is recreated as a new playlist (false: someone "
            "else's playlist, followed again, or one whose items are replaced)."
        )
    )
    replaced: bool = strawberry.field(
        description="MIRROR: a playlist of the user's whose items are set to the snapshot's."
    )

    @classmethod
    def of(cls, body: dict[str, Any]) -> Self:
        replaced = bool(body.get("replace"))
        return cls(
            uri=str(body.get("uri") or ""),
            name=str(body.get("name") or ""),
            recreated=body.get("playlist") is not None and not replaced,
            replaced=replaced,
        )


@strawberry.type
class RestoreItemEdge:
    cursor: str
    node: RestoreItem


@strawberry.type
class RestoreItemConnection:
    edges: list[RestoreItemEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, items: list[dict[str, Any]], first: int | None, after: str | None) -> Self:
        window = Window.of(first, after)
        shown = [RestoreItem.of(i) for i in items[window.offset : window.offset + window.limit]]
        return connection(
            cls,
            Page.at(window, shown, len(items)),
            lambda cursor, item: RestoreItemEdge(cursor=cursor, node=item),
        )


@strawberry.type(description="What a restore set out to do in one section.")
class RestoreSectionPlan:
    section: RestoreSection  # type: ignore[valid-type]
    part: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="What would be added (saved, followed, recreated, replaced).")  # type: ignore[untyped-decorator]
    def add(self, first: First = None, after: After = None) -> RestoreItemConnection:
        return RestoreItemConnection.of(self.part.get("add", []), first, after)

    @strawberry.field(description="What would be removed (MIRROR only).")  # type: ignore[untyped-decorator]
    def remove(self, first: First = None, after: After = None) -> RestoreItemConnection:
        return RestoreItemConnection.of(self.part.get("remove", []), first, after)

    @strawberry.field
    def add_count(self) -> int:
        return len(self.part.get("add", []))

    @strawberry.field
    def remove_count(self) -> int:
        return len(self.part.get("remove", []))


@strawberry.type(description="What a restore did in one section (so far, while it runs).")
class RestoreSectionResult:
    section: RestoreSection  # type: ignore[valid-type]
    added: int
    removed: int
    part: strawberry.Private[dict[str, Any]]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Items Spotify does not have (any more), or with no Spotify URI."
    )
    def unavailable(self, first: First = None, after: After = None) -> RestoreItemConnection:
        return RestoreItemConnection.of(self.part.get("unavailable", []), first, after)


@strawberry.type(
    description=(
        "`phase` is `reading` (the snapshot and the account), then `writing`, then `done`; "
        "`done`/`total` count that phase's units; `fraction` is 0..1 and never decreases."
    )
)
class RestoreProgress:
    phase: str | None
    done: int
    total: int
    fraction: float


@strawberry.type(description="Why a restore failed.")
class RestoreError:
    code: str
    message: str


@strawberry.type(name="Restore")
class Restore(relay.Node):
    """A restore of a library snapshot into the linked Spotify account (docs/library.md)."""

    id: relay.NodeID[int]
    row: strawberry.Private[models.Restore]

    @strawberry.field
    def status(self) -> RestoreStatus:  # type: ignore[valid-type]
        return self.row.status

    @strawberry.field
    def mode(self) -> RestoreMode:  # type: ignore[valid-type]
        return self.row.mode

    @strawberry.field
    def dry_run(self) -> bool:
        return self.row.dry_run

    @strawberry.field
    def sections(self) -> list[RestoreSection]:  # type: ignore[valid-type]
        return sections.parse_sections(self.row.sections)

    @strawberry.field(description="The snapshot restored.")  # type: ignore[untyped-decorator]
    def snapshot_id(self) -> relay.GlobalID:
        return relay.GlobalID("LibrarySnapshot", str(self.row.snapshot_id))

    @strawberry.field
    def created_at(self) -> dt.datetime:
        return self.row.created_at

    @strawberry.field
    def finished_at(self) -> dt.datetime | None:
        return self.row.finished_at

    @strawberry.field
    def progress(self) -> RestoreProgress:
        return RestoreProgress(
            phase=self.row.phase,
            done=self.row.progress_done,
            total=self.row.progress_total,
            fraction=self.row.progress_fraction,
        )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "What would be added and removed per section, compared with the account as it "
            "was when the restore started; null until it has been read."
        )
    )
    def plan(self) -> list[RestoreSectionPlan] | None:
        if self.row.plan is None:
            return None
        return [
            RestoreSectionPlan(section=sections.Section(name), part=part)
            for name, part in self.row.plan.items()
        ]

    @strawberry.field(description="What was written so far; null for a dry run.")  # type: ignore[untyped-decorator]
    def result(self) -> list[RestoreSectionResult] | None:
        if self.row.result is None or self.row.dry_run:
            return None
        return [
            RestoreSectionResult(
                section=sections.Section(name),
                added=int(part.get("added", 0)),
                removed=int(part.get("removed", 0)),
                part=part,
            )
            for name, part in self.row.result.items()
        ]

    @strawberry.field
    def error(self) -> RestoreError | None:
        if self.row.error_code is None:
            return None
        return RestoreError(code=self.row.error_code, message=self.row.error_message or "")

    @classmethod
    def from_row(cls, row: models.Restore) -> Self:
        return cls(id=row.id, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        from graphql_api.restore.requests import restore_of

        rows = await owned_rows(info, node_ids, restore_of)
        return [cls.from_row(row) if row else None for row in rows]


@strawberry.type
class RestoreEdge:
    cursor: str
    node: Restore


@strawberry.type
class RestoreConnection:
    edges: list[RestoreEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, window: Window, rows: list[models.Restore], total: int) -> Self:
        return connection(
            cls,
            Page.at(window, rows, total),
            lambda cursor, row: RestoreEdge(cursor=cursor, node=Restore.from_row(row)),
        )
