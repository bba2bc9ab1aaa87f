"""Indexes of every artist, album, track, episode and playlist a fixture mentions."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field

from spotify_emulator.objects import (
    JSON,
    full_album_without_tracks,
    full_artist,
    full_track,
    is_full_artist,
    normalize_playlist_item,
    playlist_base,
    simplified_track,
)


def snapshot_id(playlist_id: str, version: int) -> str:
    """An opaque, deterministic snapshot id that changes with every edit."""
    digest = hashlib.sha256(f"{playlist_id}:{version}".encode()).digest()[:18]
    return base64.b64encode(version.to_bytes(4, "big") + digest).decode()


@dataclass
class PlaylistRecord:
    """One playlist: its object (without item paging) and its items, in order."""

    playlist: JSON
    items: list[JSON]
    version: int = 1

    @property
    def id(self) -> str:
        return str(self.playlist["id"])

    @property
    def owner_id(self) -> str | None:
        owner = self.playlist.get("owner") or {}
        return owner.get("id")

    @property
    def collaborative(self) -> bool:
        return bool(self.playlist.get("collaborative"))

    @property
    def snapshot_id(self) -> str:
        return str(self.playlist.get("snapshot_id") or snapshot_id(self.id, self.version))

    def touch(self) -> None:
        """Record an edit: a new version and so a new `snapshot_id`."""
        self.version += 1
        self.playlist = {**self.playlist, "snapshot_id": snapshot_id(self.id, self.version)}


@dataclass
class Catalog:
    """Everything fetchable by id. Full forms win over simplified ones."""

    artists: dict[str, JSON] = field(default_factory=dict)
    albums: dict[str, JSON] = field(default_factory=dict)
    album_tracks: dict[str, dict[str, None]] = field(default_factory=dict)
    tracks: dict[str, JSON] = field(default_factory=dict)
    episodes: dict[str, JSON] = field(default_factory=dict)
    playlists: dict[str, PlaylistRecord] = field(default_factory=dict)
    new_releases: list[JSON] = field(default_factory=list)

    def add_artist(self, artist: JSON) -> None:
        """Index an artist; a full object replaces a padded simplified one."""
        artist_id = artist.get("id")
        if not artist_id:
            return  # local files carry artists without ids
        if artist_id not in self.artists or is_full_artist(artist):
            self.artists[artist_id] = full_artist(artist)

    def add_album(self, album: JSON) -> None:
        """Index an album (simplified or full), its artists and any tracks it embeds."""
        album_id = album.get("id")
        if not album_id:
            return
        for artist in album.get("artists") or []:
            self.add_artist(artist)
        is_full = "tracks" in album or "label" in album
        if album_id not in self.albums or is_full:
            self.albums[album_id] = full_album_without_tracks(album)
        self.album_tracks.setdefault(album_id, {})
        for track in (album.get("tracks") or {}).get("items") or []:
            if track and track.get("id"):
                self.add_track(full_track(track, album), prefer_existing=True)

    def add_track(self, track: JSON, *, prefer_existing: bool = False) -> None:
        """Index a full track, its album and artists."""
        track_id = track.get("id")
        if not track_id or track.get("is_local"):
            return
        if track_id in self.tracks and prefer_existing:
            return
        self.tracks[track_id] = track
        for artist in track.get("artists") or []:
            self.add_artist(artist)
        album = track.get("album")
        if album and album.get("id"):
            if album["id"] not in self.albums:
                self.add_album(album)
            self.album_tracks.setdefault(album["id"], {})[track_id] = None

    def add_content(self, content: JSON | None) -> None:
        """Index a track or an episode (playlist items and the player hold either)."""
        if not content:
            return
        if content.get("type") == "episode":
            if content.get("id"):
                self.episodes[content["id"]] = content
        else:
            self.add_track(content)

    def add_playlist(self, playlist: JSON, items: list[JSON]) -> PlaylistRecord:
        """Index a playlist with its items; the first fixture occurrence wins."""
        known = self.playlists.get(playlist["id"])
        if known is not None:
            return known
        normalized = [normalize_playlist_item(item) for item in items]
        for item in normalized:
            self.add_content(item["item"])
        record = PlaylistRecord(playlist_base(playlist), normalized)
        self.playlists[record.id] = record
        return record

    def album_with_tracks(self, album_id: str) -> tuple[JSON, list[JSON]] | None:
        """A full album (without paging) and its simplified tracks in disc order."""
        album = self.albums.get(album_id)
        if album is None:
            return None
        tracks = [self.tracks[t] for t in self.album_tracks.get(album_id, {})]
        tracks.sort(key=lambda t: (t.get("disc_number", 1), t.get("track_number", 0)))
        return album, [simplified_track(t) for t in tracks]

    def lookup_uri(self, uri: str) -> JSON | None:
        """The track or episode a `spotify:track:`/`spotify:episode:` URI names."""
        kind, _, item_id = uri.removeprefix("spotify:").partition(":")
        if kind == "track":
            return self.tracks.get(item_id)
        if kind == "episode":
            return self.episodes.get(item_id)
        return None
