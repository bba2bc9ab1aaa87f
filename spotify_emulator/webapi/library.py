"""Saved tracks and albums, followed artists, and `PUT|DELETE /me/library`."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from spotify_emulator.catalog import Catalog
from spotify_emulator.errors import ApiError
from spotify_emulator.paging import limit_param, offset_page, page_url
from spotify_emulator.state import EmulatorState, UserRecord
from spotify_emulator.webapi.auth import current_user, emulator_state
from spotify_emulator.webapi.render import full_album, iso_now, respond

MAX_LIBRARY_URIS = 40
_OTHER_KINDS = ("episode", "show", "audiobook", "user")


async def saved_tracks(request: Request) -> Response:
    user = current_user(request, "user-library-read")
    return respond(request, offset_page(request, user.saved_tracks))


async def saved_albums(request: Request) -> Response:
    user = current_user(request, "user-library-read")
    return respond(request, offset_page(request, user.saved_albums))


async def followed_artists(request: Request) -> Response:
    """Cursor paging wrapped in `"artists"`; `after` is the last artist id seen."""
    user = current_user(request, "user-follow-read")
    kind = request.query_params.get("type")
    if kind is None:
        raise ApiError(400, "Missing parameter type")
    if kind != "artist":
        raise ApiError(400, "Only valid type is artist")
    limit = limit_param(request)
    after = request.query_params.get("after")
    ordered = sorted(user.followed_artists)
    remaining = [a for a in ordered if after is None or a > after]
    page_ids = remaining[:limit]
    last = page_ids[-1] if page_ids else None
    has_more = len(remaining) > limit
    body = {
        "href": page_url(request, limit=limit),
        "items": [user.followed_artists[a] for a in page_ids],
        "limit": limit,
        "next": page_url(request, limit=limit, after=last) if has_more else None,
        "cursors": {"after": last if has_more else None},
        "total": len(ordered),
    }
    return respond(request, {"artists": body})


def _parse_uris(request: Request) -> list[tuple[str, str, str]]:
    raw = request.query_params.get("uris")
    if not raw:
        raise ApiError(400, "Missing required parameter: uris")
    uris = [u.strip() for u in raw.split(",") if u.strip()]
    if len(uris) > MAX_LIBRARY_URIS:
        raise ApiError(400, f"Too many ids requested. Maximum: {MAX_LIBRARY_URIS}")
    parsed = []
    for uri in uris:
        parts = uri.split(":")
        if len(parts) != 3 or parts[0] != "spotify" or not parts[2]:
            raise ApiError(400, f"Invalid uri: {uri}")
        parsed.append((uri, parts[1], parts[2]))
    return parsed


def _exists(catalog: Catalog, kind: str, item_id: str) -> bool:
    indexes: dict[str, Mapping[str, object]] = {
        "track": catalog.tracks,
        "album": catalog.albums,
        "artist": catalog.artists,
        "playlist": catalog.playlists,
    }
    index = indexes.get(kind)
    return index is None or item_id in index


def _save(
    request: Request, state: EmulatorState, user: UserRecord, kind: str, item_id: str
) -> None:
    catalog = state.catalog
    if kind == "track":
        if not any(s["track"].get("id") == item_id for s in user.saved_tracks):
            track = catalog.tracks[item_id]
            user.saved_tracks.insert(0, {"added_at": iso_now(), "track": track})
    elif kind == "album":
        if not any(s["album"].get("id") == item_id for s in user.saved_albums):
            album = full_album(request, catalog, item_id)
            user.saved_albums.insert(0, {"added_at": iso_now(), "album": album})
    elif kind == "artist":
        user.followed_artists[item_id] = catalog.artists[item_id]
    elif kind == "playlist":
        if item_id not in user.playlist_ids:
            user.playlist_ids.insert(0, item_id)
    else:
        # No listing exists for these in the emulator; remember them for completeness.
        user.other_saved.add(f"spotify:{kind}:{item_id}")


def _remove(user: UserRecord, kind: str, item_id: str) -> None:
    if kind == "track":
        user.saved_tracks = [s for s in user.saved_tracks if s["track"].get("id") != item_id]
    elif kind == "album":
        user.saved_albums = [s for s in user.saved_albums if s["album"].get("id") != item_id]
    elif kind == "artist":
        user.followed_artists.pop(item_id, None)
    elif kind == "playlist":
        if item_id in user.playlist_ids:
            user.playlist_ids.remove(item_id)
    else:
        user.other_saved.discard(f"spotify:{kind}:{item_id}")


_SCOPES = {
    "track": "user-library-modify",
    "album": "user-library-modify",
    "artist": "user-follow-modify",
    "playlist": "playlist-modify-public",
}


async def change_library(request: Request) -> Response:
    """Save (PUT) or remove (DELETE) tracks, albums, artists (follow) and playlists."""
    user = current_user(request)
    state = emulator_state(request)
    parsed = _parse_uris(request)
    # Check everything first so that a bad URI changes nothing.
    for uri, kind, item_id in parsed:
        if kind not in _SCOPES and kind not in _OTHER_KINDS:
            raise ApiError(400, f"Unsupported URI type: {uri}")
        if kind in _SCOPES:
            current_user(request, _SCOPES[kind])
        if not _exists(state.catalog, kind, item_id):
            raise ApiError(404, f"Non existing id: {uri}")
    for _, kind, item_id in parsed:
        if request.method == "PUT":
            _save(request, state, user, kind, item_id)
        else:
            _remove(user, kind, item_id)
    return Response(status_code=200)


routes = [
    Route("/v1/me/tracks", saved_tracks, methods=["GET"]),
    Route("/v1/me/albums", saved_albums, methods=["GET"]),
    Route("/v1/me/following", followed_artists, methods=["GET"]),
    Route("/v1/me/library", change_library, methods=["PUT", "DELETE"]),
]
