"""LibraryDiff: what changed between two snapshots, every list a cursor connection."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.relay import PageInfo

from graphql_api.kit.pagination import Page, Rows, Window, connection
from graphql_api.library.diff import LibraryDiff as Diff
from graphql_api.library.diff import (
    PlaylistChange,
    Section,
    Side,
    changed,
    changed_items,
    changed_playlists,
    edited_playlists,
)
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.albums import AlbumConnection
from graphql_api.schema.types.artists import ArtistConnection
from graphql_api.schema.types.library import LibrarySnapshot
from graphql_api.schema.types.paging import After, First
from graphql_api.schema.types.playlist_versions import PlaylistVersion, PlaylistVersionConnection
from graphql_api.schema.types.songs import SongConnection

Scope = tuple[int, int]
ADDED_ITEMS = "Items of the later version beyond the copies of their song in the earlier one."
REMOVED_ITEMS = "Items of the earlier version beyond the copies of their song in the later one."


def _page(window: Window, found: Rows) -> Page[Any]:
    """The page of ``window`` holding the rows a diff query read."""
    return Page.at(window, found.rows, found.total)


@strawberry.type
class PlaylistItemsChange:
    change: strawberry.Private[PlaylistChange]
    scope: strawberry.Private[Scope]

    @strawberry.field(description="The playlist as it is in the later snapshot.")  # type: ignore[untyped-decorator]
    async def playlist(self, info: Info) -> PlaylistVersion | None:
        row = await info.context.loaders.library.playlist_version.load(self.change.to_version_id)
        return PlaylistVersion(row=row, scope=self.scope) if row else None

    @strawberry.field(description=ADDED_ITEMS)  # type: ignore[untyped-decorator]
    async def added_items(
        self, info: Info, first: First = None, after: After = None
    ) -> SongConnection:
        return await self._items(info, Side.ADDED, Window.of(first, after))

    @strawberry.field(description=REMOVED_ITEMS)  # type: ignore[untyped-decorator]
    async def removed_items(
        self, info: Info, first: First = None, after: After = None
    ) -> SongConnection:
        return await self._items(info, Side.REMOVED, Window.of(first, after))

    async def _items(self, info: Info, side: Side, window: Window) -> SongConnection:
        async with info.context.read() as session:
            found = await changed_items(session, self.change, side, window)
        return SongConnection.of(_page(window, found), self.scope)


@strawberry.type
class PlaylistItemsChangeEdge:
    cursor: str
    node: PlaylistItemsChange


@strawberry.type
class PlaylistItemsChangeConnection:
    edges: list[PlaylistItemsChangeEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="What changed from one snapshot to another; every list is paged.")
class LibraryDiff:
    diff: strawberry.Private[Diff]

    @property
    def _scope(self) -> Scope:
        return (self.diff.target.user_id, self.diff.target.version)

    @strawberry.field(name="from")  # type: ignore[untyped-decorator]
    def source(self) -> LibrarySnapshot:
        return LibrarySnapshot.from_row(self.diff.source)

    @strawberry.field(name="to")  # type: ignore[untyped-decorator]
    def target(self) -> LibrarySnapshot:
        return LibrarySnapshot.from_row(self.diff.target)

    async def _changed(
        self, info: Info, section: Section, side: Side, first: int | None, after: str | None
    ) -> Page[Any]:
        window = Window.of(first, after)
        async with info.context.read() as session:
            return _page(window, await changed(session, self.diff, section, side, window))

    async def _playlists(
        self, info: Info, side: Side, first: int | None, after: str | None
    ) -> PlaylistVersionConnection:
        window = Window.of(first, after)
        async with info.context.read() as session:
            found = await changed_playlists(session, self.diff, side, window)
        return PlaylistVersionConnection.of(_page(window, found), self._scope)

    @strawberry.field(description="Tracks saved in the later snapshot only, by id.")  # type: ignore[untyped-decorator]
    async def added_tracks(
        self, info: Info, first: First = None, after: After = None
    ) -> SongConnection:
        page = await self._changed(info, Section.TRACKS, Side.ADDED, first, after)
        return SongConnection.of(page, self._scope)

    @strawberry.field(description="Tracks saved in the earlier snapshot only, by id.")  # type: ignore[untyped-decorator]
    async def removed_tracks(
        self, info: Info, first: First = None, after: After = None
    ) -> SongConnection:
        page = await self._changed(info, Section.TRACKS, Side.REMOVED, first, after)
        return SongConnection.of(page, self._scope)

    @strawberry.field(description="Albums saved in the later snapshot only, by id.")  # type: ignore[untyped-decorator]
    async def added_albums(
        self, info: Info, first: First = None, after: After = None
    ) -> AlbumConnection:
        page = await self._changed(info, Section.ALBUMS, Side.ADDED, first, after)
        return AlbumConnection.of(page)

    @strawberry.field(description="Albums saved in the earlier snapshot only, by id.")  # type: ignore[untyped-decorator]
    async def removed_albums(
        self, info: Info, first: First = None, after: After = None
    ) -> AlbumConnection:
        page = await self._changed(info, Section.ALBUMS, Side.REMOVED, first, after)
        return AlbumConnection.of(page)

    @strawberry.field(description="Artists followed in the later snapshot only, by id.")  # type: ignore[untyped-decorator]
    async def followed_artists(
        self, info: Info, first: First = None, after: After = None
    ) -> ArtistConnection:
        page = await self._changed(info, Section.ARTISTS, Side.ADDED, first, after)
        return ArtistConnection.of(page)

    @strawberry.field(description="Artists followed in the earlier snapshot only, by id.")  # type: ignore[untyped-decorator]
    async def unfollowed_artists(
        self, info: Info, first: First = None, after: After = None
    ) -> ArtistConnection:
        page = await self._changed(info, Section.ARTISTS, Side.REMOVED, first, after)
        return ArtistConnection.of(page)

    @strawberry.field(description="Playlists in the later snapshot's list only, as they are there.")  # type: ignore[untyped-decorator]
    async def added_playlists(
        self, info: Info, first: First = None, after: After = None
    ) -> PlaylistVersionConnection:
        return await self._playlists(info, Side.ADDED, first, after)

    @strawberry.field(
        description="Playlists in the earlier snapshot's list only, as they were there."
    )  # type: ignore[untyped-decorator]
    async def removed_playlists(
        self, info: Info, first: First = None, after: After = None
    ) -> PlaylistVersionConnection:
        return await self._playlists(info, Side.REMOVED, first, after)

    @strawberry.field(description="Playlists in both snapshots under different Spotify versions.")  # type: ignore[untyped-decorator]
    async def changed_playlists(
        self, info: Info, first: First = None, after: After = None
    ) -> PlaylistItemsChangeConnection:
        window = Window.of(first, after)
        async with info.context.read() as session:
            found = await edited_playlists(session, self.diff, window)
        return connection(
            PlaylistItemsChangeConnection,
            _page(window, found),
            lambda cursor, change: PlaylistItemsChangeEdge(
                cursor=cursor, node=PlaylistItemsChange(change=change, scope=self._scope)
            ),
        )
