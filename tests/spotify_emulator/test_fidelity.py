"""Every kind of response the emulator gives validates against Spotify's OpenAPI file.

See `openapi.py` for how the spec's schemas are prepared (nullability, oneOf).
"""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema
import pytest

from spotify_emulator.testing import EmulatorHandle
from tests.spotify_emulator.conftest import ALICE
from tests.spotify_emulator.openapi import validate, validate_schema

TOKEN_RESPONSE = {
    "type": "object",
    "required": ["access_token", "token_type", "scope", "expires_in"],
    "properties": {
        "access_token": {"type": "string", "minLength": 1},
        "token_type": {"const": "Bearer"},
        "scope": {"type": "string"},
        "expires_in": {"type": "integer", "minimum": 1},
        "refresh_token": {"type": "string", "minLength": 1},
    },
    "additionalProperties": False,
}
OAUTH_ERROR = {
    "type": "object",
    "required": ["error", "error_description"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
    "additionalProperties": False,
}


async def get_json(client: httpx.AsyncClient, url: str) -> Any:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


async def all_pages(client: httpx.AsyncClient, url: str, wrapper: str | None = None) -> list[Any]:
    """Every page of a paged endpoint, following `next`."""
    pages = []
    next_url: str | None = url
    while next_url:
        body = await get_json(client, next_url)
        page = body[wrapper] if wrapper else body
        pages.append(body)
        next_url = page["next"]
    return pages


async def test_token_and_oauth_error_shapes(emulator: EmulatorHandle) -> None:
    redirect = "http://127.0.0.1:9999/cb"
    code = await emulator.authorize(ALICE, redirect_uri=redirect, state="s")
    auth = httpx.BasicAuth("mixtape-dev", "mixtape-dev-secret")
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect}
    async with httpx.AsyncClient(base_url=emulator.url, auth=auth) as client:
        ok = await client.post("/api/token", data=data)
        jsonschema.validate(ok.json(), TOKEN_RESPONSE)
        refreshed = await client.post(
            "/api/token",
            data={"grant_type": "refresh_token", "refresh_token": ok.json()["refresh_token"]},
        )
        jsonschema.validate(refreshed.json(), TOKEN_RESPONSE)
        reused = await client.post("/api/token", data=data)
        jsonschema.validate(reused.json(), OAUTH_ERROR)


async def test_profile(alice: httpx.AsyncClient) -> None:
    validate("/me", "get", await get_json(alice, "/me"))


@pytest.mark.parametrize("path", ["/me/tracks", "/me/albums", "/me/playlists"])
async def test_library_pages(alice: httpx.AsyncClient, path: str) -> None:
    for page in await all_pages(alice, f"{path}?limit=50"):
        validate(path, "get", page)


async def test_followed_artists(alice: httpx.AsyncClient) -> None:
    for page in await all_pages(alice, "/me/following?type=artist&limit=5", "artists"):
        validate("/me/following", "get", page)


async def test_playlists_and_items_with_quirks(alice: httpx.AsyncClient) -> None:
    playlists = (await get_json(alice, "/me/playlists?limit=50"))["items"]
    seen: set[str] = set()
    for playlist in playlists:
        validate(
            "/playlists/{playlist_id}", "get", await get_json(alice, f"/playlists/{playlist['id']}")
        )
        for page in await all_pages(alice, playlist["items"]["href"] + "?limit=50"):
            validate("/playlists/{playlist_id}/items", "get", page)
            for item in page["items"]:
                content = item["item"]
                if content is None:
                    seen.add("null")
                elif item["is_local"]:
                    seen.add("local")
                else:
                    seen.add(content["type"])
    assert {"null", "local", "episode", "track"} <= seen


async def test_player_responses(alice: httpx.AsyncClient) -> None:
    validate("/me/player", "get", await get_json(alice, "/me/player"))
    validate("/me/player/devices", "get", await get_json(alice, "/me/player/devices"))
    saved = (await get_json(alice, "/me/tracks?limit=1"))["items"][0]["track"]
    assert (await alice.post("/me/player/queue", params={"uri": saved["uri"]})).status_code == 204
    queue = await get_json(alice, "/me/player/queue")
    assert queue["queue"][0]["id"] == saved["id"]
    validate("/me/player/queue", "get", queue)
    current = await get_json(alice, "/me/player/currently-playing")
    validate("/me/player/currently-playing", "get", current)
    for page in await all_pages(alice, "/me/player/recently-played?limit=20"):
        validate("/me/player/recently-played", "get", page)


