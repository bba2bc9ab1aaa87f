"""Playlists: listing, reading, creating and adding items."""

from __future__ import annotations

from typing import Any, TypeGuard

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from spotify_emulator.catalog import PlaylistRecord
from spotify_emulator.errors import ApiError
from spotify_emulator.objects import (
    JSON,
    normalize_playlist_item,
    playlist_owner,
    playlist_user,
)
from spotify_emulator.paging import offset_page
from spotify_emulator.state import UserRecord
from spotify_emulator.webapi.auth import current_user, emulator_state
from spotify_emulator.webapi.body import json_body
from spotify_emulator.webapi.render import (
    api_base,
    can_read_items,
    full_playlist,
    iso_now,
    respond,
    simplified_playlist,
)

MAX_ADD_URIS = 100
_MODIFY_SCOPES = ("playlist-modify-public", "playlist-modify-private")


def _playlist(request: Request) -> PlaylistRecord:
    record = emulator_state(request).catalog.playlists.get(request.path_params["playlist_id"])
    if record is None:
        raise ApiError(404, "Resource not found")
    return record


async def my_playlists(request: Request) -> Response:
    """Owned and followed playlists, in the user's order."""
    user = current_user(request)
    catalog = emulator_state(request).catalog
    records = [catalog.playlists[p] for p in user.playlist_ids if p in catalog.playlists]
    page = offset_page(request, records)
    page["items"] = [simplified_playlist(request, r) for r in page["items"]]
    return respond(request, page)


async def create_playlist(request: Request) -> Response:
    """`POST /me/playlists`: a new empty playlist owned by the user, answered 201."""
    user = current_user(request, *_MODIFY_SCOPES)
    body = await json_body(request)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise ApiError(400, "Missing required field: name")
    public = body.get("public", True)
    collaborative = body.get("collaborative", False)
    description = body.get("description")
    if not isinstance(public, bool) or not isinstance(collaborative, bool):
        raise ApiError(400, "Invalid boolean value")
    if collaborative and public:
        raise ApiError(400, "Collaborative playlists can't be public")
    state = emulator_state(request)
    playlist_id = state.new_id()
    base = api_base(request)
    playlist: JSON = {
        "collaborative": collaborative,
        "description": description if isinstance(description, str) else None,
        "external_urls": {"spotify": f"https://open.spotify.com/playlist/{playlist_id}"},
        "href": f"{base}/playlists/{playlist_id}",
        "id": playlist_id,
        "images": [],
        "name": name,
        "owner": playlist_owner(user.profile),
        "primary_color": None,
        "public": public,
        "type": "playlist",
        "uri": f"spotify:playlist:{playlist_id}",
    }
    record = state.catalog.add_playlist(playlist, [])
    user.playlist_ids.insert(0, record.id)
    return respond(request, full_playlist(request, record, with_items=True), status_code=201)


def _may_read_items(request: Request, user: UserRecord, record: PlaylistRecord) -> bool:
    return not emulator_state(request).config.dev_mode or can_read_items(user, record)


async def get_playlist(request: Request) -> Response:
    """A full playlist; in dev mode items only for owners and collaborators."""
    user = current_user(request)
    record = _playlist(request)
    with_items = _may_read_items(request, user, record)
    return respond(request, full_playlist(request, record, with_items=with_items))


async def playlist_items(request: Request) -> Response:
    """Offset-paged playlist items (local files, episodes and null items included)."""
    user = current_user(request)
    record = _playlist(request)
    if not _may_read_items(request, user, record):
        raise ApiError(403, "Forbidden")
    return respond(request, offset_page(request, record.items))


def _uris_to_add(request: Request, body: dict[str, Any]) -> list[str]:
    query = request.query_params.get("uris")
    if query is not None:  # the query string wins over the body, as documented
        return [u.strip() for u in query.split(",") if u.strip()]
    uris = body.get("uris")
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        raise ApiError(400, "No uris provided")
    return list(uris)


def _position(request: Request, body: dict[str, Any], length: int) -> int:
    raw: Any = request.query_params.get("position", body.get("position"))
    if raw is None:
        return length
    try:
        position = int(raw)
    except (TypeError, ValueError):
        raise ApiError(400, "Invalid position") from None
    if not 0 <= position <= length:
        raise ApiError(400, "Index out of bounds")
    return position


def _editable(request: Request) -> tuple[UserRecord, PlaylistRecord]:
    user = current_user(request, *_MODIFY_SCOPES)
    record = _playlist(request)
    if record.owner_id != user.id and not record.collaborative:
        raise ApiError(403, "Forbidden")
    return user, record


