"""Likes and follows as GraphQL: the viewer's likes, followed artists, and library totals."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Self

import strawberry
from strawberry.relay import PageInfo

from graphql_api.db.models import LikeTarget
from graphql_api.kit.pagination import Page, connection
from graphql_api.schema.types.artists import Artist
from graphql_api.schema.types.likeable import Likeable, likeable_of
from graphql_api.social.queries import Followed, Liked
from graphql_api.social.totals import LibraryTotals as Totals


@strawberry.enum(description="What a like points at.")
class LikeType(enum.Enum):
    SONG = "SONG"
    ALBUM = "ALBUM"
    ARTIST = "ARTIST"
    PLAYLIST = "PLAYLIST"


@strawberry.type
class LikeEdge:
    cursor: str
    liked_at: dt.datetime = strawberry.field(description="When you liked it.")
    node: Likeable


@strawberry.type(description="What you like, newest first.")
class LikeConnection:
    edges: list[LikeEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: Page[Liked]) -> Self:
        return connection(
            cls,
            page,
            lambda cursor, liked: LikeEdge(
                cursor=cursor, liked_at=liked.liked_at, node=likeable_of(liked.target, liked.row)
            ),
        )


@strawberry.type
class FollowedArtistEdge:
    cursor: str
    node: Artist
    on_spotify: bool = strawberry.field(
        description="Followed on Spotify, as of your latest library snapshot."
    )
    followed_at: dt.datetime | None = strawberry.field(
        description="When you followed it in Mixtape; null when only on Spotify."
    )


@strawberry.type(description="Artists you follow, on Spotify or in Mixtape, each once, by name.")
class FollowedArtistConnection:
    edges: list[FollowedArtistEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: Page[Followed]) -> Self:
        return connection(
            cls,
            page,
            lambda cursor, followed: FollowedArtistEdge(
                cursor=cursor,
                node=Artist.from_row(followed.artist),
                on_spotify=followed.on_spotify,
                followed_at=followed.followed_at,
            ),
        )


@strawberry.type(description="The size of your library.")
class LibraryTotals:
    saved_songs_count: int = strawberry.field(
        description="Songs saved on Spotify, as of your latest library snapshot."
    )
    saved_songs_duration_ms: int
    saved_albums_count: int = strawberry.field(
        description="Albums saved on Spotify, as of your latest library snapshot."
    )
    followed_artists_count: int = strawberry.field(
        description="Artists followed on Spotify or in Mixtape, each once."
    )
    liked_songs_count: int
    liked_albums_count: int
    liked_artists_count: int
    liked_playlists_count: int
    own_playlists_count: int = strawberry.field(description="Mixtape playlists you own.")
    own_playlists_duration_ms: int

    @classmethod
    def of(cls, totals: Totals) -> Self:
        return cls(
            saved_songs_count=totals.saved_songs,
            saved_songs_duration_ms=totals.saved_songs_duration_ms,
            saved_albums_count=totals.saved_albums,
            followed_artists_count=totals.followed_artists,
            liked_songs_count=totals.likes.get(LikeTarget.SONG, 0),
            liked_albums_count=totals.likes.get(LikeTarget.ALBUM, 0),
            liked_artists_count=totals.likes.get(LikeTarget.ARTIST, 0),
            liked_playlists_count=totals.likes.get(LikeTarget.PLAYLIST, 0),
            own_playlists_count=totals.own_playlists,
            own_playlists_duration_ms=totals.own_playlists_duration_ms,
        )
