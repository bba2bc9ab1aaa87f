"""Tolerant, typed parsing of Spotify's objects.

Spotify's data has holes: playlist items whose content was removed (``item: null``),
local files (``is_local``, ``id: null``, ``spotify:local:`` URIs), podcast episodes where
tracks are expected, year-only release dates, empty image lists, and the Feb 2026 rename
of a playlist item's ``track`` to ``item``. Every ``parse_*`` function returns ``None``
for something it cannot use instead of raising, and the ``parse_many`` helper counts what
it skipped, so one odd object never crashes an import.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def _str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) and value else None


def _int(obj: dict[str, Any], key: str) -> int | None:
    value = obj.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _image(obj: dict[str, Any]) -> str | None:
    """The largest image's URL (Spotify lists them largest first), if any."""
    images = obj.get("images")
    if isinstance(images, list):
        for image in images:
            if isinstance(image, dict) and isinstance(image.get("url"), str):
                return str(image["url"])
    return None


def parse_time(value: Any) -> dt.datetime | None:
    """An ISO timestamp (``2026-03-01T04:07:00Z``) as an aware UTC datetime."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


@dataclass(frozen=True)
class Artist:
    id: str | None
    name: str
    uri: str | None = None
    genres: tuple[str, ...] = ()
    popularity: int | None = None
    image_url: str | None = None


@dataclass(frozen=True)
class Album:
    id: str | None
    name: str
    uri: str | None = None
    album_type: str | None = None
    release_date: str | None = None
    release_date_precision: str | None = None
    total_tracks: int | None = None
    label: str | None = None
    image_url: str | None = None
    artists: tuple[Artist, ...] = ()
    genres: tuple[str, ...] = ()


@dataclass(frozen=True)
class Playable:
    """A track, an episode, or a local file: what Mixtape stores as a song."""

    uri: str
    id: str | None
    kind: str  # "track" | "episode" | "local"
    name: str
    duration_ms: int = 0
    explicit: bool = False
    is_local: bool = False
    isrc: str | None = None
    disc_number: int | None = None
    track_number: int | None = None
    popularity: int | None = None
    preview_url: str | None = None
    album: Album | None = None
    artists: tuple[Artist, ...] = ()


@dataclass(frozen=True)
class Saved(Generic[T]):
    """An entry of the user's library with the time it was saved."""

    added_at: dt.datetime | None
    item: T


@dataclass(frozen=True)
class Playlist:
    id: str
    name: str
    snapshot_id: str | None
    owner_id: str | None
    owner_name: str | None = None
    description: str | None = None
    public: bool | None = None
    collaborative: bool = False
    items_total: int | None = None
    image_url: str | None = None
    uri: str | None = None


@dataclass(frozen=True)
class PlaylistEntry:
    """A playlist position; ``item`` is None when Spotify removed the content."""

    added_at: dt.datetime | None
    added_by: str | None
    item: Playable | None


@dataclass(frozen=True)
class PlayerState:
    is_playing: bool
    progress_ms: int | None
    item_type: str  # track | episode | ad | unknown
    item: Playable | None
    context_uri: str | None = None
    device_name: str | None = None
    timestamp_ms: int | None = None


@dataclass(frozen=True)
class Play:
    played_at: dt.datetime
    item: Playable
    context_uri: str | None = None


@dataclass
class Parsed(Generic[T]):
    """Parsed objects and how many raw entries could not be used."""

    items: list[T] = field(default_factory=list)
    skipped: int = 0


def parse_many(raw: Iterable[Any], parse: Callable[[Any], T | None]) -> Parsed[T]:
    """Parse each raw entry, keeping the usable ones in order and counting the rest."""
    result: Parsed[T] = Parsed()
    for entry in raw:
        parsed = parse(entry)
        if parsed is None:
            result.skipped += 1
        else:
            result.items.append(parsed)
    return result


def parse_artist(raw: Any) -> Artist | None:
    obj = _dict(raw)
    name = _str(obj, "name") if obj else None
    if obj is None or name is None:
        return None
    genres = obj.get("genres")
    return Artist(
        id=_str(obj, "id"),
        name=name,
        uri=_str(obj, "uri"),
        genres=tuple(g for g in genres if isinstance(g, str)) if isinstance(genres, list) else (),
        popularity=_int(obj, "popularity"),
        image_url=_image(obj),
    )


def _artists(obj: dict[str, Any]) -> tuple[Artist, ...]:
    raw = obj.get("artists")
    if not isinstance(raw, list):
        return ()
    return tuple(a for a in map(parse_artist, raw) if a is not None)


def parse_album(raw: Any) -> Album | None:
    obj = _dict(raw)
    name = _str(obj, "name") if obj else None
    if obj is None or name is None:
        return None
    precision = _str(obj, "release_date_precision")
    genres = obj.get("genres")
    return Album(
        id=_str(obj, "id"),
        name=name,
        uri=_str(obj, "uri"),
        album_type=_str(obj, "album_type"),
        release_date=_str(obj, "release_date"),
        release_date_precision=precision if precision in ("year", "month", "day") else None,
        total_tracks=_int(obj, "total_tracks"),
        label=_str(obj, "label"),
        image_url=_image(obj),
        artists=_artists(obj),
        genres=tuple(g for g in genres if isinstance(g, str)) if isinstance(genres, list) else (),
    )


