"""The catalog's GraphQL inputs (filters, sort, own entries, credits, tracks), and their
translation into the domain's values, ids checked on the way."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from graphql_api.catalog import credits, entries, lists, tracks
from graphql_api.db.models import CreditRole
from graphql_api.kit.ids import decode_global_id
from graphql_api.schema.types.catalog_sources import CatalogSortEnum, CreditRoleEnum, SourceEnum
from graphql_api.schema.types.paging import SortDirection


@strawberry.input(description="An inclusive range; either end may be left out.")
class IntRange:
    min: int | None = None
    max: int | None = None


@strawberry.input(description="Narrow a catalog list down; every condition given must hold.")
class CatalogFilter:
    text: str | None = strawberry.field(
        default=None, description="Names containing this, any case (index-backed search)."
    )
    artist_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Songs performed by / albums crediting / ... this artist."
    )
    album_id: relay.GlobalID | None = None
    genre_id: relay.GlobalID | None = None
    song_id: relay.GlobalID | None = None
    release_year: IntRange | None = strawberry.field(default=None, description="Songs, albums.")
    duration_ms: IntRange | None = strawberry.field(default=None, description="Songs only.")
    source: SourceEnum | None = None  # type: ignore[valid-type]
    owned_by_me: bool = False
    liked_by_me: bool = strawberry.field(
        default=False, description="Only what you like (songs, albums, artists)."
    )


@strawberry.input
class CatalogOrder:
    by: CatalogSortEnum = lists.Sort.NAME  # type: ignore[valid-type]
    direction: SortDirection = SortDirection.ASC


def _id(value: relay.GlobalID | None, type_name: str) -> int | None:
    return decode_global_id(value, type_name) if value is not None else None


def _range(value: IntRange | None) -> lists.Range:
    return lists.Range(value.min, value.max) if value else lists.Range()


def list_query(
    first: int | None, after: str | None, filter: CatalogFilter | None, sort: CatalogOrder | None
) -> lists.ListQuery:
    """The domain's :class:`ListQuery` from GraphQL arguments."""
    flt = filter or CatalogFilter()
    text = flt.text.strip() if flt.text else None
    return lists.ListQuery(
        first=first,
        after=after,
        filter=lists.Filter(
            text=text or None,
            artist_id=_id(flt.artist_id, "Artist"),
            album_id=_id(flt.album_id, "Album"),
            genre_id=_id(flt.genre_id, "Genre"),
            song_id=_id(flt.song_id, "Song"),
            release_year=_range(flt.release_year),
            duration_ms=_range(flt.duration_ms),
            source=lists.Source(flt.source) if flt.source else None,
            owned_by_me=flt.owned_by_me,
            liked_by_me=flt.liked_by_me,
        ),
        sort=lists.Sort(sort.by) if sort else lists.Sort.NAME,
        descending=bool(sort and sort.direction is SortDirection.DESC),
    )


def _given(value: Any) -> Any:
    return entries.UNSET if value is strawberry.UNSET else value


def _ids(value: Any, type_name: str) -> Any:
    if value is strawberry.UNSET or value is None:
        return entries.UNSET
    return [decode_global_id(v, type_name) for v in value]


@strawberry.input(description="A song of one's own; fields left out stay as they are.")
class SongInput:
    name: str | None = strawberry.UNSET
    duration_ms: int | None = strawberry.UNSET
    explicit: bool | None = strawberry.UNSET
    isrc: str | None = strawberry.UNSET
    is_public: bool | None = strawberry.UNSET
    genre_ids: list[relay.GlobalID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces its genres."
    )

    def fields(self) -> entries.SongFields:
        return entries.SongFields(
            name=_given(self.name),
            duration_ms=_given(self.duration_ms),
            explicit=_given(self.explicit),
            isrc=_given(self.isrc),
            is_public=_given(self.is_public),
            genre_ids=_ids(self.genre_ids, "Genre"),
        )


@strawberry.input(description="An album of one's own; fields left out stay as they are.")
class AlbumInput:
    name: str | None = strawberry.UNSET
    album_type: str | None = strawberry.UNSET
    release_year: int | None = strawberry.UNSET
    label: str | None = strawberry.UNSET
    is_public: bool | None = strawberry.UNSET
    artist_ids: list[relay.GlobalID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces its credited artists, in this order."
    )
    genre_ids: list[relay.GlobalID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces its genres."
    )

    def fields(self) -> entries.AlbumFields:
        return entries.AlbumFields(
            name=_given(self.name),
            album_type=_given(self.album_type),
            release_year=_given(self.release_year),
            label=_given(self.label),
            is_public=_given(self.is_public),
            artist_ids=_ids(self.artist_ids, "Artist"),
            genre_ids=_ids(self.genre_ids, "Genre"),
        )


@strawberry.input(description="An artist of one's own; fields left out stay as they are.")
class ArtistInput:
    name: str | None = strawberry.UNSET
    is_public: bool | None = strawberry.UNSET
    genre_ids: list[relay.GlobalID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces their genres."
    )

    def fields(self) -> entries.ArtistFields:
        return entries.ArtistFields(
            name=_given(self.name),
            is_public=_given(self.is_public),
            genre_ids=_ids(self.genre_ids, "Genre"),
        )


@strawberry.input(description="A genre of one's own; fields left out stay as they are.")
class GenreInput:
    name: str | None = strawberry.UNSET
    is_public: bool | None = strawberry.UNSET

    def fields(self) -> entries.GenreFields:
        return entries.GenreFields(name=_given(self.name), is_public=_given(self.is_public))


@strawberry.input
class CreditInput:
    artist_id: relay.GlobalID
    role: CreditRoleEnum  # type: ignore[valid-type]

    def credit(self) -> credits.Credit:
        return credits.Credit(decode_global_id(self.artist_id, "Artist"), CreditRole(self.role))


@strawberry.input
class AlbumTrackInput:
    song_id: relay.GlobalID
    disc_number: int = 1
    track_number: int

    def track(self) -> tracks.Track:
        return tracks.Track(
            decode_global_id(self.song_id, "Song"), self.disc_number, self.track_number
        )
