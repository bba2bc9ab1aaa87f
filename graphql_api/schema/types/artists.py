"""Artist: a node, with the songs they perform, their albums, genres and credits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Self, cast

import strawberry
from strawberry import relay
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, Window, connection
from graphql_api.loaders.catalog import RelationKey, RowKey
from graphql_api.resolvers.context import Info
from graphql_api.schema.node import parse_int_id
from graphql_api.schema.types.catalog_refs import (
    related_page,
    relation_connection,
    schema_type,
    source_of,
)
from graphql_api.schema.types.catalog_sources import CreditRoleEnum, SourceEnum
from graphql_api.schema.types.credits import CreditConnection, credit_connection
from graphql_api.schema.types.genres import Genre, GenreConnection, GenreEdge
from graphql_api.schema.types.paging import After, First

if TYPE_CHECKING:
    from graphql_api.schema.types.albums import AlbumConnection
    from graphql_api.schema.types.songs import SongConnection


def _uri(spotify_id: str | None) -> str | None:
    return f"spotify:artist:{spotify_id}" if spotify_id else None


@strawberry.type(name="Artist")
class Artist(relay.Node):
    """An artist: a Spotify mirror or a user's own."""

    id: relay.NodeID[int]
    row: strawberry.Private[models.Artist]

    @classmethod
    def from_row(cls, row: models.Artist) -> Self:
        return cls(id=row.id, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = info.context.viewer_id
        ids = [parse_int_id(node_id) for node_id in node_ids]
        loader = info.context.loaders.catalog.artist
        rows = [await loader.load(RowKey(i, viewer)) if i is not None else None for i in ids]
        return [cls.from_row(row) if row else None for row in rows]

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def uri(self) -> str | None:
        return _uri(self.row.spotify_id)

    @strawberry.field
    def image_url(self) -> str | None:
        return self.row.image_url

    @strawberry.field
    def popularity(self) -> int | None:
        return self.row.popularity

    @strawberry.field(description="SPOTIFY for a read-only mirror, MIXTAPE for a user's own.")  # type: ignore[untyped-decorator]
    def source(self) -> SourceEnum:  # type: ignore[valid-type]
        return source_of(self.row)

    @strawberry.field(description="Whether everyone may see it (always true for Spotify's).")  # type: ignore[untyped-decorator]
    def is_public(self) -> bool:
        return self.row.owner_id is None or self.row.is_public

    @strawberry.field
    def owned_by_me(self, info: Info) -> bool:
        return self.row.owner_id is not None and self.row.owner_id == info.context.viewer_id

    @strawberry.field
    def created_at(self) -> dt.datetime:
        return self.row.created_at

    async def _count(self, info: Info, relation: str) -> int:
        key = RelationKey(relation, self.row.id, Window(0, 0), info.context.viewer_id)
        return (await info.context.loaders.catalog.related.load(key)).total

    @strawberry.field(description="How many songs they perform (PERFORMER or FEATURED credits).")  # type: ignore[untyped-decorator]
    async def song_count(self, info: Info) -> int:
        return await self._count(info, "artist.songs")

    @strawberry.field(description="How many albums credit them.")  # type: ignore[untyped-decorator]
    async def album_count(self, info: Info) -> int:
        return await self._count(info, "artist.albums")

    @strawberry.field(description="The songs they perform, by name.")  # type: ignore[untyped-decorator]
    async def songs(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[SongConnection, strawberry.lazy("graphql_api.schema.types.songs")]:
        window, found = await related_page(info, "artist.songs", self.row.id, first, after)
        node = schema_type(info, "Song")
        connection = relation_connection(
            info, "SongConnection", "SongEdge", window, found, lambda i: node.from_row(i.row)
        )
        return cast("SongConnection", connection)

    @strawberry.field(description="The albums that credit them, newest first.")  # type: ignore[untyped-decorator]
    async def albums(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[AlbumConnection, strawberry.lazy("graphql_api.schema.types.albums")]:
        window, found = await related_page(info, "artist.albums", self.row.id, first, after)
        node = schema_type(info, "Album")
        connection = relation_connection(
            info, "AlbumConnection", "AlbumEdge", window, found, lambda i: node.from_row(i.row)
        )
        return cast("AlbumConnection", connection)

    @strawberry.field
    async def genres(self, info: Info, first: First = None, after: After = None) -> GenreConnection:
        window, found = await related_page(info, "artist.genres", self.row.id, first, after)
        connection = relation_connection(
            info, "GenreConnection", "GenreEdge", window, found, lambda i: Genre.from_row(i.row)
        )
        return cast("GenreConnection", connection)

    @strawberry.field(description="Every song they are credited on, in any role or in `role`.")  # type: ignore[untyped-decorator]
    async def credits(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        role: CreditRoleEnum | None = None,  # type: ignore[valid-type]
    ) -> CreditConnection:
        role_name = role.value if role is not None else None
        window, found = await related_page(
            info, "artist.credits", self.row.id, first, after, role_name
        )
        song = schema_type(info, "Song")
        return credit_connection(
            window, found, song=lambda i: song.from_row(i.row), artist=lambda i: self
        )


@strawberry.type
class ArtistEdge:
    cursor: str
    node: Artist


@strawberry.type
class ArtistConnection:
    edges: list[ArtistEdge]
    nodes: list[Artist]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.Artist]) -> Self:
        """The connection of a page of artist rows."""
        return connection(
            cls,
            page,
            lambda cursor, row: ArtistEdge(cursor=cursor, node=Artist.from_row(row)),
            nodes=[Artist.from_row(row) for row in page.nodes],
        )


__all__ = ["Artist", "ArtistConnection", "ArtistEdge", "GenreEdge"]
