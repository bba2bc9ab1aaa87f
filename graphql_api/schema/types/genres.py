"""Genre: a node, with the artists, albums and songs filed under it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Self, cast

import strawberry
from strawberry import relay
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, connection
from graphql_api.loaders.catalog import RowKey
from graphql_api.resolvers.context import Info
from graphql_api.schema.node import parse_int_id
from graphql_api.schema.types.catalog_refs import (
    related_page,
    relation_connection,
    schema_type,
    source_of,
)
from graphql_api.schema.types.catalog_sources import SourceEnum
from graphql_api.schema.types.paging import After, First

if TYPE_CHECKING:
    from graphql_api.schema.types.albums import AlbumConnection
    from graphql_api.schema.types.artists import ArtistConnection
    from graphql_api.schema.types.songs import SongConnection


@strawberry.type(name="Genre")
class Genre(relay.Node):
    """A genre: Spotify's (of artists and albums) or one of a user's own."""

    id: relay.NodeID[int]
    row: strawberry.Private[models.Genre]

    @classmethod
    def from_row(cls, row: models.Genre) -> Self:
        return cls(id=row.id, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = info.context.viewer_id
        ids = [parse_int_id(node_id) for node_id in node_ids]
        loader = info.context.loaders.catalog.genre
        rows = [await loader.load(RowKey(i, viewer)) if i is not None else None for i in ids]
        return [cls.from_row(row) if row else None for row in rows]

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="SPOTIFY for Spotify's genres, MIXTAPE for a user's own.")  # type: ignore[untyped-decorator]
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

    @strawberry.field
    async def artists(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[ArtistConnection, strawberry.lazy("graphql_api.schema.types.artists")]:
        window, found = await related_page(info, "genre.artists", self.row.id, first, after)
        node = schema_type(info, "Artist")
        connection = relation_connection(
            info, "ArtistConnection", "ArtistEdge", window, found, lambda i: node.from_row(i.row)
        )
        return cast("ArtistConnection", connection)

    @strawberry.field
    async def albums(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[AlbumConnection, strawberry.lazy("graphql_api.schema.types.albums")]:
        window, found = await related_page(info, "genre.albums", self.row.id, first, after)
        node = schema_type(info, "Album")
        connection = relation_connection(
            info, "AlbumConnection", "AlbumEdge", window, found, lambda i: node.from_row(i.row)
        )
        return cast("AlbumConnection", connection)

    @strawberry.field
    async def songs(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[SongConnection, strawberry.lazy("graphql_api.schema.types.songs")]:
        window, found = await related_page(info, "genre.songs", self.row.id, first, after)
        node = schema_type(info, "Song")
        connection = relation_connection(
            info, "SongConnection", "SongEdge", window, found, lambda i: node.from_row(i.row)
        )
        return cast("SongConnection", connection)


@strawberry.type
class GenreEdge:
    cursor: str
    node: Genre


@strawberry.type
class GenreConnection:
    edges: list[GenreEdge]
    nodes: list[Genre]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.Genre]) -> Self:
        """The connection of a page of genre rows."""
        return connection(
            cls,
            page,
            lambda cursor, row: GenreEdge(cursor=cursor, node=Genre.from_row(row)),
            nodes=[Genre.from_row(row) for row in page.nodes],
        )