async def test_episode_playing(emulator: EmulatorHandle, alice: httpx.AsyncClient) -> None:
    episode = next(iter(emulator.state.catalog.episodes.values()))
    await emulator.set_player(
        ALICE, {"is_playing": True, "progress_ms": 5, "item": episode, "context": None}
    )
    body = await get_json(alice, "/me/player/currently-playing")
    assert body["currently_playing_type"] == "episode"
    validate("/me/player/currently-playing", "get", body)
    validate("/me/player", "get", await get_json(alice, "/me/player"))


async def test_catalog_lookups(alice: httpx.AsyncClient) -> None:
    validate("/browse/new-releases", "get", await get_json(alice, "/browse/new-releases"))
    saved = (await get_json(alice, "/me/tracks?limit=1"))["items"][0]["track"]
    artist_id = saved["artists"][0]["id"]
    validate("/artists/{id}", "get", await get_json(alice, f"/artists/{artist_id}"))
    for page in await all_pages(alice, f"/artists/{artist_id}/albums?limit=10"):
        validate("/artists/{id}/albums", "get", page)
    album = await get_json(alice, f"/albums/{saved['album']['id']}")
    validate("/albums/{id}", "get", album)
    validate("/tracks/{id}", "get", await get_json(alice, f"/tracks/{saved['id']}"))
    validate(
        "/albums/{id}/tracks",
        "get",
        await get_json(alice, f"/albums/{saved['album']['id']}/tracks"),
    )


async def test_written_objects(emulator: EmulatorHandle, alice: httpx.AsyncClient) -> None:
    created = await alice.post("/me/playlists", json={"name": "new", "public": False})
    assert created.status_code == 201
    validate("/me/playlists", "post", created.json(), status=201)
    track_uri = next(iter(emulator.state.catalog.tracks.values()))["uri"]
    added = await alice.post(f"/playlists/{created.json()['id']}/items", json={"uris": [track_uri]})
    validate("/playlists/{playlist_id}/items", "post", added.json(), status=201)
    items = await get_json(alice, f"/playlists/{created.json()['id']}/items")
    validate("/playlists/{playlist_id}/items", "get", items)
    replaced = await alice.put(
        f"/playlists/{created.json()['id']}/items", json={"uris": [track_uri, track_uri]}
    )
    validate("/playlists/{playlist_id}/items", "put", replaced.json(), status=200)
    removed = await alice.request(
        "DELETE",
        f"/playlists/{created.json()['id']}/items",
        json={"items": [{"uri": track_uri}]},
    )
    validate("/playlists/{playlist_id}/items", "delete", removed.json(), status=200)
    await alice.put("/me/library", params={"uris": track_uri})
    validate("/me/tracks", "get", await get_json(alice, "/me/tracks"))


@pytest.mark.parametrize(
    ("method", "url", "spec_path", "status"),
    [
        ("GET", "/me/tracks?limit=0", "/me/tracks", 400),
        ("GET", "/me/tracks?limit=51", "/me/tracks", 400),
        ("GET", "/playlists/nope", "/playlists/{playlist_id}", 404),
        ("GET", "/me/following?type=user", "/me/following", 400),
        ("PUT", "/me/player/pause", "/me/player/pause", 403),
    ],
)
async def test_error_bodies(
    bruno: httpx.AsyncClient, method: str, url: str, spec_path: str, status: int
) -> None:
    response = await bruno.request(method, url)
    assert response.status_code == status
    validate(spec_path, method, response.json(), status=status)


async def test_401_and_429_bodies(emulator: EmulatorHandle) -> None:
    async with httpx.AsyncClient(base_url=emulator.api_url) as client:
        unauthorized = await client.get("/me", headers={"Authorization": "Bearer nope"})
        validate("/me", "get", unauthorized.json(), status=401)
        await emulator.configure(rate_limit=0)
        limited = await client.get("/me")
        assert limited.status_code == 429
        validate("/me", "get", limited.json(), status=429)


async def test_local_file_is_a_valid_track(emulator: EmulatorHandle) -> None:
    for record in emulator.state.catalog.playlists.values():
        for item in record.items:
            if item["is_local"]:
                validate_schema("PlaylistTrackObject", item)
                return
    pytest.fail("the fixture has no local file")


def test_validation_is_not_vacuous() -> None:
    page = {"href": "h", "items": [], "limit": 20, "next": None, "offset": 0, "previous": None}
    with pytest.raises(jsonschema.ValidationError):
        validate("/me/tracks", "get", page)  # no total
    with pytest.raises(jsonschema.ValidationError):
        validate("/me/tracks", "get", {**page, "total": 1, "items": [{"track": {"type": 5}}]})
    with pytest.raises(jsonschema.ValidationError):
        validate("/albums/{id}", "get", {"name": "no required fields"})
