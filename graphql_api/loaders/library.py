"""The library's DataLoaders, bundled so that ``Loaders`` gains one attribute."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from graphql_api.db.models import (
    Album,
    Artist,
    PlaylistItem,
    PlaylistVersion,
    Song,
    SpotifyPlaylist,
    album_artists,
    song_performers,
)
from graphql_api.library.browse import Page
from graphql_api.loaders.catalog_links import load_artist_genres, load_credited_artists
from graphql_api.loaders.playlist_items import PlaylistItemsKey, load_playlist_items
from graphql_api.loaders.rows_by_id import load_by_id
from graphql_api.loaders.track_playlists import TrackPlaylistsKey, load_track_playlists


class LibraryLoaders:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.song: DataLoader[int, Song | None] = DataLoader(
            lambda ids: load_by_id(sessionmaker, Song, ids)
        )
        self.album: DataLoader[int, Album | None] = DataLoader(
            lambda ids: load_by_id(sessionmaker, Album, ids)
        )
        self.artist: DataLoader[int, Artist | None] = DataLoader(
            lambda ids: load_by_id(sessionmaker, Artist, ids)
        )
        self.spotify_playlist: DataLoader[int, SpotifyPlaylist | None] = DataLoader(
            lambda ids: load_by_id(sessionmaker, SpotifyPlaylist, ids)
        )
        self.playlist_version: DataLoader[int, PlaylistVersion | None] = DataLoader(
            lambda ids: load_by_id(sessionmaker, PlaylistVersion, ids)
        )
        self.song_artists: DataLoader[int, list[Artist]] = DataLoader(
            lambda ids: load_credited_artists(sessionmaker, song_performers, ids)
        )
        self.album_artists: DataLoader[int, list[Artist]] = DataLoader(
            lambda ids: load_credited_artists(sessionmaker, album_artists, ids)
        )
        self.artist_genres: DataLoader[int, list[str]] = DataLoader(
            lambda ids: load_artist_genres(sessionmaker, ids)
        )
        self.track_playlists: DataLoader[TrackPlaylistsKey, list[PlaylistVersion]] = DataLoader(
            lambda keys: load_track_playlists(sessionmaker, keys)
        )
        self.playlist_items: DataLoader[PlaylistItemsKey, Page[PlaylistItem]] = DataLoader(
            lambda keys: load_playlist_items(sessionmaker, keys)
        )
