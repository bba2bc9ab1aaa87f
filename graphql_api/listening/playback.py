"""A user's playback state as Mixtape keeps it, parsed from Spotify's ``/me/player``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]


@dataclass(frozen=True)
class PlayingItem:
    """The compact description of what plays, enough for a client to show it."""

    uri: str
    kind: str
    name: str
    duration_ms: int
    spotify_id: str | None = None
    artist_names: tuple[str, ...] = ()
    album_name: str | None = None
    image_url: str | None = None
    is_local: bool = False
    explicit: bool = False

    def as_json(self) -> Json:
        return {
            "uri": self.uri,
            "kind": self.kind,
            "name": self.name,
            "durationMs": self.duration_ms,
            "spotifyId": self.spotify_id,
            "artistNames": list(self.artist_names),
            "albumName": self.album_name,
            "imageUrl": self.image_url,
            "isLocal": self.is_local,
            "explicit": self.explicit,
        }

    @classmethod
    def from_json(cls, data: Json) -> PlayingItem:
        return cls(
            uri=str(data["uri"]),
            kind=str(data.get("kind") or "track"),
            name=str(data.get("name") or ""),
            duration_ms=int(data.get("durationMs") or 0),
            spotify_id=data.get("spotifyId"),
            artist_names=tuple(data.get("artistNames") or ()),
            album_name=data.get("albumName"),
            image_url=data.get("imageUrl"),
            is_local=bool(data.get("isLocal")),
            explicit=bool(data.get("explicit")),
        )


@dataclass(frozen=True)
class Playback:
    """What a user plays at ``observed_at``: progress was ``progress_ms`` at that instant.

    ``item`` is None when nothing plays (Spotify's 204, an ad, or removed content).
    """

    observed_at: dt.datetime
    item: PlayingItem | None = None
    is_playing: bool = False
    progress_ms: int = 0
    context_uri: str | None = None
    device_name: str | None = None
    extra: Json = field(default_factory=dict, compare=False)

    @property
    def active(self) -> bool:
        """Whether something is actually playing now."""
        return self.item is not None and self.is_playing

    def remaining_ms(self) -> int | None:
        """Milliseconds left in the item, when something plays."""
        if self.item is None or not self.item.duration_ms:
            return None
        return max(0, self.item.duration_ms - self.progress_ms)


def parse_item(item: Json | None) -> PlayingItem | None:
    """The compact item of a Spotify track or episode object (None for nothing usable)."""
    if not item or not item.get("uri"):
        return None
    kind = str(item.get("type") or "track")
    album = item.get("album") if kind == "track" else item.get("show")
    images = (album or {}).get("images") or item.get("images") or []
    artists = item.get("artists") or []
    if kind == "episode" and album and album.get("name"):
        artists = [{"name": album.get("publisher") or album["name"]}]
    return PlayingItem(
        uri=str(item["uri"]),
        kind=kind,
        name=str(item.get("name") or ""),
        duration_ms=int(item.get("duration_ms") or 0),
        spotify_id=item.get("id"),
        artist_names=tuple(str(a.get("name")) for a in artists if a and a.get("name")),
        album_name=(album or {}).get("name"),
        image_url=images[0].get("url") if images else None,
        is_local=bool(item.get("is_local")),
        explicit=bool(item.get("explicit")),
    )


def parse_currently_playing(body: Json | None, observed_at: dt.datetime) -> Playback:
    """A :class:`Playback` from a ``/me/player`` (or currently-playing) body (None =
    Spotify's 204).

    Progress is taken as of ``observed_at`` (when Mixtape got the answer): Spotify's
    own ``timestamp`` is when the state last changed, not when progress was read. A
    private session is nothing playing, as currently-playing answers it.
    """
    device = (body or {}).get("device") or {}
    if body is None or device.get("is_private_session"):
        return Playback(observed_at=observed_at)
    item = parse_item(body.get("item"))
    context = body.get("context") or {}
    return Playback(
        observed_at=observed_at,
        item=item,
        is_playing=bool(body.get("is_playing")) and item is not None,
        progress_ms=int(body.get("progress_ms") or 0) if item is not None else 0,
        context_uri=context.get("uri"),
        device_name=device.get("name"),
    )
