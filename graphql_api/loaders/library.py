"""The library's DataLoaders, bundled so that ``Loaders`` gains one attribute."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from graphql_api.db.models import (
    PlaylistItem,
    PlaylistVersion,
    Song,
    SpotifyPlaylist,
)
from graphql_api.library.browse import Page
from graphql_api.loaders.playlist_items import PlaylistItemsKey, load_playlist_items
from graphql_api.loaders.rows_by_id import load_by_id
from graphql_api.loaders.track_playlists import TrackPlaylistsKey, load_track_playlists


class LibraryLoaders:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.song: DataLoader[int, Song | None] = DataLoader(
            lambda ids: load_by_id(sessionmaker, Song, ids)
        )
        self.spotify_playlist: DataLoader[int, SpotifyPlaylist | None] = DataLoader(
            lambda ids: load_by_id(sessionmaker, SpotifyPlaylist, ids)
        )
        self.playlist_version: DataLoader[int, PlaylistVersion | None] = DataLoader(
            lambda ids: load_by_id(sessionmaker, PlaylistVersion, ids)
        )
        self.track_playlists: DataLoader[TrackPlaylistsKey, list[PlaylistVersion]] = DataLoader(
            lambda keys: load_track_playlists(sessionmaker, keys)
        )
        self.playlist_items: DataLoader[PlaylistItemsKey, Page[PlaylistItem]] = DataLoader(
            lambda keys: load_playlist_items(sessionmaker, keys)
        )
