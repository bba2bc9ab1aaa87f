"""HistoryImport: an import of Spotify's extended streaming history, with its progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Self

import strawberry
from strawberry import relay
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, Window, connection
from graphql_api.resolvers import history
from graphql_api.resolvers.context import Info
from graphql_api.schema.node import owned_rows

HistoryImportStatus = strawberry.enum(models.HistoryImportStatus, name="HistoryImportStatus")


@strawberry.type(
    description=(
        "`phase` is `checking` (reading every file once) or `writing`, then `done`; "
        "`done`/`total` count that phase's units (files, then entries); `fraction` is the "
        "whole import's progress, 0..1, and never decreases."
    )
)
class HistoryImportProgress:
    phase: str | None
    done: int
    total: int
    fraction: float


@strawberry.type(description="What an import has written so far.")
class HistoryImportCounts:
    entries_read: int
    plays_added: int = strawberry.field(description="New plays (listening history).")
    plays_merged: int = strawberry.field(
        description="Entries that were plays the poller had recorded already (merged into them)."
    )
    skips_added: int = strawberry.field(
        description="Entries below the play-counting rule, kept for the skip rate only."
    )
    entries_ignored: int = strawberry.field(
        description="Entries with nothing played, or without a track or episode URI."
    )
    songs_created: int


@strawberry.type(description="Why an import failed (the file and entry are in the message).")
class HistoryImportError:
    code: str
    message: str


@strawberry.type(description="One JSON file of an import.")
class HistoryImportFile:
    name: str
    entries_total: int | None
    entries_done: int
    done: bool


@strawberry.type(name="HistoryImport")
class HistoryImport(relay.Node):
    """An import of Spotify's extended streaming history (see docs/history.md)."""

    id: relay.NodeID[int]
    row: strawberry.Private[models.HistoryImport]

    @strawberry.field
    def status(self) -> HistoryImportStatus:  # type: ignore[valid-type]
        return self.row.status

    @strawberry.field
    def created_at(self) -> dt.datetime:
        return self.row.created_at

    @strawberry.field
    def finished_at(self) -> dt.datetime | None:
        return self.row.finished_at

    @strawberry.field(description="The Spotify user the files say they belong to, if they say.")  # type: ignore[untyped-decorator]
    def spotify_username(self) -> str | None:
        return self.row.spotify_username

    @strawberry.field
    def progress(self) -> HistoryImportProgress:
        return HistoryImportProgress(
            phase=self.row.phase,
            done=self.row.progress_done,
            total=self.row.progress_total,
            fraction=self.row.progress_fraction,
        )

    @strawberry.field
    def counts(self) -> HistoryImportCounts:
        row = self.row
        return HistoryImportCounts(
            entries_read=row.entries_read,
            plays_added=row.plays_added,
            plays_merged=row.plays_merged,
            skips_added=row.skips_added,
            entries_ignored=row.entries_ignored,
            songs_created=row.songs_created,
        )

    @strawberry.field
    def error(self) -> HistoryImportError | None:
        if self.row.error_code is None:
            return None
        return HistoryImportError(code=self.row.error_code, message=self.row.error_message or "")

    @strawberry.field
    async def files(self, info: Info) -> list[HistoryImportFile]:
        rows = await history.import_files(info.context, self.row.id)
        return [
            HistoryImportFile(
                name=r.name, entries_total=r.entries_total, entries_done=r.entries_done, done=r.done
            )
            for r in rows
        ]

    @classmethod
    def from_row(cls, row: models.HistoryImport) -> Self:
        return cls(id=row.id, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        from graphql_api.history.imports import import_of

        rows = await owned_rows(info, node_ids, import_of)
        return [cls.from_row(row) if row else None for row in rows]


@strawberry.type
class HistoryImportEdge:
    cursor: str
    node: HistoryImport


@strawberry.type
class HistoryImportConnection:
    edges: list[HistoryImportEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, window: Window, rows: list[models.HistoryImport], total: int) -> Self:
        return connection(
            cls,
            Page.at(window, rows, total),
            lambda cursor, row: HistoryImportEdge(cursor=cursor, node=HistoryImport.from_row(row)),
        )
