"""Album: a node, with its songs in disc and track order, its artists and genres."""

from __future__ import annotations

from typing import ClassVar, Self, cast

import strawberry
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, connection
from graphql_api.loaders.catalog import RowKey
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.artists import ArtistConnection
from graphql_api.schema.types.catalog_refs import CatalogEntry, related_connection, slot_extras
from graphql_api.schema.types.genres import GenreConnection
from graphql_api.schema.types.paging import After, First
from graphql_api.schema.types.songs import Song


def _uri(spotify_id: str | None) -> str | None:
    return f"spotify:album:{spotify_id}" if spotify_id else None


@strawberry.type(
    name="Album",
    description="An album: a Spotify mirror or a user's own (a vinyl-only album, a bootleg).",
)
class Album(CatalogEntry):
    row: strawberry.Private[models.Album]
    loader: ClassVar[str] = "album"

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

    @strawberry.field(description="The summed duration of the songs on it the viewer may see.")  # type: ignore[untyped-decorator]
    async def total_duration_ms(self, info: Info) -> int:
        key = RowKey(self.row.id, info.context.viewer_id)
        return await info.context.loaders.catalog.album_duration.load(key)

    @strawberry.field(description="Its songs in disc and track order.")  # type: ignore[untyped-decorator]
    async def songs(
        self, info: Info, first: First = None, after: After = None
    ) -> AlbumTrackConnection:
        found = await related_connection(
            info,
            "album.songs",
            self.row.id,
            first,
            after,
            node="Song",
            connection_name="AlbumTrackConnection",
            **slot_extras(),
        )
        return cast("AlbumTrackConnection", found)

    @strawberry.field(description="Its credited artists, in order.")  # type: ignore[untyped-decorator]
    async def artists(
        self, info: Info, first: First = None, after: After = None
    ) -> ArtistConnection:
        found = await related_connection(
            info, "album.artists", self.row.id, first, after, node="Artist"
        )
        return cast(ArtistConnection, found)

    @strawberry.field
    async def genres(self, info: Info, first: First = None, after: After = None) -> GenreConnection:
        found = await related_connection(
            info, "album.genres", self.row.id, first, after, node="Genre"
        )
        return cast(GenreConnection, found)


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
