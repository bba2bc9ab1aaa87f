"""New release types: a release (an album Mixtape saw released), artists with theirs."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry
from strawberry.relay import PageInfo

from graphql_api.kit.pagination import Page, connection
from graphql_api.releases.queries import ArtistReleases, ReleaseFilter, ReleaseRow
from graphql_api.schema.types.albums import Album
from graphql_api.schema.types.artists import Artist


@strawberry.type(description="An album Mixtape saw released.")
class Release:
    row: strawberry.Private[ReleaseRow]
    saved: strawberry.Private[bool | None] = None

    @strawberry.field
    def album(self) -> Album:
        return Album.from_row(self.row.album)

    @strawberry.field(description="When Mixtape first saw this release.")  # type: ignore[untyped-decorator]
    def first_seen_at(self) -> dt.datetime:
        return self.row.release.first_seen_at

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Whether the viewer saved the album (in the release radar; else null)."
    )
    def viewer_has_saved(self) -> bool | None:
        return self.saved


@strawberry.type
class ReleaseEdge:
    cursor: str
    node: Release


@strawberry.type
class ReleaseConnection:
    edges: list[ReleaseEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: Page[ReleaseRow], saved: set[int] | None = None) -> Self:
        """The connection of a page of releases (``saved``: album ids the viewer saved)."""

        def edge(cursor: str, row: ReleaseRow) -> ReleaseEdge:
            mark = None if saved is None else row.album.id in saved
            return ReleaseEdge(cursor=cursor, node=Release(row=row, saved=mark))

        return connection(cls, page, edge)


@strawberry.type(description="An artist with their releases among the latest.")
class ArtistWithReleases:
    found: strawberry.Private[ArtistReleases]

    @strawberry.field
    def artist(self) -> Artist:
        return Artist.from_row(self.found.artist)

    @strawberry.field(description="The artist's genre names, sorted.")  # type: ignore[untyped-decorator]
    def genres(self) -> list[str]:
        return self.found.genres

    @strawberry.field
    def releases(self) -> list[Release]:
        return [Release(row=row) for row in self.found.releases]


@strawberry.input(description="Narrow new releases down.")
class NewReleaseFilter:
    album_type: str | None = strawberry.field(
        default=None, description="album, single or compilation."
    )
    since: dt.date | None = strawberry.field(default=None, description="Released on or after.")
    until: dt.date | None = strawberry.field(default=None, description="Released on or before.")
    genre: str | None = strawberry.field(
        default=None, description="By artists of this genre (case-insensitive)."
    )

    def domain(self) -> ReleaseFilter:
        """The domain's filter."""
        return ReleaseFilter(
            album_type=self.album_type, since=self.since, until=self.until, genre=self.genre
        )
