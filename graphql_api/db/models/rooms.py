"""Listening rooms: a host's playback shared with participants who vote and queue songs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
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

from graphql_api.db.base import Base, CreatedAt, IntPK


class Room(Base):
    """One room. ``play_seq`` counts the tracks the room has seen play: votes to skip are
    cast for one ``play_seq``, and ``skipped_seq`` records (once) that it was skipped."""

    __tablename__ = "rooms"
    __table_args__ = (
        # A code names one open room; a closed room's code may be drawn again.
        Index(
            "uq_rooms_open_code",
            "code",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[IntPK]
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[CreatedAt]
    closed_at: Mapped[dt.datetime | None]
    votes_to_skip: Mapped[int | None] = mapped_column(Integer)
    skip_share: Mapped[float | None] = mapped_column(Float)
    guest_can_pause: Mapped[bool] = mapped_column(Boolean, default=False)
    guest_can_queue: Mapped[bool] = mapped_column(Boolean, default=True)
    max_queued_per_guest: Mapped[int] = mapped_column(Integer, default=3)
    # Bumped by every change: subscribers drop states older than the last they saw.
    version: Mapped[int] = mapped_column(Integer, default=1)
    play_seq: Mapped[int] = mapped_column(Integer, default=0)
    skipped_seq: Mapped[int | None] = mapped_column(Integer)
    # The play_seq for which the queue's top song went to Spotify's queue.
    handed_seq: Mapped[int | None] = mapped_column(Integer)
    # The host's playback as the room last saw it.
    item: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    is_playing: Mapped[bool] = mapped_column(Boolean, default=False)
    progress_ms: Mapped[int | None] = mapped_column(Integer)
    observed_at: Mapped[dt.datetime | None]
    # PREMIUM_REQUIRED, NO_ACTIVE_DEVICE, SPOTIFY_RELINK_REQUIRED...: shown, never raised.
    problem: Mapped[str | None] = mapped_column(String(64))


class RoomParticipant(Base):
    """The host, a logged-in member, or a guest without an account."""

    __tablename__ = "room_participants"
    __table_args__ = (UniqueConstraint("room_id", "user_id"),)

    id: Mapped[IntPK]
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    display_name: Mapped[str] = mapped_column(Text)
    is_host: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[CreatedAt]
    left_at: Mapped[dt.datetime | None]
    kicked_at: Mapped[dt.datetime | None]


class RoomPresence(Base):
    """One open room subscription, kept alive by its process until ``expires_at``."""

    __tablename__ = "room_presence"

    id: Mapped[IntPK]
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("room_participants.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[dt.datetime]


class RoomSkipVote(Base):
    """One participant's vote to skip the track the room played as ``play_seq``."""

    __tablename__ = "room_skip_votes"
    __table_args__ = (UniqueConstraint("room_id", "play_seq", "participant_id"),)

    id: Mapped[IntPK]
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    play_seq: Mapped[int] = mapped_column(Integer)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("room_participants.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[CreatedAt]


class RoomQueueItem(Base):
    """A song in the room's shared queue; ``handed_at`` once it went to Spotify's queue."""

    __tablename__ = "room_queue_items"

    id: Mapped[IntPK]
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    added_by: Mapped[int] = mapped_column(
        ForeignKey("room_participants.id", ondelete="CASCADE"), index=True
    )
    uri: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    artists: Mapped[str] = mapped_column(Text, default="")
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    song_id: Mapped[int | None] = mapped_column(ForeignKey("songs.id", ondelete="SET NULL"))
    votes: Mapped[int] = mapped_column(Integer, default=0)
    added_at: Mapped[CreatedAt]
    handed_at: Mapped[dt.datetime | None]
    removed_at: Mapped[dt.datetime | None]


class RoomQueueVote(Base):
    """One participant's up-vote of a queue item."""

    __tablename__ = "room_queue_votes"
    __table_args__ = (UniqueConstraint("item_id", "participant_id"),)

    id: Mapped[IntPK]
    item_id: Mapped[int] = mapped_column(
        ForeignKey("room_queue_items.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("room_participants.id", ondelete="CASCADE"), index=True
    )


class RoomPlay(Base):
    """A track the room played, in order (``play_seq``)."""

    __tablename__ = "room_plays"
    __table_args__ = (UniqueConstraint("room_id", "play_seq"),)

    id: Mapped[IntPK]
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    play_seq: Mapped[int] = mapped_column(Integer)
    uri: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    song_id: Mapped[int | None] = mapped_column(ForeignKey("songs.id", ondelete="SET NULL"))
    started_at: Mapped[CreatedAt]
