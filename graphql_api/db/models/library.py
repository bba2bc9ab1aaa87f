"""Versioned library snapshots.

A user's library is stored as intervals over snapshot versions instead of one full
copy per snapshot: a membership row (a saved track, a saved album, a followed
artist, a playlist in the user's list) is valid from ``first_version`` up to, but not
including, ``until_version`` (NULL while still present). Snapshot *N* holds the rows
with ``first_version <= N < coalesce(until_version, ∞)``. An unchanged library
therefore writes no membership rows at all, a diff is a range query, and rows a
running snapshot writes stay invisible to readers of older versions.

Spotify playlists are stored once per Spotify ``snapshot_id`` (a version), shared by
every user whose library holds that version, so an unchanged playlist is neither
fetched nor stored again.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from graphql_api.db.base import Base, BigIntId, CreatedAt, IntPK
from graphql_api.db.types import str_enum


class SnapshotStatus(enum.StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class LibrarySnapshot(Base):
    __tablename__ = "library_snapshots"
    __table_args__ = (
        UniqueConstraint("user_id", "version"),
        # A user never has two snapshots queued or running: the database decides, so
        # concurrent requests in any number of processes cannot both create one.
        Index(
            "uq_library_snapshots_one_active",
            "user_id",
            unique=True,
            sqlite_where=text("status IN ('QUEUED', 'RUNNING')"),
            postgresql_where=text("status IN ('QUEUED', 'RUNNING')"),
        ),
    )

    id: Mapped[IntPK]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[SnapshotStatus] = mapped_column(
        str_enum(SnapshotStatus), default=SnapshotStatus.QUEUED
    )
    trigger: Mapped[str] = mapped_column(String(16), default="manual")
    phase: Mapped[str | None] = mapped_column(String(32))
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    retry_after: Mapped[dt.datetime | None]
    saved_tracks_count: Mapped[int] = mapped_column(Integer, default=0)
    saved_albums_count: Mapped[int] = mapped_column(Integer, default=0)
    followed_artists_count: Mapped[int] = mapped_column(Integer, default=0)
    playlists_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[CreatedAt]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    # The running job renews its lease; an active snapshot whose lease ran out was lost
    # (killed process, job timeout) and is re-queued by the recovery sweep.
    lease_until: Mapped[dt.datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Overall progress 0..1 across phases; it only ever grows.
    progress_fraction: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


class _Membership:
    """Columns every versioned membership row has."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    first_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    until_version: Mapped[int | None] = mapped_column(Integer)


class SavedTrack(_Membership, Base):
    __tablename__ = "saved_tracks"
    __table_args__ = (Index("ix_saved_tracks_user_versions", "user_id", "until_version"),)

    song_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[dt.datetime | None]


class SavedAlbum(_Membership, Base):
    __tablename__ = "saved_albums"
    __table_args__ = (Index("ix_saved_albums_user_versions", "user_id", "until_version"),)

    album_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("albums.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[dt.datetime | None]


class FollowedArtist(_Membership, Base):
    __tablename__ = "followed_artists"
    __table_args__ = (Index("ix_followed_artists_user_versions", "user_id", "until_version"),)

    artist_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class SpotifyPlaylist(Base):
    """A Spotify playlist's identity; its contents live in :class:`PlaylistVersion`."""

    __tablename__ = "spotify_playlists"

    id: Mapped[IntPK]
    spotify_id: Mapped[str] = mapped_column(String(64), unique=True)
    owner_spotify_id: Mapped[str | None] = mapped_column(String(128))
    owner_display_name: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[CreatedAt]


class PlaylistVersion(Base):
    """A playlist as it was at one Spotify ``snapshot_id``."""

    __tablename__ = "playlist_versions"
    __table_args__ = (UniqueConstraint("playlist_id", "spotify_snapshot_id"),)

    id: Mapped[IntPK]
    playlist_id: Mapped[int] = mapped_column(
        ForeignKey("spotify_playlists.id", ondelete="CASCADE"), index=True
    )
    spotify_snapshot_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool | None] = mapped_column(Boolean)
    collaborative: Mapped[bool] = mapped_column(Boolean, default=False)
    image_url: Mapped[str | None] = mapped_column(Text)
    items_total: Mapped[int] = mapped_column(Integer, default=0)
    # False when Spotify would not let us read the items (e.g. a development-mode app
    # reading a playlist the user neither owns nor collaborates on).
    items_readable: Mapped[bool] = mapped_column(Boolean, default=True)
    unreadable_reason: Mapped[str | None] = mapped_column(Text)
    # True once every item is stored: a half-written version is never reused.
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[CreatedAt]


class PlaylistItem(Base):
    __tablename__ = "playlist_items"

    version_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("playlist_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL when Spotify returned no item (removed or unavailable content).
    song_id: Mapped[int | None] = mapped_column(
        ForeignKey("songs.id", ondelete="SET NULL"), index=True
    )
    added_at: Mapped[dt.datetime | None]
    added_by_spotify_id: Mapped[str | None] = mapped_column(String(128))


class LibraryPlaylist(_Membership, Base):
    """A playlist version in a user's list of playlists (owned or followed)."""

    __tablename__ = "library_playlists"
    __table_args__ = (Index("ix_library_playlists_user_versions", "user_id", "until_version"),)

    version_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("playlist_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
