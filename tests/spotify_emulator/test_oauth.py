"""The accounts service: authorization code with Basic auth or PKCE, refresh, errors."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from spotify_emulator.testing import EmulatorHandle, run_emulator
from tests.spotify_emulator.conftest import ALICE

REDIRECT = "http://127.0.0.1:5000/callback"
BASIC = httpx.BasicAuth("mixtape-dev", "mixtape-dev-secret")


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def token(
    emulator: EmulatorHandle, data: dict[str, str], auth: httpx.Auth | None = BASIC
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=emulator.url, auth=auth) as client:
        return await client.post("/api/token", data=data)


async def code_grant(emulator: EmulatorHandle, **extra: str) -> httpx.Response:
    code = await emulator.authorize(ALICE, redirect_uri=REDIRECT, state="s1")
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    return await token(emulator, data | extra)


async def me(emulator: EmulatorHandle, access_token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=emulator.api_url) as client:
        return await client.get("/me", headers={"Authorization": f"Bearer {access_token}"})


async def test_code_grant_with_basic_auth(emulator: EmulatorHandle) -> None:
    response = await code_grant(emulator)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert "user-library-read" in body["scope"].split()
    assert body["refresh_token"]
    assert (await me(emulator, body["access_token"])).json()["id"] == ALICE


async def test_code_grant_with_pkce(emulator: EmulatorHandle) -> None:
    verifier, challenge = pkce_pair()
    code = await emulator.authorize(
        ALICE, redirect_uri=REDIRECT, state="s", code_challenge=challenge
    )
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": "mixtape-dev",
        "code_verifier": verifier,
    }
    response = await token(emulator, data, auth=None)
    assert response.status_code == 200
    # A PKCE client refreshes with its client_id alone.
    refresh = await token(
        emulator,
        {
            "grant_type": "refresh_token",
            "refresh_token": response.json()["refresh_token"],
            "client_id": "mixtape-dev",
        },
        auth=None,
    )
    assert refresh.status_code == 200


async def test_bad_verifier_is_invalid_grant(emulator: EmulatorHandle) -> None:
    _, challenge = pkce_pair()
    code = await emulator.authorize(
        ALICE, redirect_uri=REDIRECT, state="s", code_challenge=challenge
    )
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": "mixtape-dev",
        "code_verifier": "not-the-verifier",
    }
    response = await token(emulator, data, auth=None)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_code_is_single_use(emulator: EmulatorHandle) -> None:
    code = await emulator.authorize(ALICE, redirect_uri=REDIRECT, state="s")
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    assert (await token(emulator, data)).status_code == 200
    again = await token(emulator, data)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid authorization code",
    }


async def test_expired_code_is_invalid_grant() -> None:
    async with run_emulator(code_ttl=0) as emulator:
        response = await code_grant(emulator)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_wrong_redirect_uri_is_invalid_grant(emulator: EmulatorHandle) -> None:
    response = await code_grant(emulator, redirect_uri="http://127.0.0.1:5000/other")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "auth",
    [httpx.BasicAuth("mixtape-dev", "wrong"), httpx.BasicAuth("someone-else", "x"), None],
)
async def test_bad_client_is_invalid_client(
    emulator: EmulatorHandle, auth: httpx.Auth | None
) -> None:
    code = await emulator.authorize(ALICE, redirect_uri=REDIRECT, state="s")
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    response = await token(emulator, data, auth=auth)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_grant_type_and_request_errors(emulator: EmulatorHandle) -> None:
    unsupported = await token(emulator, {"grant_type": "password"})
    assert unsupported.status_code == 400
    assert unsupported.json()["error"] == "unsupported_grant_type"
    missing = await token(emulator, {})
    assert missing.json()["error"] == "invalid_request"
    no_code = await token(emulator, {"grant_type": "authorization_code"})
    assert no_code.json()["error"] == "invalid_request"


async def test_refresh_rotates_by_default(emulator: EmulatorHandle) -> None:
    first = (await code_grant(emulator)).json()
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    refreshed = await token(emulator, data)
    assert refreshed.status_code == 200
    new = refreshed.json()
    assert new["refresh_token"] != first["refresh_token"]
    assert (await me(emulator, new["access_token"])).status_code == 200
    reused = await token(emulator, data)
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"


async def test_refresh_without_rotation_keeps_token(emulator: EmulatorHandle) -> None:
    await emulator.configure(rotate_refresh_tokens=False)
    first = (await code_grant(emulator)).json()
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    assert (await token(emulator, data)).json()["refresh_token"] == first["refresh_token"]
    assert (await token(emulator, data)).status_code == 200


async def test_refresh_can_omit_refresh_token(emulator: EmulatorHandle) -> None:
    await emulator.configure(omit_refresh_token=True)
    first = (await code_grant(emulator)).json()
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    body = (await token(emulator, data)).json()
    assert "refresh_token" not in body
    assert (await token(emulator, data)).status_code == 200  # the old one still works


async def test_revoked_user_loses_both_tokens(emulator: EmulatorHandle) -> None:
    first = (await code_grant(emulator)).json()
    await emulator.revoke(ALICE)
    assert (await me(emulator, first["access_token"])).status_code == 401
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    response = await token(emulator, data)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_expired_access_token_is_401(emulator: EmulatorHandle) -> None:
    tokens = await emulator.issue_tokens(ALICE)
    await emulator.expire_tokens(ALICE)
    response = await me(emulator, tokens["access_token"])
    assert response.status_code == 401
    assert response.json() == {"error": {"status": 401, "message": "The access token expired"}}
    assert (await me(emulator, "made-up")).status_code == 401


async def test_token_ttl_is_reported(emulator: EmulatorHandle) -> None:
    await emulator.configure(token_ttl=120)
    assert (await code_grant(emulator)).json()["expires_in"] == 120


async def test_consent_page_approve_and_deny(emulator: EmulatorHandle) -> None:
    params = {
        "client_id": "mixtape-dev",
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "state": "xyz",
        "scope": "user-read-private",
    }
    async with httpx.AsyncClient(base_url=emulator.url) as client:
        page = await client.get("/authorize", params=params)
        assert page.status_code == 200
        assert 'value="alice"' in page.text
        assert "emulator_deny" in page.text
        denied = await client.get("/authorize", params=params | {"emulator_deny": "1"})
        assert denied.status_code == 302
        query = parse_qs(urlsplit(denied.headers["location"]).query)
        assert query == {"error": ["access_denied"], "state": ["xyz"]}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"client_id": "nope"}, 400),
        ({"redirect_uri": "http://localhost:5000/callback"}, 400),
        ({"redirect_uri": "https://example.org/callback"}, 400),
        ({"response_type": "token"}, 302),
        ({"code_challenge_method": "plain", "code_challenge": "abc"}, 302),
        ({"scope": "user-read-private not-a-scope"}, 302),
    ],
)
async def test_authorize_validation(
    emulator: EmulatorHandle, changes: dict[str, str], expected: int
) -> None:
    params = {
        "client_id": "mixtape-dev",
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "state": "s",
        "emulator_user": ALICE,
    } | changes
    async with httpx.AsyncClient(base_url=emulator.url) as client:
        response = await client.get("/authorize", params=params)
    assert response.status_code == expected
    if expected == 302:
        assert "error=" in response.headers["location"]


async def test_registered_redirect_uris_only() -> None:
    registered = "https://mixtape.example.org/callback"
    async with run_emulator(redirect_uris=[registered]) as emulator:
        code = await emulator.authorize(ALICE, redirect_uri=registered, state="s")
        assert code
        with pytest.raises(RuntimeError):
            await emulator.authorize(ALICE, redirect_uri=REDIRECT, state="s")
