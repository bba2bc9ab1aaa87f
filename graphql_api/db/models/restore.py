"""Restores: a library snapshot put back into the linked Spotify account, by a job.

A restore compares the snapshot with the account as it is when the job runs and stores
that plan (``plan``); a dry run stops there. A real run then writes the plan to Spotify
batch by batch, adding each batch's outcome to ``result`` as it commits. Playlists it
creates are recorded in :class:`RestorePlaylist` before and after the Spotify call, so a
retried or resumed job finds them instead of creating them twice.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from graphql_api.db.base import Base, BigIntId, CreatedAt, IntPK, utcnow
from graphql_api.db.types import str_enum


class RestoreStatus(enum.StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class RestoreMode(enum.StrEnum):
    # Add what the snapshot has and the account lacks; remove nothing.
    ADD_MISSING = "ADD_MISSING"
    # Also remove what the account has and the snapshot lacks.
    MIRROR = "MIRROR"


class Restore(Base):
    """One restore of a snapshot into its owner's Spotify account."""

    __tablename__ = "restores"
    __table_args__ = (
        # One restore at a time per user: two would write into one account at once.
        Index(
            "uq_restores_one_active",
            "user_id",
            unique=True,
            sqlite_where=text("status IN ('QUEUED', 'RUNNING')"),
            postgresql_where=text("status IN ('QUEUED', 'RUNNING')"),
        ),
    )

    id: Mapped[IntPK]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    snapshot_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("library_snapshots.id", ondelete="CASCADE"), index=True
    )
    # Comma-separated section names (TRACKS, ALBUMS, ARTISTS, PLAYLISTS), in that order.
    sections: Mapped[str] = mapped_column(String(64))
    mode: Mapped[RestoreMode] = mapped_column(str_enum(RestoreMode))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[RestoreStatus] = mapped_column(
        str_enum(RestoreStatus), default=RestoreStatus.QUEUED
    )
    phase: Mapped[str | None] = mapped_column(String(32))
    progress_done: Mapped[int] = mapped_column(BigInteger, default=0)
    progress_total: Mapped[int] = mapped_column(BigInteger, default=0)
    progress_fraction: Mapped[float] = mapped_column(Float, default=0.0)
    # {section: {"add": [item...], "remove": [item...]}}; an item is {"uri", "name"}.
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # {section: {"added": n, "removed": n, "unavailable": [item...]}}, summed over attempts.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[dt.datetime | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[dt.datetime | None]


class RestorePlaylist(Base):
    """A playlist a restore recreates, keyed by the restore and the source playlist.

    Written (without ``spotify_id``) before Spotify is asked to create it and completed
    after, so a job killed in between finds the playlist it made by its ``marker``.
    """

    __tablename__ = "restore_playlists"

    restore_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("restores.id", ondelete="CASCADE"), primary_key=True
    )
    source_playlist_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("spotify_playlists.id", ondelete="CASCADE"), primary_key=True
    )
    marker: Mapped[str] = mapped_column(String(64))
    spotify_id: Mapped[str | None] = mapped_column(String(64))
    # Source items handled (added, or skipped as unavailable), and how many were skipped:
    # Spotify's item count of the new playlist is always ``items_added - items_skipped``.
    items_added: Mapped[int] = mapped_column(Integer, default=0)
    items_skipped: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
