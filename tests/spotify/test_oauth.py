"""The OAuth dance against the emulator: authorize URL, PKCE code exchange, refresh."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from graphql_api.settings import Settings
from graphql_api.spotify.errors import SpotifyOAuthError, SpotifyRelinkRequired
from graphql_api.spotify.oauth import (
    authorize_url,
    exchange_code,
    new_pkce_pair,
    new_state,
    refresh_tokens,
)
from spotify_emulator.testing import EmulatorHandle
from tests.support.spotify import REDIRECT_URI

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_authorize_url_carries_state_and_pkce(spotify_settings: Settings) -> None:
    verifier, challenge = new_pkce_pair()
    state = new_state()
    url = authorize_url(spotify_settings, state=state, code_challenge=challenge, scopes=["a", "b"])
    query = parse_qs(urlsplit(url).query)
    assert query["state"] == [state]
    assert query["code_challenge"] == [challenge]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [REDIRECT_URI]
    assert query["scope"] == ["a b"]
    # S256: the challenge is the unpadded base64url SHA-256 of the verifier (RFC 7636 4.2).
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    assert challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert 43 <= len(verifier) <= 128


@pytest.mark.parametrize("confidential", [True, False])
async def test_code_exchange_and_refresh(
    spotify_settings: Settings,
    emulator: EmulatorHandle,
    http: httpx.AsyncClient,
    confidential: bool,
) -> None:
    settings = (
        spotify_settings
        if confidential
        else spotify_settings.model_copy(update={"spotify_client_secret": None})
    )
    verifier, challenge = new_pkce_pair()
    code = await emulator.authorize(
        "alice", redirect_uri=REDIRECT_URI, state="s", code_challenge=challenge
    )
    tokens = await exchange_code(http, settings, code=code, code_verifier=verifier)
    assert tokens.refresh_token
    assert "user-library-read" in tokens.scopes
    refreshed = await refresh_tokens(http, settings, tokens.refresh_token)
    assert refreshed.access_token != tokens.access_token
    # The old refresh token was rotated away: using it again is a revoked link.
    with pytest.raises(SpotifyRelinkRequired):
        await refresh_tokens(http, settings, tokens.refresh_token)


async def test_wrong_verifier_is_refused(
    spotify_settings: Settings, emulator: EmulatorHandle, http: httpx.AsyncClient
) -> None:
    _, challenge = new_pkce_pair()
    code = await emulator.authorize(
        "alice", redirect_uri=REDIRECT_URI, state="s", code_challenge=challenge
    )
    other_verifier, _ = new_pkce_pair()
    with pytest.raises(SpotifyOAuthError) as caught:
        await exchange_code(http, spotify_settings, code=code, code_verifier=other_verifier)
    assert caught.value.error == "invalid_grant"
