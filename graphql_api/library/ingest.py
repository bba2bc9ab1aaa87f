"""Raw Spotify JSON into catalog rows: songs, albums, artists, genres and their links.

Parsing is tolerant (Spotify omits, nulls and renames fields): anything missing
becomes NULL rather than an error. Rows are deduplicated per batch, because one
``INSERT … ON CONFLICT DO UPDATE`` may not touch the same row twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphql_api.db.base import utcnow

Json = dict[str, Any]


def image_url_of(obj: Json) -> str | None:
    images = obj.get("images") or []
    url = images[0].get("url") if images and isinstance(images[0], dict) else None
    return url if isinstance(url, str) else None


def parse_time(value: object) -> dt.datetime | None:
    """Spotify's ``added_at`` (``2026-03-01T12:00:00Z``) as an aware datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def release_year(release_date: object) -> int | None:
    """The year of Spotify's ``release_date`` ("1999", "1999-03", "1999-03-31"); "0000" is none."""
    if not isinstance(release_date, str) or not release_date[:4].isdigit():
        return None
    return int(release_date[:4]) or None


def song_kind(track: Json) -> str:
    if track.get("is_local"):
        return "local"
    return "episode" if track.get("type") == "episode" else "track"


def local_names(track: Json) -> Json:
    """A local file's artist and album names (they have no ids, so no catalog rows)."""
    if not track.get("is_local"):
        return {"local_artists": None, "local_album": None}
    artists = [
        str(a["name"])
        for a in track.get("artists") or []
        if isinstance(a, dict) and a.get("name") and not a.get("id")
    ]
    album = track.get("album")
    name = album.get("name") if isinstance(album, dict) and not album.get("id") else None
    return {"local_artists": artists or None, "local_album": str(name) if name else None}


@dataclass
class CatalogBatch:
    """Catalog rows gathered from any number of Spotify objects, keyed for the upsert."""

    now: dt.datetime = field(default_factory=utcnow)
    artists: dict[str, Json] = field(default_factory=dict)
    full_artists: dict[str, Json] = field(default_factory=dict)
    albums: dict[str, Json] = field(default_factory=dict)
    full_albums: dict[str, Json] = field(default_factory=dict)
    songs: dict[str, Json] = field(default_factory=dict)
    # song uri -> artist spotify ids in credit order; the same for albums.
    song_artists: dict[str, list[str]] = field(default_factory=dict)
    song_album: dict[str, str] = field(default_factory=dict)
    album_artists: dict[str, list[str]] = field(default_factory=dict)
    artist_genres: dict[str, list[str]] = field(default_factory=dict)
    album_genres: dict[str, list[str]] = field(default_factory=dict)

    def add_artist(self, artist: Json | None) -> str | None:
        """Add a simplified artist; returns its Spotify id (None for local-file artists)."""
        if not isinstance(artist, dict) or not artist.get("id"):
            return None
        artist_id = str(artist["id"])
        if artist_id not in self.full_artists:
            self.artists[artist_id] = {
                "spotify_id": artist_id,
                "name": str(artist.get("name") or ""),
                "updated_at": self.now,
            }
        return artist_id

    def add_full_artist(self, artist: Json | None) -> str | None:
        """Add a full artist (followed artists are): image, popularity and genres too."""
        artist_id = self.add_artist(artist)
        if artist_id is None or artist is None:
            return None
        self.artists.pop(artist_id, None)
        popularity = artist.get("popularity")
        self.full_artists[artist_id] = {
            "spotify_id": artist_id,
            "name": str(artist.get("name") or ""),
            "image_url": image_url_of(artist),
            "popularity": popularity if isinstance(popularity, int) else None,
            "updated_at": self.now,
        }
        genres = artist.get("genres")
        if isinstance(genres, list):
            self.artist_genres[artist_id] = [str(g) for g in genres if g]
        return artist_id

    def add_album(self, album: Json | None, *, full: bool = False) -> str | None:
        """Add an album (simplified, or full as saved albums are)."""
        if not isinstance(album, dict) or not album.get("id"):
            return None
        album_id = str(album["id"])
        total = album.get("total_tracks")
        row = {
            "spotify_id": album_id,
            "name": str(album.get("name") or ""),
            "album_type": album.get("album_type"),
            "release_date": (album.get("release_date") or None),
            "release_date_precision": album.get("release_date_precision"),
            "release_year": release_year(album.get("release_date")),
            "total_tracks": total if isinstance(total, int) else None,
            "image_url": image_url_of(album),
            "updated_at": self.now,
        }
        if full:
            self.albums.pop(album_id, None)
            self.full_albums[album_id] = {**row, "label": album.get("label")}
            genres = album.get("genres")
            if isinstance(genres, list):
                self.album_genres[album_id] = [str(g) for g in genres if g]
        elif album_id not in self.full_albums:
            self.albums[album_id] = row
        credited = [self.add_artist(a) for a in album.get("artists") or []]
        self.album_artists[album_id] = [a for a in credited if a is not None]
        return album_id

    def add_song(self, track: Json | None) -> str | None:
        """Add a track, episode or local file; returns its uri (None when unusable)."""
        if not isinstance(track, dict):
            return None
        uri = track.get("uri")
        if not isinstance(uri, str) or not uri:
            return None
        album_id = self.add_album(track.get("album")) if track.get("type") != "episode" else None
        credited = [self.add_artist(a) for a in track.get("artists") or []]
        external = track.get("external_ids") or {}
        popularity = track.get("popularity")
        self.songs[uri] = {
            "spotify_uri": uri,
            "spotify_id": track.get("id"),
            "kind": song_kind(track),
            "name": str(track.get("name") or ""),
            "duration_ms": int(track.get("duration_ms") or 0),
            "explicit": bool(track.get("explicit")),
            "is_local": bool(track.get("is_local")),
            "isrc": external.get("isrc") if isinstance(external, dict) else None,
            "disc_number": track.get("disc_number"),
            "track_number": track.get("track_number"),
            "popularity": popularity if isinstance(popularity, int) else None,
            "preview_url": track.get("preview_url") or track.get("audio_preview_url"),
            **local_names(track),
            "updated_at": self.now,
        }
        if album_id is not None:
            self.song_album[uri] = album_id
        self.song_artists[uri] = [a for a in credited if a is not None]
        return uri

    def add_songs(self, tracks: Iterable[Json | None]) -> list[str | None]:
        return [self.add_song(track) for track in tracks]
