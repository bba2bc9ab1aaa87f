"""Likes and follows made in Mixtape: songs, albums, artists and playlists.

A like points at its target by type and id, without a foreign key (one table for four
targets): the social domain checks the target when liking, deleting a target deletes
its likes in the same transaction, and reads join the target so that a like whose
target is gone shows nowhere. Each target row keeps its ``like_count``, maintained in
the transaction that inserts or deletes the like.

Following Spotify artists also comes from library snapshots (``followed_artists``);
``artist_follows`` holds only the follows made in Mixtape.
"""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from graphql_api.db.base import Base, BigIntId, CreatedAt
from graphql_api.db.types import str_enum


class LikeTarget(enum.StrEnum):
    """What a like points at."""

    SONG = "SONG"
    ALBUM = "ALBUM"
    ARTIST = "ARTIST"
    PLAYLIST = "PLAYLIST"


class Like(Base):
    __tablename__ = "likes"
    __table_args__ = (
        Index("ix_likes_target", "target_type", "target_id"),
        # A user's likes newest first (``viewer.likes``), of one type or of all.
        Index("ix_likes_user_created", "user_id", "created_at"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    target_type: Mapped[LikeTarget] = mapped_column(str_enum(LikeTarget), primary_key=True)
    target_id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    created_at: Mapped[CreatedAt]


class ArtistFollow(Base):
    """A user follows an artist in Mixtape."""

    __tablename__ = "artist_follows"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    artist_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[CreatedAt]


class PlaylistFollow(Base):
    """A user follows a Mixtape playlist (one they may see)."""

    __tablename__ = "playlist_follows"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    playlist_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("playlists.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[CreatedAt]
