"""LibrarySnapshot: one saved state of a user's library, browsable as connections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable
from typing import Self, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, Window, connection
from graphql_api.library import browse
from graphql_api.resolvers.context import Info
from graphql_api.schema.node import parse_int_id
from graphql_api.schema.types.albums import Album
from graphql_api.schema.types.artists import ArtistConnection
from graphql_api.schema.types.paging import After, First, LibraryFilter, LibrarySort, list_query
from graphql_api.schema.types.playlist_versions import PlaylistVersionConnection
from graphql_api.schema.types.songs import Song

Row = TypeVar("Row")

SnapshotStatus = strawberry.enum(models.SnapshotStatus, name="SnapshotStatus")


@strawberry.type(
    description=(
        "`fraction` is the whole snapshot's progress, 0..1, and never decreases; `phase` is "
        "`library`, `playlist_items`, `writing` or `done`, and `done`/`total` count that "
        "phase's own units (they restart with each phase)."
    )
)
class SnapshotProgress:
    phase: str | None
    done: int
    total: int
    fraction: float


@strawberry.type(description="Why a snapshot failed, and what to do about it.")
class SnapshotError:
    code: str
    message: str
    retry_at: dt.datetime | None


@strawberry.type
class SavedTrackEdge:
    cursor: str
    added_at: dt.datetime | None
    node: Song


@strawberry.type
class SavedTrackConnection:
    edges: list[SavedTrackEdge]
    page_info: PageInfo
    total_count: int
    total_duration_ms: int


@strawberry.type
class SavedAlbumEdge:
    cursor: str
    added_at: dt.datetime | None
    node: Album


@strawberry.type
class SavedAlbumConnection:
    edges: list[SavedAlbumEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(name="LibrarySnapshot")
class LibrarySnapshot(relay.Node):
    """A saved state of the viewer's library. Lists are empty until it SUCCEEDED."""

    id: relay.NodeID[int]
    row: strawberry.Private[models.LibrarySnapshot]

    @classmethod
    def from_row(cls, row: models.LibrarySnapshot) -> Self:
        return cls(id=row.id, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        from graphql_api.library.snapshots import snapshot_of

        viewer = info.context.viewer_id
        found: list[Self | None] = []
        async with info.context.read() as session:
            for node_id in node_ids:
                db_id = parse_int_id(node_id)
                row = await snapshot_of(session, viewer, db_id) if viewer and db_id else None
                found.append(cls.from_row(row) if row else None)
        return found

    @property
    def _scope(self) -> tuple[int, int]:
        return (self.row.user_id, self.row.version)

    @property
    def _readable(self) -> bool:
        return self.row.status is models.SnapshotStatus.SUCCEEDED

    @strawberry.field
    def version(self) -> int:
        return self.row.version

    @strawberry.field
    def status(self) -> SnapshotStatus:  # type: ignore[valid-type]
        return self.row.status

    @strawberry.field(description="`manual` or `schedule`.")  # type: ignore[untyped-decorator]
    def trigger(self) -> str:
        return self.row.trigger

    @strawberry.field
    def progress(self) -> SnapshotProgress:
        return SnapshotProgress(
            phase=self.row.phase,
            done=self.row.progress_done,
            total=self.row.progress_total,
            fraction=self.row.progress_fraction,
        )

    async def _browse(
        self,
        info: Info,
        section: Callable[
            [AsyncSession, models.LibrarySnapshot, browse.ListQuery], Awaitable[browse.Page[Row]]
        ],
        query: browse.ListQuery,
    ) -> browse.Page[Row]:
        """A page of one section; empty until the snapshot has succeeded."""
        if not self._readable:
            return browse.Page([], 0)
        async with info.context.read() as session:
            return await section(session, self.row, query)

    @strawberry.field
    def error(self) -> SnapshotError | None:
        if self.row.error_code is None:
            return None
        return SnapshotError(
            code=self.row.error_code,
            message=self.row.error_message or "",
            retry_at=self.row.retry_after,
        )

    @strawberry.field
    def created_at(self) -> dt.datetime:
        return self.row.created_at

    @strawberry.field
    def started_at(self) -> dt.datetime | None:
        return self.row.started_at

    @strawberry.field
    def finished_at(self) -> dt.datetime | None:
        return self.row.finished_at

    @strawberry.field
    def saved_tracks_count(self) -> int:
        return self.row.saved_tracks_count

    @strawberry.field
    def saved_albums_count(self) -> int:
        return self.row.saved_albums_count

    @strawberry.field
    def followed_artists_count(self) -> int:
        return self.row.followed_artists_count

    @strawberry.field
    def playlists_count(self) -> int:
        return self.row.playlists_count

    @strawberry.field
    async def saved_tracks(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: LibraryFilter | None = None,
        sort: LibrarySort | None = None,
    ) -> SavedTrackConnection:
        query = list_query(first, after, filter, sort)
        found = await self._browse(info, browse.saved_tracks, query)
        return connection(
            SavedTrackConnection,
            Page.at(query.window, found.rows, found.total_count),
            lambda cursor, row: SavedTrackEdge(
                cursor=cursor,
                added_at=row[0].added_at,
                node=Song.from_row(row[1], scope=self._scope),
            ),
            total_duration_ms=found.total_duration_ms,
        )

    @strawberry.field
    async def saved_albums(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: LibraryFilter | None = None,
        sort: LibrarySort | None = None,
    ) -> SavedAlbumConnection:
        query = list_query(first, after, filter, sort)
        found = await self._browse(info, browse.saved_albums, query)
        return connection(
            SavedAlbumConnection,
            Page.at(query.window, found.rows, found.total_count),
            lambda cursor, row: SavedAlbumEdge(
                cursor=cursor, added_at=row[0].added_at, node=Album.from_row(row[1])
            ),
        )

    @strawberry.field
    async def followed_artists(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: LibraryFilter | None = None,
        sort: LibrarySort | None = None,
    ) -> ArtistConnection:
        query = list_query(first, after, filter, sort)
        found = await self._browse(info, browse.followed_artists, query)
        return ArtistConnection.of(Page.at(query.window, found.rows, found.total_count))

    @strawberry.field
    async def playlists(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: LibraryFilter | None = None,
        sort: LibrarySort | None = None,
    ) -> PlaylistVersionConnection:
        query = list_query(first, after, filter, sort)
        found = await self._browse(info, browse.playlists, query)
        return PlaylistVersionConnection.of(
            Page.at(query.window, found.rows, found.total_count), self._scope
        )


@strawberry.type
class LibrarySnapshotEdge:
    cursor: str
    node: LibrarySnapshot


@strawberry.type
class LibrarySnapshotConnection:
    edges: list[LibrarySnapshotEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, window: Window, rows: list[models.LibrarySnapshot], total: int) -> Self:
        """The connection of ``rows``, read at ``window`` out of ``total``."""
        return connection(
            cls,
            Page.at(window, rows, total),
            lambda cursor, row: LibrarySnapshotEdge(
                cursor=cursor, node=LibrarySnapshot.from_row(row)
            ),
        )
