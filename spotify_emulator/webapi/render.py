"""Building response objects from the catalog (shared by several route modules)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from spotify_emulator.catalog import Catalog, PlaylistRecord
from spotify_emulator.objects import JSON
from spotify_emulator.paging import embedded_page
from spotify_emulator.state import UserRecord

SPOTIFY_API = "https://api.spotify.com/v1"
# Spotify embeds this many items in a full playlist and tracks in a full album.
PLAYLIST_EMBED_LIMIT = 100
ALBUM_EMBED_LIMIT = 50


def api_base(request: Request) -> str:
    """This emulator's Web API base URL, so that `next` and `href` links lead back here."""
    return str(request.base_url).rstrip("/") + "/v1"


def respond(request: Request, data: Any, status_code: int = 200) -> Response:
    """A JSON response whose Spotify links lead to this emulator.

    Fixtures hold objects with `https://api.spotify.com/v1/...` hrefs, as Spotify sends
    them; clients that follow an `href` must reach the emulator instead.
    """
    body = orjson.dumps(data).replace(SPOTIFY_API.encode(), api_base(request).encode())
    return Response(body, status_code=status_code, media_type="application/json")


def iso_now() -> str:
    """A timestamp in Spotify's `added_at` form."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def full_album(request: Request, catalog: Catalog, album_id: str) -> JSON | None:
    """A full album object with its first page of simplified tracks."""
    found = catalog.album_with_tracks(album_id)
    if found is None:
        return None
    album, tracks = found
    href = f"{api_base(request)}/albums/{album_id}/tracks"
    return {**album, "tracks": embedded_page(href, tracks, ALBUM_EMBED_LIMIT)}


def can_read_items(user: UserRecord, record: PlaylistRecord) -> bool:
    """Owners and collaborators may read a playlist's items (enforced in dev mode).

    A collaborative playlist in the user's list counts as one they collaborate on: Spotify
    lists collaborative playlists for their collaborators.
    """
    if record.owner_id == user.id:
        return True
    return record.collaborative and record.id in user.playlist_ids


def simplified_playlist(request: Request, record: PlaylistRecord) -> JSON:
    """The `/me/playlists` form: an `items` reference (href + total) instead of items."""
    ref = {"href": f"{api_base(request)}/playlists/{record.id}/items", "total": len(record.items)}
    return {**record.playlist, "snapshot_id": record.snapshot_id, "items": ref, "tracks": ref}


def full_playlist(request: Request, record: PlaylistRecord, *, with_items: bool) -> JSON:
    """The `GET /playlists/{id}` form, embedding the first page of items when allowed."""
    playlist: JSON = {
        "followers": {"href": None, "total": 0},
        **record.playlist,
        "snapshot_id": record.snapshot_id,
    }
    if with_items:
        href = f"{api_base(request)}/playlists/{record.id}/items"
        page = embedded_page(href, record.items, PLAYLIST_EMBED_LIMIT)
        playlist["items"] = page
        playlist["tracks"] = page
    return playlist
