"""``GET /api/artists/``: the artists behind the latest releases, as JSON, from the database.

Never calls Spotify. Answers carry an ``ETag`` (``If-None-Match`` gives 304),
``Cache-Control``, and ``X-Releases-Ingested-At`` (when the last successful ingest
finished). Bad parameters are a 400 naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from graphql_api.auth.requests import require_user
from graphql_api.errors import BadUserInput, NotFound
from graphql_api.releases.feed import feed_owner, render_feed
from graphql_api.releases.queries import (
    ArtistReleases,
    ReleaseFilter,
    ReleaseRow,
    artists_with_new_releases,
    check_release_limit,
    releases_ingested_at,
)
from graphql_api.state import app_state

DEFAULT_RELEASE_LIMIT = 20
MAX_GENRE_LENGTH = 200
CACHE_CONTROL = "private, max-age=60"
OPEN_SPOTIFY = "https://open.spotify.com"


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
        raise BadUserInput(f"{name} must be a whole number.", argument=name)
    return int(raw)


def _date(request: Request, name: str) -> dt.date | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadUserInput(f"{name} must be a date (YYYY-MM-DD).", argument=name) from None


def parse_query(request: Request) -> tuple[int, ReleaseFilter]:
    """``release_limit`` and the filter of a request; BAD_USER_INPUT naming a bad one."""
    limit = check_release_limit(_int(request, "release_limit", DEFAULT_RELEASE_LIMIT))
    genre = request.query_params.get("genre")
    if genre is not None and (not 1 <= len(genre) <= MAX_GENRE_LENGTH or "\x00" in genre):
        raise BadUserInput(f"genre must be 1 to {MAX_GENRE_LENGTH} characters.", argument="genre")
    chosen = ReleaseFilter(
        album_type=request.query_params.get("album_type"),
        since=_date(request, "since"),
        until=_date(request, "until"),
        genre=genre,
    )
    try:
        return limit, chosen.check()
    except BadUserInput as error:
        # GraphQL's argument names are camelCase; this route's are snake_case.
        if error.extensions.get("argument") == "albumType":
            message = error.message.replace("albumType", "album_type")
            raise BadUserInput(message, argument="album_type") from None
        raise


def _spotify_url(kind: str, spotify_id: str | None) -> str | None:
    return f"{OPEN_SPOTIFY}/{kind}/{spotify_id}" if spotify_id else None


def _images(url: str | None) -> list[dict[str, Any]]:
    return [{"url": url}] if url else []


def release_json(row: ReleaseRow) -> dict[str, Any]:
    """One release as the REST route shows it."""
    album = row.album
    return {
        "id": album.spotify_id,
        "name": album.name,
        "type": album.album_type,
        "release_date": album.release_date,
        "release_date_precision": album.release_date_precision,
        "total_tracks": album.total_tracks,
        "image": album.image_url,
        "spotify_url": _spotify_url("album", album.spotify_id),
        "first_seen_at": row.release.first_seen_at.isoformat(),
    }


def artist_json(found: ArtistReleases) -> dict[str, Any]:
    """One artist with their releases as the REST route shows it."""
    artist = found.artist
    return {
        "id": artist.spotify_id,
        "name": artist.name,
        "spotify_url": _spotify_url("artist", artist.spotify_id),
        "images": _images(artist.image_url),
        "genres": found.genres,
        "popularity": artist.popularity,
        "releases": [release_json(row) for row in found.releases],
    }


async def list_artists(request: Request) -> Response:
    """The artists behind the latest ``release_limit`` releases (1..100, default 20)."""
    await require_user(request)
    limit, chosen = parse_query(request)
    async with app_state(request).resources.reader() as session:
        found = await artists_with_new_releases(session, limit, chosen)
        ingested_at = await releases_ingested_at(session)
    stamp = ingested_at.isoformat() if ingested_at is not None else None
    body = orjson.dumps({"artists": [artist_json(a) for a in found], "releases_ingested_at": stamp})
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"etag": etag, "cache-control": CACHE_CONTROL}
    if stamp is not None:
        headers["x-releases-ingested-at"] = stamp
    if etag in _etags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _etags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


async def release_feed(request: Request) -> Response:
    """A user's release radar as Atom, for whoever holds the feed's secret URL."""
    token = request.path_params["token"]
    resources = app_state(request).resources
    async with resources.reader() as session:
        owner = await feed_owner(session, token)
        if owner is None:
            raise NotFound("No such feed.")
        body = await render_feed(session, resources.settings, owner, token)
    return Response(
        body,
        media_type="application/atom+xml",
        headers={"cache-control": "private, max-age=300"},
    )


routes = [
    Route("/api/artists/", list_artists, methods=["GET"]),
    Route("/feeds/releases/{token}.atom", release_feed, methods=["GET"]),
]
