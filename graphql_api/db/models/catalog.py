"""The music catalog: songs, albums, artists and genres, shared by every user.

Rows from Spotify carry their Spotify id (or, for songs, the uri: local files have
no id); rows made in Mixtape's own library have none. Many-to-many links that have
an order (a song's artists, an album's artists) keep a ``position``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from graphql_api.db.base import Base, BigIntId, CreatedAt, IntPK, utcnow

song_artists = Table(
    "song_artists",
    Base.metadata,
    Column("song_id", BigIntId, ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column(
        "artist_id",
        BigIntId,
        ForeignKey("artists.id", ondelete="CASCADE"),
        nullable=False,
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


class Genre(Base):
    __tablename__ = "genres"

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Artist(Base):
    __tablename__ = "artists"

    id: Mapped[IntPK]
    spotify_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    popularity: Mapped[int | None] = mapped_column(Integer)
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
    total_tracks: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
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
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
