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
from graphql_api.db.models.history import (
    HistoryImport,
    HistoryImportFile,
    HistoryImportStatus,
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
    "AuthSession",
    "FollowedArtist",
    "Genre",
    "HistoryImport",
    "HistoryImportFile",
    "HistoryImportStatus",
    "LibraryPlaylist",
    "LibrarySnapshot",
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
