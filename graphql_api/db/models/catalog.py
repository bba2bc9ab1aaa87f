"""The music catalog: songs, albums, artists and genres.

Rows from Spotify carry their Spotify id (or, for songs, the uri: local files have
no id) and no owner: they are read-only mirrors everyone sees. Rows made in Mixtape's
own library have an ``owner_id`` and are private to it unless ``is_public``.
Many-to-many links that have an order (a song's credits, an album's artists) keep a
``position``; an album's track list keeps disc and track numbers (``album_tracks``),
so a song can be on several albums with its own numbers on each.

Name search is index-backed outside these models (the migration that made them):
pg_trgm GIN indexes on ``lower(name)`` on PostgreSQL, FTS5 tables ``<table>_fts``
kept by triggers on SQLite (``graphql_api.db.search_ddl``).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    select,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from graphql_api.db.base import Base, BigIntId, CreatedAt, IntPK, utcnow


class CreditRole(enum.StrEnum):
    """What an artist did on a song. ``Song.artists`` are its PERFORMER then FEATURED credits."""

    PERFORMER = "PERFORMER"
    FEATURED = "FEATURED"
    COMPOSER = "COMPOSER"
    LYRICIST = "LYRICIST"
    PRODUCER = "PRODUCER"
    MIXING = "MIXING"
    MASTERING = "MASTERING"
    ENGINEER = "ENGINEER"
    ARRANGER = "ARRANGER"
    REMIXER = "REMIXER"


# A song's credits, in order within each role. Spotify's track artists are PERFORMERs.
song_credits = Table(
    "song_credits",
    Base.metadata,
    Column("song_id", BigIntId, ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("artist_id", BigIntId, ForeignKey("artists.id", ondelete="CASCADE"), nullable=False),
    Index("ix_song_credits_artist_id_role", "artist_id", "role"),
)

# An album's track list: authoritative for Album.songs and Song.albums.
album_tracks = Table(
    "album_tracks",
    Base.metadata,
    Column("album_id", BigIntId, ForeignKey("albums.id", ondelete="CASCADE"), primary_key=True),
    Column("disc_number", Integer, primary_key=True),
    Column("track_number", Integer, primary_key=True),
    Column(
        "song_id",
        BigIntId,
        ForeignKey("songs.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
)

song_genres = Table(
    "song_genres",
    Base.metadata,
    Column("song_id", BigIntId, ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "genre_id",
        BigIntId,
        ForeignKey("genres.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

album_artists = Table(
    "album_artists",
    Base.metadata,
    Column("album_id", BigIntId, ForeignKey("albums.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column(
        "artist_id",
        BigIntId,
        ForeignKey("artists.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
)

artist_genres = Table(
    "artist_genres",
    Base.metadata,
    Column("artist_id", BigIntId, ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "genre_id",
        BigIntId,
        ForeignKey("genres.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

album_genres = Table(
    "album_genres",
    Base.metadata,
    Column("album_id", BigIntId, ForeignKey("albums.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "genre_id",
        BigIntId,
        ForeignKey("genres.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


def _owner() -> Mapped[int | None]:
    return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


def _is_public() -> Mapped[bool]:
    return mapped_column(Boolean, default=False, server_default=false())


def _like_count() -> Mapped[int]:
    return mapped_column(Integer, default=0, server_default=text("0"))


class Genre(Base):
    __tablename__ = "genres"
    __table_args__ = (
        # Spotify's genres are unique by name; a user's own genres by (owner, name).
        Index(
            "uq_genres_name_spotify",
            "name",
            unique=True,
            sqlite_where=text("owner_id IS NULL"),
            postgresql_where=text("owner_id IS NULL"),
        ),
        UniqueConstraint("owner_id", "name", name="uq_genres_owner_id_name"),
    )

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = _owner()
    is_public: Mapped[bool] = _is_public()
    created_at: Mapped[CreatedAt]


class Artist(Base):
    __tablename__ = "artists"

    id: Mapped[IntPK]
    spotify_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    popularity: Mapped[int | None] = mapped_column(Integer)
    owner_id: Mapped[int | None] = _owner()
    is_public: Mapped[bool] = _is_public()
    like_count: Mapped[int] = _like_count()
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Album(Base):
    __tablename__ = "albums"

    id: Mapped[IntPK]
    spotify_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    album_type: Mapped[str | None] = mapped_column(String(32))
    # Kept as Spotify gives it ("1999", "1999-03", "1999-03-31") with its precision,
    # so a year-only date is never turned into a made-up January 1st.
    release_date: Mapped[str | None] = mapped_column(String(10), index=True)
    release_date_precision: Mapped[str | None] = mapped_column(String(5))
    # The year of release_date for Spotify's albums; set directly on own albums.
    release_year: Mapped[int | None] = mapped_column(Integer, index=True)
    total_tracks: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = _owner()
    is_public: Mapped[bool] = _is_public()
    like_count: Mapped[int] = _like_count()
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Song(Base):
    """A playable item: a track, a podcast episode, or a user's local file."""

    __tablename__ = "songs"

    id: Mapped[IntPK]
    # spotify:track:…, spotify:episode:… or spotify:local:…; the upsert key for Spotify items.
    spotify_uri: Mapped[str | None] = mapped_column(Text, unique=True)
    spotify_id: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="track")
    name: Mapped[str] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    explicit: Mapped[bool] = mapped_column(Boolean, default=False)
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)
    isrc: Mapped[str | None] = mapped_column(String(32))
    disc_number: Mapped[int | None] = mapped_column(Integer)
    track_number: Mapped[int | None] = mapped_column(Integer)
    popularity: Mapped[int | None] = mapped_column(Integer)
    preview_url: Mapped[str | None] = mapped_column(Text)
    # The song's primary album (the one Spotify lists), with disc/track_number its
    # numbers there; every album it is on, with its numbers, is in album_tracks.
    album_id: Mapped[int | None] = mapped_column(
        ForeignKey("albums.id", ondelete="SET NULL"), index=True
    )
    # A local file's artist and album have no Spotify id, so no catalog rows: their
    # names (the only metadata a local file has) are kept here instead.
    # JSONB on PostgreSQL: the catalog upsert compares it (json has no equality).
    local_artists: Mapped[list[str] | None] = mapped_column(
        JSON().with_variant(postgresql.JSONB(), "postgresql")
    )
    local_album: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = _owner()
    is_public: Mapped[bool] = _is_public()
    like_count: Mapped[int] = _like_count()
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# The performers of each song, shaped as the ordered (song_id, position, artist_id) links
# the snapshot readers and exports take, as the song_artists table they replace was.
song_performers = (
    select(song_credits.c.song_id, song_credits.c.position, song_credits.c.artist_id)
    .where(song_credits.c.role == CreditRole.PERFORMER.value)
    .subquery("song_performers")
)