def parse_playable(raw: Any) -> Playable | None:
    """A track, episode or local file; None for null, ads and unknown shapes."""
    obj = _dict(raw)
    if obj is None:
        return None
    uri, name = _str(obj, "uri"), _str(obj, "name")
    kind = obj.get("type")
    is_local = obj.get("is_local") is True or (uri or "").startswith("spotify:local:")
    if uri is None or name is None or (kind not in ("track", "episode") and not is_local):
        return None
    album = parse_album(obj.get("album") if kind == "track" else obj.get("show"))
    duration = _int(obj, "duration_ms")
    return Playable(
        uri=uri,
        id=None if is_local else _str(obj, "id"),
        kind="local" if is_local else str(kind),
        name=name,
        duration_ms=max(duration or 0, 0),
        explicit=obj.get("explicit") is True,
        is_local=is_local,
        isrc=_str(_dict(obj.get("external_ids")) or {}, "isrc"),
        disc_number=_int(obj, "disc_number"),
        track_number=_int(obj, "track_number"),
        popularity=_int(obj, "popularity"),
        preview_url=_str(obj, "preview_url"),
        album=album if kind == "track" else None,
        artists=_artists(obj),
    )


def parse_saved_track(raw: Any) -> Saved[Playable] | None:
    """An entry of ``/me/tracks``."""
    obj = _dict(raw)
    item = parse_playable(obj.get("track")) if obj else None
    if obj is None or item is None:
        return None
    return Saved(parse_time(obj.get("added_at")), item)


def parse_saved_album(raw: Any) -> Saved[Album] | None:
    """An entry of ``/me/albums``."""
    obj = _dict(raw)
    album = parse_album(obj.get("album")) if obj else None
    if obj is None or album is None:
        return None
    return Saved(parse_time(obj.get("added_at")), album)


def parse_playlist(raw: Any) -> Playlist | None:
    obj = _dict(raw)
    if obj is None or _str(obj, "id") is None:
        return None
    owner = _dict(obj.get("owner")) or {}
    # "items" since Feb 2026, "tracks" before; both are {"href", "total"}.
    items = _dict(obj.get("items")) or _dict(obj.get("tracks")) or {}
    public = obj.get("public")
    return Playlist(
        id=str(obj["id"]),
        name=_str(obj, "name") or "",
        snapshot_id=_str(obj, "snapshot_id"),
        owner_id=_str(owner, "id"),
        owner_name=_str(owner, "display_name"),
        description=_str(obj, "description"),
        public=public if isinstance(public, bool) else None,
        collaborative=obj.get("collaborative") is True,
        items_total=_int(items, "total"),
        image_url=_image(obj),
        uri=_str(obj, "uri"),
    )


def parse_playlist_entry(raw: Any) -> PlaylistEntry | None:
    """A playlist position; kept (with ``item=None``) when its content was removed."""
    obj = _dict(raw)
    if obj is None:
        return None
    content = obj.get("item") if "item" in obj else obj.get("track")
    if content is None:
        content = obj.get("track")  # tolerate a half-migrated shape
    item = parse_playable(content)
    if item is not None and obj.get("is_local") is True and not item.is_local:
        item = dataclasses.replace(item, is_local=True, kind="local", id=None)
    added_by = _dict(obj.get("added_by")) or {}
    return PlaylistEntry(parse_time(obj.get("added_at")), _str(added_by, "id"), item)


def parse_player(raw: Any) -> PlayerState | None:
    """``/me/player`` or ``/me/player/currently-playing`` (None for a 204 / no body)."""
    obj = _dict(raw)
    if obj is None:
        return None
    context = _dict(obj.get("context")) or {}
    device = _dict(obj.get("device")) or {}
    kind = _str(obj, "currently_playing_type")
    item = parse_playable(obj.get("item"))
    if kind is None:
        kind = item.kind if item is not None and item.kind != "local" else "unknown"
    return PlayerState(
        is_playing=obj.get("is_playing") is True,
        progress_ms=_int(obj, "progress_ms"),
        item_type=kind,
        item=item,
        context_uri=_str(context, "uri"),
        device_name=_str(device, "name"),
        timestamp_ms=_int(obj, "timestamp"),
    )


def parse_play(raw: Any) -> Play | None:
    """An entry of ``/me/player/recently-played``."""
    obj = _dict(raw)
    if obj is None:
        return None
    played_at = parse_time(obj.get("played_at"))
    item = parse_playable(obj.get("track"))
    if played_at is None or item is None:
        return None
    context = _dict(obj.get("context")) or {}
    return Play(played_at, item, _str(context, "uri"))
