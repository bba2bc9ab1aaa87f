"""The client-credentials grant: app tokens for catalog calls, with Spotify's errors."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema

from spotify_emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from spotify_emulator.testing import EmulatorHandle
from tests.spotify_emulator.openapi import validate

APP_TOKEN_RESPONSE = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in"],
    "properties": {
        "access_token": {"type": "string", "minLength": 1},
        "token_type": {"const": "Bearer"},
        "expires_in": {"type": "integer", "minimum": 1},
    },
    "additionalProperties": False,
}
GRANT = {"grant_type": "client_credentials"}


async def app_token(emulator: EmulatorHandle) -> str:
    auth = httpx.BasicAuth(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    async with httpx.AsyncClient(base_url=emulator.url, auth=auth) as client:
        response = await client.post("/api/token", data=GRANT)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    jsonschema.validate(body, APP_TOKEN_RESPONSE)
    return str(body["access_token"])


async def test_client_credentials_answers_an_app_token_without_scope_or_refresh_token(
    emulator: EmulatorHandle,
) -> None:
    await app_token(emulator)
    assert (await emulator.stats())["token_grants"] == {"client_credentials": 1}


async def test_client_credentials_with_secret_in_form_is_granted(emulator: EmulatorHandle) -> None:
    form = {**GRANT, "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET}
    async with httpx.AsyncClient(base_url=emulator.url) as client:
        response = await client.post("/api/token", data=form)
    assert response.status_code == 200
    jsonschema.validate(response.json(), APP_TOKEN_RESPONSE)


async def test_client_credentials_refuses_a_wrong_secret_a_missing_secret_and_a_stranger(
    emulator: EmulatorHandle,
) -> None:
    async with httpx.AsyncClient(base_url=emulator.url) as client:
        wrong = await client.post(
            "/api/token", data=GRANT, auth=httpx.BasicAuth(DEFAULT_CLIENT_ID, "nope")
        )
        public = await client.post("/api/token", data={**GRANT, "client_id": DEFAULT_CLIENT_ID})
        stranger = await client.post(
            "/api/token", data=GRANT, auth=httpx.BasicAuth("someone", DEFAULT_CLIENT_SECRET)
        )
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"error": "invalid_client", "error_description": "Invalid client secret"},
    )
    assert (public.status_code, public.json()["error"]) == (401, "invalid_client")
    assert (stranger.status_code, stranger.json()["error"]) == (401, "invalid_client")


async def test_app_token_reads_the_catalog_and_validates_against_openapi(
    emulator: EmulatorHandle,
) -> None:
    token = await app_token(emulator)
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=emulator.api_url, headers=headers) as client:
        releases = (await client.get("/browse/new-releases?limit=5")).json()
        validate("/browse/new-releases", "get", releases)
        album = releases["albums"]["items"][0]
        artist_id = album["artists"][0]["id"]
        validate("/artists/{id}", "get", (await client.get(f"/artists/{artist_id}")).json())
        several = await client.get("/artists", params={"ids": artist_id})
        validate("/artists", "get", several.json())
        # Spotify answers null for an id it does not know (beyond the OpenAPI file).
        unknown = await client.get("/artists", params={"ids": f"{artist_id},unknown"})
        assert unknown.json()["artists"][1] is None
        discography = await client.get(
            f"/artists/{artist_id}/albums", params={"include_groups": "album,single"}
        )
        validate("/artists/{id}/albums", "get", discography.json())
        validate("/albums/{id}", "get", (await client.get(f"/albums/{album['id']}")).json())


async def test_app_token_is_unauthorized_for_a_users_own_data(emulator: EmulatorHandle) -> None:
    token = await app_token(emulator)
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=emulator.api_url, headers=headers) as client:
        response = await client.get("/me")
    assert response.status_code == 401
    validate("/me", "get", response.json(), 401)


async def test_development_mode_refuses_new_releases_and_several_artists_but_not_one(
    emulator: EmulatorHandle,
) -> None:
    token = await app_token(emulator)
    artist_id = next(iter(emulator.state.catalog.artists))
    await emulator.configure(dev_mode=True)
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=emulator.api_url, headers=headers) as client:
        releases = await client.get("/browse/new-releases")
        several = await client.get("/artists", params={"ids": artist_id})
        one = await client.get(f"/artists/{artist_id}")
        discography = await client.get(f"/artists/{artist_id}/albums")
    assert (releases.status_code, several.status_code) == (403, 403)
    validate("/browse/new-releases", "get", releases.json(), 403)
    assert (one.status_code, discography.status_code) == (200, 200)


async def test_new_releases_country_keeps_albums_available_there(
    emulator: EmulatorHandle,
) -> None:
    token = await app_token(emulator)
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=emulator.api_url, headers=headers) as client:
        everywhere = (await client.get("/browse/new-releases?limit=50")).json()
        bad = await client.get("/browse/new-releases?country=1X")
        nowhere = (await client.get("/browse/new-releases?limit=50&country=ZZ")).json()
    assert bad.status_code == 400
    expected = [
        a["id"]
        for a in everywhere["albums"]["items"]
        if not a.get("available_markets") or "ZZ" in a["available_markets"]
    ]
    assert [a["id"] for a in nowhere["albums"]["items"]] == expected
