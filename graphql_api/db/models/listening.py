"""Listening: the history of plays, what each user plays now, and their poller."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from graphql_api.db.base import Base, IntPK, utcnow


class Play(Base):
    """One recorded play of a song by a user."""

    __tablename__ = "plays"
    __table_args__ = (
        UniqueConstraint("user_id", "song_id", "played_at"),
        # Statistics read one user's plays over a time range.
        Index("ix_plays_user_id_played_at", "user_id", "played_at"),
        # listeningStats: a user's counted plays in a range, with what the statistics read,
        # all in the index (index-only scans on both engines, no visit to the table).
        Index("ix_plays_stats", "user_id", "counted", "played_at", "song_id", "ms_played"),
    )

    id: Mapped[IntPK]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    song_id: Mapped[int] = mapped_column(ForeignKey("songs.id", ondelete="CASCADE"), index=True)
    played_at: Mapped[dt.datetime] = mapped_column(index=True)
    ms_played: Mapped[int | None] = mapped_column(Integer)
    context_uri: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="poller")
    # False: a start the export lists that did not reach the play-counting rule (a
    # skip); only counted plays are listening history. The poller records counted only.
    counted: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # What the extended streaming history says about the play (NULL when not imported).
    reason_start: Mapped[str | None] = mapped_column(String(32))
    reason_end: Mapped[str | None] = mapped_column(String(32))
    shuffle: Mapped[bool | None] = mapped_column(Boolean)
    skipped: Mapped[bool | None] = mapped_column(Boolean)
    offline: Mapped[bool | None] = mapped_column(Boolean)
    platform: Mapped[str | None] = mapped_column(Text)
    conn_country: Mapped[str | None] = mapped_column(String(8))


class NowPlaying(Base):
    """The last playback state the poller saw for a user."""

    __tablename__ = "now_playing"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    song_id: Mapped[int | None] = mapped_column(ForeignKey("songs.id", ondelete="SET NULL"))
    item_type: Mapped[str | None] = mapped_column(String(16))
    is_playing: Mapped[bool] = mapped_column(Boolean, default=False)
    progress_ms: Mapped[int | None] = mapped_column(Integer)
    # Spotify's own timestamp of the state, so clients can extrapolate progress.
    observed_at: Mapped[dt.datetime | None]
    context_uri: Mapped[str | None] = mapped_column(Text)
    device_name: Mapped[str | None] = mapped_column(Text)
    # The compact item (uri, name, artists, ...) as published to subscribers.
    item: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The play-counting rule's progress on the current item (see listening/counting.py).
    play_started_at: Mapped[dt.datetime | None]
    listened_ms: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    play_recorded: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Poller(Base):
    """Scheduling state of one user's now-playing poller (shared by all processes)."""

    __tablename__ = "pollers"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    next_poll_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    last_poll_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[dt.datetime | None]
    consecutive_errors: Mapped[int] = mapped_column(Integer, default=0)
    stopped_reason: Mapped[str | None] = mapped_column(Text)
