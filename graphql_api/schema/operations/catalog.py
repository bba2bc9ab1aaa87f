"""Catalog root fields (``graphql_api/resolvers/catalog.py`` does the work): the lists of
songs, albums, artists and genres, and the viewer's own entries."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from graphql_api.db import models
from graphql_api.kit.ids import decode_global_id
from graphql_api.kit.pagination import Page
from graphql_api.resolvers import catalog
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.albums import Album, AlbumConnection
from graphql_api.schema.types.artists import Artist, ArtistConnection
from graphql_api.schema.types.catalog_inputs import (
    AlbumInput,
    AlbumTrackInput,
    ArtistInput,
    CatalogFilter,
    CatalogOrder,
    CreditInput,
    GenreInput,
    SongInput,
    list_query,
)
from graphql_api.schema.types.genres import Genre, GenreConnection
from graphql_api.schema.types.paging import After, First
from graphql_api.schema.types.songs import Song, SongConnection

REMOVE_EVERYWHERE = strawberry.argument(
    description="Also remove it from every playlist that holds it (else: CONFLICT with the count)."
)


async def _rows(
    info: Info,
    model: Any,
    first: int | None,
    after: str | None,
    filter: CatalogFilter | None,
    sort: CatalogOrder | None,
) -> Page[Any]:
    return await catalog.list_rows(info.context, model, list_query(first, after, filter, sort))


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="Songs the viewer may see: Spotify's, their own, public ones.")  # type: ignore[untyped-decorator]
    async def songs(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: CatalogFilter | None = None,
        sort: CatalogOrder | None = None,
    ) -> SongConnection:
        return SongConnection.of(await _rows(info, models.Song, first, after, filter, sort))

    @strawberry.field(description="Albums the viewer may see.")  # type: ignore[untyped-decorator]
    async def albums(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: CatalogFilter | None = None,
        sort: CatalogOrder | None = None,
    ) -> AlbumConnection:
        return AlbumConnection.of(await _rows(info, models.Album, first, after, filter, sort))

    @strawberry.field(description="Artists the viewer may see.")  # type: ignore[untyped-decorator]
    async def artists(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: CatalogFilter | None = None,
        sort: CatalogOrder | None = None,
    ) -> ArtistConnection:
        return ArtistConnection.of(await _rows(info, models.Artist, first, after, filter, sort))

    @strawberry.field(description="Genres the viewer may see.")  # type: ignore[untyped-decorator]
    async def genres(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: CatalogFilter | None = None,
        sort: CatalogOrder | None = None,
    ) -> GenreConnection:
        return GenreConnection.of(await _rows(info, models.Genre, first, after, filter, sort))


def _id(value: relay.GlobalID, type_name: str) -> int:
    return decode_global_id(value, type_name)


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(description="Add a song of one's own (private unless isPublic).")  # type: ignore[untyped-decorator]
    async def create_song(self, info: Info, input: SongInput) -> Song:
        return Song.from_row(await catalog.create(info.context, "song", input.fields()))

    @strawberry.mutation
    async def update_song(self, info: Info, id: relay.GlobalID, input: SongInput) -> Song:
        row = await catalog.update(info.context, "song", _id(id, "Song"), input.fields())
        return Song.from_row(row)

    @strawberry.mutation(description="Delete one's own song; returns its id.")  # type: ignore[untyped-decorator]
    async def delete_song(
        self,
        info: Info,
        id: relay.GlobalID,
        remove_everywhere: bool = False,
    ) -> relay.GlobalID:
        await catalog.delete(info.context, models.Song, _id(id, "Song"), remove_everywhere)
        return id

    @strawberry.mutation(description="Add an album of one's own (private unless isPublic).")  # type: ignore[untyped-decorator]
    async def create_album(self, info: Info, input: AlbumInput) -> Album:
        return Album.from_row(await catalog.create(info.context, "album", input.fields()))

    @strawberry.mutation
    async def update_album(self, info: Info, id: relay.GlobalID, input: AlbumInput) -> Album:
        row = await catalog.update(info.context, "album", _id(id, "Album"), input.fields())
        return Album.from_row(row)

    @strawberry.mutation(description="Delete one's own album (its songs stay); returns its id.")  # type: ignore[untyped-decorator]
    async def delete_album(self, info: Info, id: relay.GlobalID) -> relay.GlobalID:
        await catalog.delete(info.context, models.Album, _id(id, "Album"), False)
        return id

    @strawberry.mutation(description="Add an artist of one's own (private unless isPublic).")  # type: ignore[untyped-decorator]
    async def create_artist(self, info: Info, input: ArtistInput) -> Artist:
        return Artist.from_row(await catalog.create(info.context, "artist", input.fields()))

    @strawberry.mutation
    async def update_artist(self, info: Info, id: relay.GlobalID, input: ArtistInput) -> Artist:
        row = await catalog.update(info.context, "artist", _id(id, "Artist"), input.fields())
        return Artist.from_row(row)

    @strawberry.mutation(description="Delete one's own artist (and their credits); returns its id.")  # type: ignore[untyped-decorator]
    async def delete_artist(self, info: Info, id: relay.GlobalID) -> relay.GlobalID:
        await catalog.delete(info.context, models.Artist, _id(id, "Artist"), False)
        return id

    @strawberry.mutation(description="Add a genre of one's own (names are unique per owner).")  # type: ignore[untyped-decorator]
    async def create_genre(self, info: Info, input: GenreInput) -> Genre:
        return Genre.from_row(await catalog.create(info.context, "genre", input.fields()))

    @strawberry.mutation
    async def update_genre(self, info: Info, id: relay.GlobalID, input: GenreInput) -> Genre:
        row = await catalog.update(info.context, "genre", _id(id, "Genre"), input.fields())
        return Genre.from_row(row)

    @strawberry.mutation(description="Delete one's own genre; returns its id.")  # type: ignore[untyped-decorator]
    async def delete_genre(self, info: Info, id: relay.GlobalID) -> relay.GlobalID:
        await catalog.delete(info.context, models.Genre, _id(id, "Genre"), False)
        return id

    @strawberry.mutation(description="Replace the credits of one's own song, in this order.")  # type: ignore[untyped-decorator]
    async def set_song_credits(
        self, info: Info, song_id: relay.GlobalID, credits: list[CreditInput]
    ) -> Song:
        given = [credit.credit() for credit in credits]
        row = await catalog.set_song_credits(info.context, _id(song_id, "Song"), given)
        return Song.from_row(row)

    @strawberry.mutation(description="Replace the track list of one's own album.")  # type: ignore[untyped-decorator]
    async def set_album_tracks(
        self, info: Info, album_id: relay.GlobalID, tracks: list[AlbumTrackInput]
    ) -> Album:
        given = [track.track() for track in tracks]
        row = await catalog.set_album_tracks(info.context, _id(album_id, "Album"), given)
        return Album.from_row(row)

    @strawberry.mutation(description="Put a song in a free slot of one's own album.")  # type: ignore[untyped-decorator]
    async def add_album_track(
        self, info: Info, album_id: relay.GlobalID, track: AlbumTrackInput
    ) -> Album:
        row = await catalog.add_album_track(info.context, _id(album_id, "Album"), track.track())
        return Album.from_row(row)

    @strawberry.mutation(description="Empty one slot of one's own album.")  # type: ignore[untyped-decorator]
    async def remove_album_track(
        self, info: Info, album_id: relay.GlobalID, disc_number: int, track_number: int
    ) -> Album:
        row = await catalog.remove_album_track(
            info.context, _id(album_id, "Album"), disc_number, track_number
        )
        return Album.from_row(row)