def _new_items(request: Request, user: UserRecord, uris: list[str]) -> list[JSON]:
    """Playlist items for ``uris``; 400 (and nothing changed) when one is unknown."""
    if len(uris) > MAX_ADD_URIS:
        raise ApiError(400, f"Too many ids requested. Maximum: {MAX_ADD_URIS}")
    catalog = emulator_state(request).catalog
    new_items = []
    for uri in uris:
        content = catalog.lookup_uri(uri)
        if content is None:
            raise ApiError(400, f"Invalid base62 id or unknown uri: {uri}")
        new_items.append(
            normalize_playlist_item(
                {
                    "added_at": iso_now(),
                    "added_by": playlist_user(user.profile),
                    "is_local": False,
                    "item": content,
                }
            )
        )
    return new_items


async def add_items(request: Request) -> Response:
    """Add tracks or episodes by URI; the playlist gets a new `snapshot_id` (201)."""
    user, record = _editable(request)
    body = await json_body(request)
    uris = _uris_to_add(request, body)
    if not uris:
        raise ApiError(400, "No uris provided")
    position = _position(request, body, len(record.items))
    new_items = _new_items(request, user, uris)
    record.items[position:position] = new_items
    record.touch()
    return respond(request, {"snapshot_id": record.snapshot_id}, status_code=201)


def _integer(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _reorder(body: dict[str, Any], items: list[JSON]) -> list[JSON]:
    start, before = body.get("range_start"), body.get("insert_before")
    length = body.get("range_length", 1)
    if not (_integer(start) and _integer(before) and _integer(length)):
        raise ApiError(400, "range_start and insert_before must be integers")
    if not (0 <= start < len(items) and 0 <= before <= len(items) and length >= 1):
        raise ApiError(400, "Index out of bounds")
    moved = items[start : start + length]
    rest = items[:start] + items[start + length :]
    at = before if before <= start else before - len(moved)
    return rest[:at] + moved + rest[at:]


async def update_items(request: Request) -> Response:
    """`PUT /playlists/{id}/items`: replace the items (`uris`, at most 100; none clears the
    playlist) or reorder a range of them (`range_start`, `insert_before`, `range_length`)."""
    user, record = _editable(request)
    body = await json_body(request)
    query = request.query_params.get("uris")
    if query is not None or "uris" in body:
        uris = _uris_to_add(request, body) if query or body.get("uris") else []
        if "range_start" in body:
            raise ApiError(400, "Replace and reorder can't be applied together")
        record.items = _new_items(request, user, uris)
    elif "range_start" in body:
        record.items = _reorder(body, record.items)
    else:
        raise ApiError(400, "No uris or range_start provided")
    record.touch()
    return respond(request, {"snapshot_id": record.snapshot_id})


async def remove_items(request: Request) -> Response:
    """`DELETE /playlists/{id}/items`: remove every occurrence of each URI in `items`
    (at most 100 objects); the playlist gets a new `snapshot_id`."""
    _user, record = _editable(request)
    body = await json_body(request)
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise ApiError(400, "Missing required field: items")
    if len(items) > MAX_ADD_URIS:
        raise ApiError(400, f"Too many ids requested. Maximum: {MAX_ADD_URIS}")
    uris = set()
    for item in items:
        uri = item.get("uri") if isinstance(item, dict) else None
        if not isinstance(uri, str) or not uri.startswith("spotify:"):
            raise ApiError(400, "Invalid track uri")
        uris.add(uri)
    record.items = [i for i in record.items if ((i.get("item") or {}).get("uri")) not in uris]
    record.touch()
    return respond(request, {"snapshot_id": record.snapshot_id})


routes = [
    Route("/v1/me/playlists", my_playlists, methods=["GET"]),
    Route("/v1/me/playlists", create_playlist, methods=["POST"]),
    Route("/v1/playlists/{playlist_id}", get_playlist, methods=["GET"]),
    Route("/v1/playlists/{playlist_id}/items", playlist_items, methods=["GET"]),
    Route("/v1/playlists/{playlist_id}/items", add_items, methods=["POST"]),
    Route("/v1/playlists/{playlist_id}/items", update_items, methods=["PUT"]),
    Route("/v1/playlists/{playlist_id}/items", remove_items, methods=["DELETE"]),
    # The pre-2026 name, still answered the same way for older clients.
    Route("/v1/playlists/{playlist_id}/tracks", playlist_items, methods=["GET"]),
]
