"""People: Mixtape users, their Spotify link, and who follows whom."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from graphql_api.db.base import Base, CreatedAt, IntPK, utcnow
from graphql_api.db.types import str_enum


class SharingLevel(enum.StrEnum):
    """Who may see what a user is listening to."""

    NOBODY = "NOBODY"
    FOLLOWERS = "FOLLOWERS"
    EVERYONE = "EVERYONE"


class SnapshotSchedule(enum.StrEnum):
    OFF = "OFF"
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"


class User(Base):
    __tablename__ = "users"

    id: Mapped[IntPK]
    # Stored lower-cased; unique among local accounts (Spotify-only users may have none).
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    now_playing_sharing: Mapped[SharingLevel] = mapped_column(
        str_enum(SharingLevel), default=SharingLevel.NOBODY, server_default=SharingLevel.NOBODY
    )
    snapshot_schedule: Mapped[SnapshotSchedule] = mapped_column(
        str_enum(SnapshotSchedule),
        default=SnapshotSchedule.OFF,
        server_default=SnapshotSchedule.OFF,
    )
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set by `mixtape admin users disable`: the user's sessions are ended and no login
    # (password, Spotify, refresh) succeeds until it is cleared.
    disabled_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class SpotifyAccount(Base):
    """A user's link to Spotify. Tokens are encrypted at rest and never leave the server."""

    __tablename__ = "spotify_accounts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    spotify_user_id: Mapped[str] = mapped_column(String(128), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    product: Mapped[str | None] = mapped_column(String(32))
    access_token_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    refresh_token_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    access_token_expires_at: Mapped[dt.datetime]
    scopes: Mapped[str] = mapped_column(Text, default="")
    needs_relink: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    linked_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Identity(Base):
    """An account at an OpenID Connect provider that logs into this user.

    ``(provider, subject)`` is the identity (OpenID Connect Core §5.7: ``sub`` is unique
    per issuer and never reassigned); ``email`` is what the provider said at link time,
    shown to the owner, never used to find an account.
    """

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[IntPK]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[CreatedAt]


class UserFollow(Base):
    """``follower`` follows ``followee`` (used by now-playing sharing)."""

    __tablename__ = "user_follows"

    follower_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    followee_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[CreatedAt]
