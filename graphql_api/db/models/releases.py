"""New releases: which catalog albums Mixtape saw released, and the ingest's bookkeeping.

A release is one album, recorded once, with the moment Mixtape first saw it
(``first_seen_at``); the album and its artists live in the catalog tables. The ingest
(``graphql_api/releases/``) remembers per artist when it last fetched the artist's
details and when it last checked the artist's albums (the development-mode fallback),
and records every run, so that the API can say when releases were last ingested.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from graphql_api.db.base import Base, BigIntId, CreatedAt, IntPK
from graphql_api.db.types import str_enum


class ReleaseSource(enum.StrEnum):
    NEW_RELEASES = "NEW_RELEASES"  # /browse/new-releases
    ARTIST_ALBUMS = "ARTIST_ALBUMS"  # /artists/{id}/albums (development-mode fallback)


class IngestStatus(enum.StrEnum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class Release(Base):
    __tablename__ = "releases"
    __table_args__ = (Index("ix_releases_newest", "release_sort", "id"),)

    id: Mapped[IntPK]
    # Unique: two ingests at once (two workers) cannot record one album twice.
    album_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("albums.id", ondelete="CASCADE"), unique=True
    )
    # The album's release date padded to YYYY-MM-DD with zeros ("2026" -> "2026-00-00"), so
    # that dates of any precision sort together, a year-only one before its days.
    release_sort: Mapped[str] = mapped_column(String(10))
    source: Mapped[ReleaseSource] = mapped_column(str_enum(ReleaseSource))
    # The market whose new releases listed it first (None: the global list, or an artist's).
    market: Mapped[str | None] = mapped_column(String(2))
    first_seen_at: Mapped[CreatedAt] = mapped_column(index=True)


class ReleaseArtist(Base):
    """What the ingest last did for one artist."""

    __tablename__ = "release_artists"

    artist_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True
    )
    # Genres, images and popularity (new releases carry simplified artists only).
    details_fetched_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    # The fallback's last look at the artist's albums.
    albums_checked_at: Mapped[dt.datetime | None] = mapped_column(index=True)


class ReleaseIngest(Base):
    """One run of the ingest: what it did, or why it failed."""

    __tablename__ = "release_ingests"

    id: Mapped[IntPK]
    status: Mapped[IngestStatus] = mapped_column(
        str_enum(IngestStatus), default=IngestStatus.RUNNING
    )
    source: Mapped[ReleaseSource | None] = mapped_column(str_enum(ReleaseSource))
    started_at: Mapped[CreatedAt]
    finished_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    albums_seen: Mapped[int] = mapped_column(Integer, default=0)
    releases_added: Mapped[int] = mapped_column(Integer, default=0)
    artists_refreshed: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)


class ReleaseFeed(Base):
    """A user's Atom feed of their release radar, at an unguessable, revocable URL."""

    __tablename__ = "release_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # The URL's secret is an HMAC of this under the server's secret key, so a leaked
    # database alone does not give the feeds away; looked up by the secret's SHA-256.
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[CreatedAt]
