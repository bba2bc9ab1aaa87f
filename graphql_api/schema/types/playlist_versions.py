"""Spotify playlists as a snapshot saw them: one version of a playlist and its items.

``PlaylistVersion`` is Spotify's playlist at one ``snapshot_id``; ``Playlist`` means a
Mixtape playlist of one's own. Items point at ``Song`` nodes, scoped to the snapshot
(``Song.playlists``)."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry
from strawberry import relay
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, Window, connection
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.paging import After, First
from graphql_api.schema.types.songs import Song


@strawberry.type(name="PlaylistVersionItem")
class PlaylistVersionItem:
    row: strawberry.Private[models.PlaylistItem]
    scope: strawberry.Private[tuple[int, int] | None]

    @strawberry.field
    def position(self) -> int:
        return self.row.position

    @strawberry.field
    def added_at(self) -> dt.datetime | None:
        return self.row.added_at

    @strawberry.field(description="The Spotify user id of whoever added the item.")  # type: ignore[untyped-decorator]
    def added_by(self) -> str | None:
        return self.row.added_by_spotify_id

    @strawberry.field(description="Null when Spotify no longer has the content.")  # type: ignore[untyped-decorator]
    async def track(self, info: Info) -> Song | None:
        if self.row.song_id is None:
            return None
        row = await info.context.loaders.library.song.load(self.row.song_id)
        return Song.from_row(row, scope=self.scope) if row else None


@strawberry.type
class PlaylistVersionItemEdge:
    cursor: str
    node: PlaylistVersionItem


@strawberry.type
class PlaylistVersionItemConnection:
    edges: list[PlaylistVersionItemEdge]
    page_info: PageInfo
    total_count: int
    total_duration_ms: int


@strawberry.type(
    name="PlaylistVersion", description="A Spotify playlist as it was (one version of it)."
)
class PlaylistVersion:
    row: strawberry.Private[models.PlaylistVersion]
    scope: strawberry.Private[tuple[int, int] | None] = None

    @strawberry.field(description="Its global id (`copyToMixtape` takes it).")  # type: ignore[untyped-decorator]
    def id(self) -> relay.GlobalID:
        return relay.GlobalID("PlaylistVersion", str(self.row.id))

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def description(self) -> str | None:
        return self.row.description

    @strawberry.field
    def public(self) -> bool | None:
        return self.row.public

    @strawberry.field
    def collaborative(self) -> bool:
        return self.row.collaborative

    @strawberry.field
    def image_url(self) -> str | None:
        return self.row.image_url

    @strawberry.field(description="Spotify's version id of the playlist's contents.")  # type: ignore[untyped-decorator]
    def snapshot_id(self) -> str:
        return self.row.spotify_snapshot_id

    @strawberry.field
    def items_total(self) -> int:
        return self.row.items_total

    @strawberry.field(description="False when Spotify would not let us read the items.")  # type: ignore[untyped-decorator]
    def items_readable(self) -> bool:
        return self.row.items_readable

    @strawberry.field
    def unreadable_reason(self) -> str | None:
        return self.row.unreadable_reason

    @strawberry.field
    async def uri(self, info: Info) -> str | None:
        identity = await info.context.loaders.library.spotify_playlist.load(self.row.playlist_id)
        return f"spotify:playlist:{identity.spotify_id}" if identity else None

    @strawberry.field
    async def owner(self, info: Info) -> str | None:
        identity = await info.context.loaders.library.spotify_playlist.load(self.row.playlist_id)
        if identity is None:
            return None
        return identity.owner_display_name or identity.owner_spotify_id

    @strawberry.field
    async def items(
        self, info: Info, first: First = None, after: After = None
    ) -> PlaylistVersionItemConnection:
        window = Window.of(first, after)
        found = await info.context.loaders.library.playlist_items.load((self.row.id, window))
        return connection(
            PlaylistVersionItemConnection,
            Page.at(window, found.rows, found.total_count),
            lambda cursor, row: PlaylistVersionItemEdge(
                cursor=cursor, node=PlaylistVersionItem(row=row, scope=self.scope)
            ),
            total_duration_ms=found.total_duration_ms,
        )


@strawberry.type
class PlaylistVersionEdge:
    cursor: str
    node: PlaylistVersion


@strawberry.type
class PlaylistVersionConnection:
    edges: list[PlaylistVersionEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.PlaylistVersion], scope: tuple[int, int]) -> Self:
        """The connection of a page of playlist versions, seen from snapshot ``scope``."""
        return connection(
            cls,
            page,
            lambda cursor, row: PlaylistVersionEdge(
                cursor=cursor, node=PlaylistVersion(row=row, scope=scope)
            ),
        )
