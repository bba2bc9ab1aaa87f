"""Spotify's OAuth: the authorize URL (with ``state`` and PKCE), code exchange, refresh.

Everything goes through the process's one ``httpx.AsyncClient``. OAuth error bodies
(``{"error": ..., "error_description": ...}``) become typed errors: ``invalid_grant`` on
refresh means the user must authorize again (``SpotifyRelinkRequired``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from graphql_api.settings import Settings
from graphql_api.spotify.errors import (
    SpotifyNotConfigured,
    SpotifyOAuthError,
    SpotifyRelinkRequired,
    SpotifyUnavailable,
)

DEFAULT_SCOPES = (
    "user-read-private",
    "user-read-email",
    "user-library-read",
    "user-library-modify",
    "playlist-read-private",
    "playlist-read-collaborative",
    "playlist-modify-private",
    "playlist-modify-public",
    "user-follow-read",
    "user-follow-modify",
    "user-read-currently-playing",
    "user-read-playback-state",
    "user-modify-playback-state",
    "user-read-recently-played",
)


@dataclass(frozen=True)
class TokenSet:
    """What the token endpoint granted. ``refresh_token`` is None when Spotify omitted it."""

    access_token: str
    refresh_token: str | None
    expires_at: dt.datetime
    scopes: tuple[str, ...]

    def __repr__(self) -> str:  # tokens never end up in logs or tracebacks
        return f"TokenSet(expires_at={self.expires_at.isoformat()}, scopes={self.scopes})"


def new_pkce_pair() -> tuple[str, str]:
    """A PKCE ``(code_verifier, code_challenge)`` pair (S256)."""
    verifier = secrets.token_urlsafe(64)[:128]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def new_state() -> str:
    """An unguessable OAuth ``state`` value."""
    return secrets.token_urlsafe(32)


def redirect_uri_of(settings: Settings) -> str:
    """The configured redirect URI, or ``{public_url}/auth/spotify/callback``."""
    return settings.spotify_redirect_uri or settings.public_url.rstrip("/") + (
        "/auth/spotify/callback"
    )


def _client_id(settings: Settings) -> str:
    if not settings.spotify_client_id:
        raise SpotifyNotConfigured("Spotify is not configured on this server")
    return settings.spotify_client_id


def authorize_url(
    settings: Settings,
    *,
    state: str,
    code_challenge: str,
    scopes: Iterable[str] = DEFAULT_SCOPES,
    redirect_uri: str | None = None,
    show_dialog: bool = False,
) -> str:
    """The URL to send the browser to for Spotify's consent page."""
    params = {
        "client_id": _client_id(settings),
        "response_type": "code",
        "redirect_uri": redirect_uri or redirect_uri_of(settings),
        "state": state,
        "scope": " ".join(scopes),
        "code_challenge_method": "S256",
        "code_challenge": code_challenge,
    }
    if show_dialog:
        params["show_dialog"] = "true"
    return f"{settings.spotify_accounts_url.rstrip('/')}/authorize?{urlencode(params)}"


async def exchange_code(
    http: httpx.AsyncClient,
    settings: Settings,
    *,
    code: str,
    code_verifier: str,
    redirect_uri: str | None = None,
) -> TokenSet:
    """Redeem an authorization code. Raises ``SpotifyOAuthError`` when Spotify refuses it."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri or redirect_uri_of(settings),
        "code_verifier": code_verifier,
    }
    body = await _token_request(http, settings, form)
    return _token_set(body, previous_refresh_token=None)


async def refresh_tokens(
    http: httpx.AsyncClient, settings: Settings, refresh_token: str
) -> TokenSet:
    """Use a refresh token. When Spotify omits a new refresh token, the old one is kept.

    ``invalid_grant`` (revoked, expired after six months) raises ``SpotifyRelinkRequired``.
    """
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    try:
        body = await _token_request(http, settings, form)
    except SpotifyOAuthError as exc:
        if exc.error == "invalid_grant":
            raise SpotifyRelinkRequired(
                "Spotify no longer accepts this link; connect Spotify again"
            ) from None
        raise
    return _token_set(body, previous_refresh_token=refresh_token)


async def request_app_token(http: httpx.AsyncClient, settings: Settings) -> TokenSet:
    """An app token (client-credentials grant): for catalog calls that act for no user.

    Needs the client secret: a public client cannot act as the app.
    """
    if settings.spotify_client_secret is None:
        raise SpotifyNotConfigured(
            "Spotify app tokens need MIXTAPE_SPOTIFY_CLIENT_SECRET (client-credentials grant)"
        )
    body = await _token_request(http, settings, {"grant_type": "client_credentials"})
    return _token_set(body, previous_refresh_token=None)


async def _token_request(
    http: httpx.AsyncClient, settings: Settings, form: dict[str, str]
) -> dict[str, Any]:
    client_id = _client_id(settings)
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if settings.spotify_client_secret is not None:
        secret = settings.spotify_client_secret.get_secret_value()
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")
        headers["authorization"] = f"Basic {basic}"
    else:  # a public client proves itself with PKCE alone
        form = {**form, "client_id": client_id}
    url = settings.spotify_accounts_url.rstrip("/") + "/api/token"
    try:
        response = await http.post(url, data=form, headers=headers)
    except httpx.TransportError as exc:
        # Never retried: a refresh that reached Spotify may already have rotated the token.
        raise SpotifyUnavailable(
            f"Spotify's accounts service is unreachable ({type(exc).__name__})"
        ) from exc
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise SpotifyUnavailable(f"Spotify's accounts service answered {response.status_code}")
    if response.status_code >= 500:
        raise SpotifyUnavailable(f"Spotify's accounts service answered {response.status_code}")
    if response.status_code != 200 or "error" in body:
        error = str(body.get("error") or "invalid_request")
        description = str(body.get("error_description") or error)
        raise SpotifyOAuthError(f"Spotify refused the authorization: {description}", error=error)
    return body


def _token_set(body: dict[str, Any], *, previous_refresh_token: str | None) -> TokenSet:
    access = body.get("access_token")
    if not isinstance(access, str) or not access:
        raise SpotifyUnavailable("Spotify's token answer had no access token")
    expires_in = body.get("expires_in")
    seconds = expires_in if isinstance(expires_in, int | float) else 3600
    refresh = body.get("refresh_token")
    scope = body.get("scope")
    return TokenSet(
        access_token=access,
        refresh_token=refresh if isinstance(refresh, str) and refresh else previous_refresh_token,
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds),
        scopes=tuple(scope.split()) if isinstance(scope, str) else (),
    )
