"""Mixtape's own playlists: Playlist and PlaylistItem nodes, members, change events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import ClassVar, Self

import strawberry
from strawberry import relay
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, Window, connection
from graphql_api.resolvers import playlists as resolve
from graphql_api.resolvers.context import Info
from graphql_api.schema.node import parse_int_id
from graphql_api.schema.types.likeable import Likeable
from graphql_api.schema.types.paging import After, First
from graphql_api.schema.types.songs import Song
from graphql_api.schema.types.user import User

PlaylistVisibility = strawberry.enum(
    models.PlaylistVisibility,
    name="PlaylistVisibility",
    description=(
        "PRIVATE: members only. SHARED_LINK: also anyone holding the link token "
        "(`playlistByLink`). PUBLIC: everyone."
    ),
)
PlaylistRole = strawberry.enum(
    models.PlaylistRole,
    name="PlaylistRole",
    description=(
        "VIEWER views; EDITOR also edits items, name and description; OWNER (exactly one) "
        "also deletes, invites, changes roles and visibility."
    ),
)


async def _role(info: Info, playlist_id: int) -> models.PlaylistRole | None:
    viewer = info.context.viewer_id
    if viewer is None:
        return None
    return await info.context.loaders.playlists.role.load((playlist_id, viewer))


@strawberry.type(name="PlaylistItem")
class PlaylistItem(relay.Node):
    """One entry of a playlist: a song, who added it and when. A song may be in a
    playlist more than once, each time as an item of its own."""

    id: relay.NodeID[int]
    row: strawberry.Private[models.PlaylistEntry]

    @classmethod
    def from_row(cls, row: models.PlaylistEntry) -> Self:
        return cls(id=row.id, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = [parse_int_id(node_id) for node_id in node_ids]
        rows = await info.context.loaders.playlists.entry.load_many([i or 0 for i in ids])
        visible = await resolve.visible_playlists(
            info.context, [row.playlist_id if row else 0 for row in rows]
        )
        return [
            cls.from_row(row) if row is not None and seen is not None else None
            for row, seen in zip(rows, visible, strict=True)
        ]

    @strawberry.field
    def added_at(self) -> dt.datetime:
        return self.row.added_at

    @strawberry.field(description="Who added the item; null once their account is gone.")  # type: ignore[untyped-decorator]
    async def added_by(self, info: Info) -> User | None:
        if self.row.added_by is None:
            return None
        row = await info.context.loaders.user.load(self.row.added_by)
        return User.from_row(row) if row else None

    @strawberry.field(description="The item's song (from Spotify or the own catalog).")  # type: ignore[untyped-decorator]
    async def song(self, info: Info) -> Song | None:
        row = await info.context.loaders.library.song.load(self.row.song_id)
        return Song.from_row(row) if row else None


@strawberry.type
class PlaylistItemEdge:
    cursor: str
    node: PlaylistItem


@strawberry.type
class PlaylistItemConnection:
    edges: list[PlaylistItemEdge]
    page_info: PageInfo
    total_count: int
    total_duration_ms: int


@strawberry.type
class PlaylistMember:
    row: strawberry.Private[models.PlaylistMember]

    @strawberry.field
    def role(self) -> PlaylistRole:  # type: ignore[valid-type]
        return self.row.role

    @strawberry.field
    def added_at(self) -> dt.datetime:
        return self.row.added_at

    @strawberry.field
    async def user(self, info: Info) -> User | None:
        row = await info.context.loaders.user.load(self.row.user_id)
        return User.from_row(row) if row else None


@strawberry.type
class PlaylistMemberEdge:
    cursor: str
    node: PlaylistMember


@strawberry.type
class PlaylistMemberConnection:
    edges: list[PlaylistMemberEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(name="Playlist")
class Playlist(relay.Node, Likeable):
    """A playlist of Mixtape's own: editable by its members, shared by its visibility.

    Every write names the `version` it was based on; a stale one is a CONFLICT."""

    id: relay.NodeID[int]
    row: strawberry.Private[models.Playlist]
    like_target: ClassVar[models.LikeTarget] = models.LikeTarget.PLAYLIST

    @classmethod
    def from_row(cls, row: models.Playlist) -> Self:
        return cls(id=row.id, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        ids = [parse_int_id(node_id) or 0 for node_id in node_ids]
        rows = await resolve.visible_playlists(info.context, ids)
        return [cls.from_row(row) if row is not None else None for row in rows]

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def description(self) -> str | None:
        return self.row.description

    @strawberry.field
    def visibility(self) -> PlaylistVisibility:  # type: ignore[valid-type]
        return self.row.visibility

    @strawberry.field(description="Grows by one with every write; writes name the one they read.")  # type: ignore[untyped-decorator]
    def version(self) -> int:
        return self.row.version

    @strawberry.field
    def item_count(self) -> int:
        return self.row.item_count

    @strawberry.field
    def total_duration_ms(self) -> int:
        return self.row.total_duration_ms

    @strawberry.field
    def created_at(self) -> dt.datetime:
        return self.row.created_at

    @strawberry.field
    def updated_at(self) -> dt.datetime:
        return self.row.updated_at

    @strawberry.field(description="The viewer's role; null when not a member.")  # type: ignore[untyped-decorator]
    async def viewer_role(self, info: Info) -> PlaylistRole | None:  # type: ignore[valid-type]
        return await _role(info, self.row.id)

    @strawberry.field(description="The token of the SHARED_LINK; only members see it.")  # type: ignore[untyped-decorator]
    async def link_token(self, info: Info) -> str | None:
        return self.row.link_token if await _role(info, self.row.id) else None

    @strawberry.field
    async def owner(self, info: Info) -> User | None:
        owner_id = await info.context.loaders.playlists.owner.load(self.row.id)
        row = await info.context.loaders.user.load(owner_id) if owner_id else None
        return User.from_row(row) if row else None

    @strawberry.field(description="In playlist order; a song may appear more than once.")  # type: ignore[untyped-decorator]
    async def items(
        self, info: Info, first: First = None, after: After = None
    ) -> PlaylistItemConnection:
        window = Window.of(first, after)
        rows = await info.context.loaders.playlists.entries.load((self.row.id, window))
        return connection(
            PlaylistItemConnection,
            Page.at(window, rows, self.row.item_count),
            lambda cursor, row: PlaylistItemEdge(cursor=cursor, node=PlaylistItem.from_row(row)),
            total_duration_ms=self.row.total_duration_ms,
        )

    @strawberry.field(description="The owner first; null unless the viewer is a member.")  # type: ignore[untyped-decorator]
    async def members(
        self, info: Info, first: First = None, after: After = None
    ) -> PlaylistMemberConnection | None:
        window = Window.of(first, after)
        if await _role(info, self.row.id) is None:
            return None
        found = await info.context.loaders.playlists.members.load((self.row.id, window))
        return connection(
            PlaylistMemberConnection,
            Page.at(window, found.members, found.total),
            lambda cursor, row: PlaylistMemberEdge(cursor=cursor, node=PlaylistMember(row=row)),
        )


@strawberry.type
class PlaylistEdge:
    cursor: str
    node: Playlist


@strawberry.type
class PlaylistConnection:
    edges: list[PlaylistEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.Playlist]) -> Self:
        return connection(
            cls, page, lambda cursor, row: PlaylistEdge(cursor=cursor, node=Playlist.from_row(row))
        )


@strawberry.type(description="A playlist after a write of its items, and the items it wrote.")
class PlaylistItemsPayload:
    playlist: Playlist
    items: list[PlaylistItem]
