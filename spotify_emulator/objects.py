"""Conversions between the full and simplified forms of Spotify objects.

Fixtures hold objects as the Web API returns them, so one entity appears in several
forms (a track's album is a simplified album; a followed artist is a full artist). These
helpers derive one form from another without mutating the input, because fixture dicts
are shared between indexes.
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

_SIMPLE_ALBUM_KEYS = (
    "album_type",
    "total_tracks",
    "available_markets",
    "external_urls",
    "href",
    "id",
    "images",
    "name",
    "release_date",
    "release_date_precision",
    "restrictions",
    "type",
    "uri",
    "artists",
)
_SIMPLE_ARTIST_KEYS = ("external_urls", "href", "id", "name", "type", "uri")
_TRACK_ONLY_KEYS = ("album", "external_ids", "popularity")
_PLAYLIST_PAGING_KEYS = ("items", "tracks", "followers")


def is_full_artist(artist: JSON) -> bool:
    """Whether `artist` is a full artist object rather than a simplified one."""
    return "followers" in artist or "genres" in artist or "popularity" in artist


def full_artist(artist: JSON) -> JSON:
    """A full artist object, padding a simplified one with neutral values."""
    if is_full_artist(artist):
        return artist
    return {
        **artist,
        "followers": {"href": None, "total": 0},
        "genres": [],
        "images": [],
        "popularity": 0,
    }


def simplified_artist(artist: JSON) -> JSON:
    """The simplified form used inside tracks and albums."""
    return {key: artist[key] for key in _SIMPLE_ARTIST_KEYS if key in artist}


def simplified_album(album: JSON) -> JSON:
    """The simplified album found in a track's `album` field."""
    return {key: album[key] for key in _SIMPLE_ALBUM_KEYS if key in album}


def full_album_without_tracks(album: JSON) -> JSON:
    """A full album object minus `tracks`, which the catalog derives when serving."""
    full = {key: value for key, value in album.items() if key not in ("tracks", "album_group")}
    full.setdefault("copyrights", [])
    full.setdefault("external_ids", {})
    full.setdefault("genres", [])
    full.setdefault("label", "")
    full.setdefault("popularity", 0)
    return full


def simplified_track(track: JSON) -> JSON:
    """A track without album and the fields only full tracks carry."""
    return {key: value for key, value in track.items() if key not in _TRACK_ONLY_KEYS}


def full_track(track: JSON, album: JSON) -> JSON:
    """A full track from a simplified one (from an album's track list) and its album."""
    if "album" in track:
        return track
    return {
        **track,
        "album": simplified_album(album),
        "external_ids": track.get("external_ids", {}),
        "popularity": track.get("popularity", 0),
    }


def playlist_base(playlist: JSON) -> JSON:
    """A playlist object without its embedded item paging (kept separately)."""
    return {key: value for key, value in playlist.items() if key not in _PLAYLIST_PAGING_KEYS}


def playlist_user(profile: JSON) -> JSON:
    """The `added_by` form of a user (PlaylistUserObject)."""
    return {key: profile[key] for key in ("external_urls", "href", "id", "type", "uri")}


def playlist_owner(profile: JSON) -> JSON:
    """The `owner` form of a user (PlaylistOwnerObject)."""
    return {**playlist_user(profile), "display_name": profile.get("display_name")}


def playlist_content(content: Any) -> Any:
    """A playlist item's track or episode with the `episode`/`track` flags Spotify adds.

    Beyond the OpenAPI file, but strict clients (tekore's models) require them.
    """
    if not isinstance(content, dict) or content.get("type") not in ("track", "episode"):
        return content
    is_episode = content.get("type") == "episode"
    return {**content, "episode": is_episode, "track": not is_episode}


def normalize_playlist_item(item: JSON) -> JSON:
    """A playlist item as Spotify sends it: `item` with its legacy alias `track`, the
    content's `episode`/`track` flags, and `primary_color`/`video_thumbnail` (both
    outside the OpenAPI file, required by strict clients such as tekore)."""
    content = playlist_content(item.get("item", item.get("track")))
    return {
        "primary_color": None,
        "video_thumbnail": {"url": None},
        **item,
        "item": content,
        "track": content,
    }
