"""Catalog root fields (``graphql_api/resolvers/catalog.py`` does the work): the lists of
songs, albums, artists and genres, and the viewer's own entries."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from graphql_api.db import models
from graphql_api.resolvers import catalog
from graphql_api.resolvers.context import Info
from graphql_api.schema.operations.catalog_fields import (
    Kind,
    create_field,
    delete_field,
    list_field,
    update_field,
)
from graphql_api.schema.types.albums import Album, AlbumConnection
from graphql_api.schema.types.artists import Artist, ArtistConnection
from graphql_api.schema.types.catalog_inputs import (
    AlbumInput,
    AlbumTrackInput,
    ArtistInput,
    CreditInput,
    GenreInput,
    SongInput,
)
from graphql_api.schema.types.genres import Genre, GenreConnection
from graphql_api.schema.types.songs import Song, SongConnection

REMOVE_EVERYWHERE = strawberry.argument(
    description="Also remove it from every playlist that holds it (else: CONFLICT with the count)."
)


SONG = Kind("song", models.Song, Song, SongConnection, SongInput)
ALBUM = Kind("album", models.Album, Album, AlbumConnection, AlbumInput)
ARTIST = Kind("artist", models.Artist, Artist, ArtistConnection, ArtistInput)
GENRE = Kind("genre", models.Genre, Genre, GenreConnection, GenreInput)


@strawberry.type
class CatalogQuery:
    songs = list_field(SONG, "Songs the viewer may see: Spotify's, their own, public ones.")
    albums = list_field(ALBUM, "Albums the viewer may see.")
    artists = list_field(ARTIST, "Artists the viewer may see.")
    genres = list_field(GENRE, "Genres the viewer may see.")


@strawberry.type
class CatalogMutation:
    create_song = create_field(SONG, "Add a song of one's own (private unless isPublic).")
    update_song = update_field(SONG)

    @strawberry.mutation(description="Delete one's own song; returns its id.")  # type: ignore[untyped-decorator]
    async def delete_song(
        self,
        info: Info,
        id: relay.GlobalID,
        remove_everywhere: Annotated[bool, REMOVE_EVERYWHERE] = False,
    ) -> relay.GlobalID:
        await catalog.delete(info.context, models.Song, SONG.row_id(id), remove_everywhere)
        return id

    create_album = create_field(ALBUM, "Add an album of one's own (private unless isPublic).")
    update_album = update_field(ALBUM)
    delete_album = delete_field(ALBUM, "Delete one's own album (its songs stay); returns its id.")
    create_artist = create_field(ARTIST, "Add an artist of one's own (private unless isPublic).")
    update_artist = update_field(ARTIST)
    delete_artist = delete_field(
        ARTIST, "Delete one's own artist (and their credits); returns its id."
    )
    create_genre = create_field(GENRE, "Add a genre of one's own (names are unique per owner).")
    update_genre = update_field(GENRE)
    delete_genre = delete_field(GENRE, "Delete one's own genre; returns its id.")

    @strawberry.mutation(description="Replace the credits of one's own song, in this order.")  # type: ignore[untyped-decorator]
    async def set_song_credits(
        self, info: Info, song_id: relay.GlobalID, credits: list[CreditInput]
    ) -> Song:
        given = [credit.credit() for credit in credits]
        row = await catalog.set_song_credits(info.context, SONG.row_id(song_id), given)
        return Song.from_row(row)

    @strawberry.mutation(description="Replace the track list of one's own album.")  # type: ignore[untyped-decorator]
    async def set_album_tracks(
        self, info: Info, album_id: relay.GlobalID, tracks: list[AlbumTrackInput]
    ) -> Album:
        given = [track.track() for track in tracks]
        row = await catalog.set_album_tracks(info.context, ALBUM.row_id(album_id), given)
        return Album.from_row(row)

    @strawberry.mutation(description="Put a song in a free slot of one's own album.")  # type: ignore[untyped-decorator]
    async def add_album_track(
        self, info: Info, album_id: relay.GlobalID, track: AlbumTrackInput
    ) -> Album:
        row = await catalog.add_album_track(info.context, ALBUM.row_id(album_id), track.track())
        return Album.from_row(row)

    @strawberry.mutation(description="Empty one slot of one's own album.")  # type: ignore[untyped-decorator]
    async def remove_album_track(
        self, info: Info, album_id: relay.GlobalID, disc_number: int, track_number: int
    ) -> Album:
        row = await catalog.remove_album_track(
            info.context, ALBUM.row_id(album_id), disc_number, track_number
        )
        return Album.from_row(row)
