"""Mixtape's own playlists: editable, shared between members, versioned for co-editing.

A playlist has members with roles (exactly one OWNER, enforced by a partial unique
index) and entries that point at songs. Entries are ordered by ``position_key``, a
fractional index (lexicographic order, compared byte-wise: collation "C" on
PostgreSQL), so moving an entry rewrites that entry only. ``version`` grows by one with
every write; a write names the version it was based on and is refused when the
playlist moved on (optimistic concurrency). ``item_count`` and ``total_duration_ms``
are kept by every write of entries, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from graphql_api.db.base import Base, BigIntId, CreatedAt, IntPK, utcnow
from graphql_api.db.types import str_enum

# Byte-wise order on every backend: fractional keys mix cases ("a0" < "aV" < "ab").
PositionKey = String(128).with_variant(String(128, collation="C"), "postgresql")


class PlaylistVisibility(enum.StrEnum):
    PRIVATE = "PRIVATE"
    SHARED_LINK = "SHARED_LINK"
    PUBLIC = "PUBLIC"


class PlaylistRole(enum.StrEnum):
    OWNER = "OWNER"
    EDITOR = "EDITOR"
    VIEWER = "VIEWER"


class Playlist(Base):
    __tablename__ = "playlists"

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    visibility: Mapped[PlaylistVisibility] = mapped_column(
        str_enum(PlaylistVisibility), default=PlaylistVisibility.PRIVATE, index=True
    )
    # Set while the visibility is SHARED_LINK: whoever holds it may view.
    link_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    total_duration_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    like_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The snapshot's playlist version this one was copied from (copyToMixtape).
    source_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("playlist_versions.id", ondelete="SET NULL"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class PlaylistMember(Base):
    __tablename__ = "playlist_members"
    __table_args__ = (
        # Exactly one owner: the database refuses a second, whatever the code does.
        Index(
            "uq_playlist_members_one_owner",
            "playlist_id",
            unique=True,
            sqlite_where=text("role = 'OWNER'"),
            postgresql_where=text("role = 'OWNER'"),
        ),
    )

    playlist_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("playlists.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[PlaylistRole] = mapped_column(str_enum(PlaylistRole))
    added_at: Mapped[CreatedAt]


class PlaylistEntry(Base):
    __tablename__ = "playlist_entries"
    __table_args__ = (Index("ix_playlist_entries_order", "playlist_id", "position_key", "id"),)

    id: Mapped[IntPK]
    playlist_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("playlists.id", ondelete="CASCADE")
    )
    song_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("songs.id", ondelete="CASCADE"), index=True
    )
    position_key: Mapped[str] = mapped_column(PositionKey)
    added_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    added_at: Mapped[CreatedAt]
