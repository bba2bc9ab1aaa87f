"""All models, imported here so that ``Base.metadata`` knows every table."""

from graphql_api.db.models.auth import (
    AuthSession,
    LoginAttempt,
    LoginCode,
    OAuthState,
    RefreshToken,
    SpotifyLinkCode,
)
from graphql_api.db.models.catalog import (
    Album,
    Artist,
    Genre,
    Song,
    album_artists,
    album_genres,
    artist_genres,
    song_artists,
)
from graphql_api.db.models.library import (
    FollowedArtist,
    LibraryPlaylist,
    LibrarySnapshot,
    PlaylistItem,
    PlaylistVersion,
    SavedAlbum,
    SavedTrack,
    SnapshotStatus,
    SpotifyPlaylist,
)
from graphql_api.db.models.listening import NowPlaying, Play, Poller
from graphql_api.db.models.social import ArtistFollow, Like, LikeTarget
from graphql_api.db.models.users import (
    SharingLevel,
    SnapshotSchedule,
    SpotifyAccount,
    User,
    UserFollow,
)

__all__ = [
    "Album",
    "Artist",
    "ArtistFollow",
    "AuthSession",
    "FollowedArtist",
    "Genre",
    "LibraryPlaylist",
    "LibrarySnapshot",
    "Like",
    "LikeTarget",
    "LoginAttempt",
    "LoginCode",
    "NowPlaying",
    "OAuthState",
    "Play",
    "PlaylistItem",
    "PlaylistVersion",
    "Poller",
    "RefreshToken",
    "SavedAlbum",
    "SavedTrack",
    "SharingLevel",
    "SnapshotSchedule",
    "SnapshotStatus",
    "Song",
    "SpotifyAccount",
    "SpotifyLinkCode",
    "SpotifyPlaylist",
    "User",
    "UserFollow",
    "album_artists",
    "album_genres",
    "artist_genres",
    "song_artists",
]
