"""Catalog look-ups: new releases, artists, albums and tracks by id.

A user's token and an app token (client-credentials grant) may both make them.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from spotify_emulator.catalog import Catalog
from spotify_emulator.errors import ApiError
from spotify_emulator.objects import JSON, simplified_album
from spotify_emulator.paging import offset_page
from spotify_emulator.webapi.auth import app_or_user, emulator_state
from spotify_emulator.webapi.render import full_album, respond

ARTIST_ALBUMS_MAX_LIMIT = 10
ARTIST_ALBUMS_DEFAULT_LIMIT = 5
SEVERAL_ARTISTS_MAX = 50
_GROUPS = ("album", "single", "compilation", "appears_on")


async def new_releases(request: Request) -> Response:
    """Deprecated: a development-mode app gets 403. `country` (an ISO 3166-1 alpha-2
    code, as Spotify took before the parameter left the OpenAPI file) keeps the albums
    available there."""
    app_or_user(request)
    state = emulator_state(request)
    if state.config.dev_mode:
        raise ApiError(403, "Forbidden")
    albums = state.catalog.new_releases
    country = request.query_params.get("country")
    if country is not None:
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            raise ApiError(400, "Invalid country code")
        albums = [a for a in albums if _available_in(a, country.upper())]
    return respond(request, {"albums": offset_page(request, albums)})


def _available_in(album: JSON, country: str) -> bool:
    markets = album.get("available_markets")
    return not markets or country in markets


def _by_id(index: Mapping[str, JSON], request: Request) -> JSON:
    """The object the path's `id` names, or Spotify's 404."""
    found = index.get(request.path_params["id"])
    if found is None:
        raise ApiError(404, "Resource not found")
    return found


async def get_artist(request: Request) -> Response:
    """`GET /artists/{id}`."""
    app_or_user(request)
    return respond(request, _by_id(emulator_state(request).catalog.artists, request))


async def several_artists(request: Request) -> Response:
    """`GET /artists?ids=`: up to 50 artists, `null` for unknown ids; gone (403) for
    development-mode apps."""
    app_or_user(request)
    state = emulator_state(request)
    if state.config.dev_mode:
        raise ApiError(403, "Forbidden")
    ids = [i.strip() for i in request.query_params.get("ids", "").split(",") if i.strip()]
    if not ids:
        raise ApiError(400, "No ids provided")
    if len(ids) > SEVERAL_ARTISTS_MAX:
        raise ApiError(400, "Too many ids requested")
    return respond(request, {"artists": [state.catalog.artists.get(i) for i in ids]})


def _discography(catalog: Catalog, artist_id: str) -> list[JSON]:
    """The artist's albums with `album_group`: own releases by type, others as appears_on."""
    releases = []
    for album_id, album in catalog.albums.items():
        if any(a.get("id") == artist_id for a in album.get("artists") or []):
            group = album.get("album_type", "album")
        elif any(
            a.get("id") == artist_id
            for t in catalog.album_tracks.get(album_id, {})
            for a in catalog.tracks[t].get("artists") or []
        ):
            group = "appears_on"
        else:
            continue
        releases.append({**simplified_album(album), "album_group": group})
    # By group, newest first within each (as Spotify lists a discography).
    releases.sort(key=lambda a: a.get("release_date") or "", reverse=True)
    releases.sort(key=lambda a: _GROUPS.index(a["album_group"]))
    return releases


async def artist_albums(request: Request) -> Response:
    """Offset-paged releases, filtered by `include_groups`; `limit` is at most 10."""
    app_or_user(request)
    catalog = emulator_state(request).catalog
    artist_id = request.path_params["id"]
    if artist_id not in catalog.artists:
        raise ApiError(404, "Resource not found")
    groups_param = request.query_params.get("include_groups")
    groups = set(_GROUPS)
    if groups_param:
        groups = {g.strip() for g in groups_param.split(",") if g.strip()}
        if not groups <= set(_GROUPS):
            raise ApiError(400, "Invalid include_groups")
    releases = [a for a in _discography(catalog, artist_id) if a["album_group"] in groups]
    page = offset_page(
        request,
        releases,
        default_limit=ARTIST_ALBUMS_DEFAULT_LIMIT,
        max_limit=ARTIST_ALBUMS_MAX_LIMIT,
    )
    return respond(request, page)


async def get_album(request: Request) -> Response:
    """`GET /albums/{id}` with its first page of tracks."""
    app_or_user(request)
    album = full_album(request, emulator_state(request).catalog, request.path_params["id"])
    if album is None:
        raise ApiError(404, "Resource not found")
    return respond(request, album)


async def album_tracks(request: Request) -> Response:
    """The album's simplified tracks, offset-paged (where an album's `tracks.next` leads)."""
    app_or_user(request)
    found = emulator_state(request).catalog.album_with_tracks(request.path_params["id"])
    if found is None:
        raise ApiError(404, "Resource not found")
    return respond(request, offset_page(request, found[1]))


async def get_track(request: Request) -> Response:
    """`GET /tracks/{id}`."""
    app_or_user(request)
    return respond(request, _by_id(emulator_state(request).catalog.tracks, request))


routes = [
    Route("/v1/browse/new-releases", new_releases, methods=["GET"]),
    Route("/v1/artists", several_artists, methods=["GET"]),
    Route("/v1/artists/{id}", get_artist, methods=["GET"]),
    Route("/v1/artists/{id}/albums", artist_albums, methods=["GET"]),
    Route("/v1/albums/{id}", get_album, methods=["GET"]),
    Route("/v1/albums/{id}/tracks", album_tracks, methods=["GET"]),
    Route("/v1/tracks/{id}", get_track, methods=["GET"]),
]
