"""Album: a node, with its songs in disc and track order, its artists and genres."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Self, cast

import strawberry
from strawberry import relay
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, connection
from graphql_api.loaders.catalog import RowKey
from graphql_api.resolvers.context import Info
from graphql_api.schema.node import parse_int_id
from graphql_api.schema.types.artists import Artist, ArtistConnection
from graphql_api.schema.types.catalog_refs import related_page, relation_connection, source_of
from graphql_api.schema.types.catalog_sources import SourceEnum
from graphql_api.schema.types.genres import Genre, GenreConnection
from graphql_api.schema.types.paging import After, First
from graphql_api.schema.types.songs import Song


def _uri(spotify_id: str | None) -> str | None:
    return f"spotify:album:{spotify_id}" if spotify_id else None


@strawberry.type(name="Album")
class Album(relay.Node):
    """An album: a Spotify mirror or a user's own (a vinyl-only album, a bootleg)."""

    id: relay.NodeID[int]
    row: strawberry.Private[models.Album]

    @classmethod
    def from_row(cls, row: models.Album) -> Self:
        return cls(id=row.id, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = info.context.viewer_id
        ids = [parse_int_id(node_id) for node_id in node_ids]
        loader = info.context.loaders.catalog.album
        rows = [await loader.load(RowKey(i, viewer)) if i is not None else None for i in ids]
        return [cls.from_row(row) if row else None for row in rows]

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def uri(self) -> str | None:
        return _uri(self.row.spotify_id)

    @strawberry.field
    def album_type(self) -> str | None:
        return self.row.album_type

    @strawberry.field(description="As Spotify gives it: `1999`, `1999-03` or `1999-03-31`.")  # type: ignore[untyped-decorator]
    def release_date(self) -> str | None:
        return self.row.release_date

    @strawberry.field
    def release_date_precision(self) -> str | None:
        return self.row.release_date_precision

    @strawberry.field
    def release_year(self) -> int | None:
        return self.row.release_year

    @strawberry.field(
        description="Spotify's count of its tracks (null on own albums: see `songs`)."
    )  # type: ignore[untyped-decorator]
    def total_tracks(self) -> int | None:
        return self.row.total_tracks

    @strawberry.field
    def label(self) -> str | None:
        return self.row.label

    @strawberry.field
    def image_url(self) -> str | None:
        return self.row.image_url

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

    @strawberry.field(description="The summed duration of the songs on it the viewer may see.")  # type: ignore[untyped-decorator]
    async def total_duration_ms(self, info: Info) -> int:
        key = RowKey(self.row.id, info.context.viewer_id)
        return await info.context.loaders.catalog.album_duration.load(key)

    @strawberry.field(description="Its songs in disc and track order.")  # type: ignore[untyped-decorator]
    async def songs(
        self, info: Info, first: First = None, after: After = None
    ) -> AlbumTrackConnection:
        window, found = await related_page(info, "album.songs", self.row.id, first, after)
        connection = relation_connection(
            info,
            "AlbumTrackConnection",
            "AlbumTrackEdge",
            window,
            found,
            lambda i: Song.from_row(i.row),
            disc_number=lambda i: i.extras["disc_number"],
            track_number=lambda i: i.extras["track_number"],
        )
        return cast("AlbumTrackConnection", connection)

    @strawberry.field(description="Its credited artists, in order.")  # type: ignore[untyped-decorator]
    async def artists(
        self, info: Info, first: First = None, after: After = None
    ) -> ArtistConnection:
        window, found = await related_page(info, "album.artists", self.row.id, first, after)
        connection = relation_connection(
            info, "ArtistConnection", "ArtistEdge", window, found, lambda i: Artist.from_row(i.row)
        )
        return cast("ArtistConnection", connection)

    @strawberry.field
    async def genres(self, info: Info, first: First = None, after: After = None) -> GenreConnection:
        window, found = await related_page(info, "album.genres", self.row.id, first, after)
        connection = relation_connection(
            info, "GenreConnection", "GenreEdge", window, found, lambda i: Genre.from_row(i.row)
        )
        return cast("GenreConnection", connection)


@strawberry.type
class AlbumEdge:
    cursor: str
    node: Album


@strawberry.type
class AlbumConnection:
    edges: list[AlbumEdge]
    nodes: list[Album]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.Album]) -> Self:
        """The connection of a page of album rows."""
        return connection(
            cls,
            page,
            lambda cursor, row: AlbumEdge(cursor=cursor, node=Album.from_row(row)),
            nodes=[Album.from_row(row) for row in page.nodes],
        )


@strawberry.type(description="A song on an album, at its disc and track number there.")
class AlbumTrackEdge:
    cursor: str
    disc_number: int
    track_number: int
    node: Song


@strawberry.type
class AlbumTrackConnection:
    edges: list[AlbumTrackEdge]
    nodes: list[Song]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="An album a song is on, with the song's disc and track number there.")
class SongAlbumEdge:
    cursor: str
    disc_number: int
    track_number: int
    node: Album


@strawberry.type
class SongAlbumConnection:
    edges: list[SongAlbumEdge]
    nodes: list[Album]
    page_info: PageInfo
    total_count: int
