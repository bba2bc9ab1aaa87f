"""`POST /api/token`: the authorization-code, refresh-token and client-credentials grants."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from spotify_emulator.errors import OAuthError
from spotify_emulator.state import EmulatorState
from spotify_emulator.tokens import TokenPair
from spotify_emulator.webapi.auth import emulator_state


def _field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) and value else None


def _client(request: Request, form: FormData, state: EmulatorState) -> bool:
    """Authenticate the client; True when it proved the secret (a confidential client)."""
    config = state.config
    header = request.headers.get("authorization")
    if header:
        scheme, _, encoded = header.partition(" ")
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError("invalid_client", "Invalid client", 401) from None
        client_id, _, secret = decoded.partition(":")
        if scheme.lower() != "basic" or client_id != config.client_id:
            raise OAuthError("invalid_client", "Invalid client", 401)
        if not secrets.compare_digest(secret, config.client_secret):
            raise OAuthError("invalid_client", "Invalid client secret", 401)
        return True
    if _field(form, "client_id") != config.client_id:
        raise OAuthError("invalid_client", "Invalid client", 401)
    form_secret = _field(form, "client_secret")
    if form_secret is None:
        return False
    if not secrets.compare_digest(form_secret, config.client_secret):
        raise OAuthError("invalid_client", "Invalid client secret", 401)
    return True


def _pkce_matches(verifier: str, challenge: str) -> bool:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return secrets.compare_digest(expected, challenge)


def _authorization_code(
    form: FormData, state: EmulatorState, confidential: bool
) -> tuple[str, TokenPair]:
    code = _field(form, "code")
    if code is None:
        raise OAuthError("invalid_request", "code must be supplied")
    grant = state.tokens.live_code(code)
    if grant is None:
        expired = code in state.tokens.codes
        raise OAuthError(
            "invalid_grant",
            "Authorization code expired" if expired else "Invalid authorization code",
        )
    if _field(form, "redirect_uri") != grant.redirect_uri:
        raise OAuthError("invalid_grant", "Invalid redirect URI")
    if grant.code_challenge is not None:
        verifier = _field(form, "code_verifier")
        if verifier is None:
            raise OAuthError("invalid_request", "code_verifier required")
        if not _pkce_matches(verifier, grant.code_challenge):
            raise OAuthError("invalid_grant", "code_verifier was incorrect")
    elif not confidential:
        # Without PKCE, only the client secret can prove who redeems the code.
        raise OAuthError("invalid_client", "Invalid client", 401)
    state.tokens.consume_code(code)
    pair = state.tokens.issue(
        grant.user_id,
        grant.scope,
        ttl=state.config.token_ttl,
        refresh_ttl=state.config.refresh_token_ttl,
        pkce=grant.code_challenge is not None,
    )
    return grant.user_id, pair


def _refresh(form: FormData, state: EmulatorState, confidential: bool) -> tuple[str, TokenPair]:
    token = _field(form, "refresh_token")
    if token is None:
        raise OAuthError("invalid_request", "refresh_token must be supplied")
    tokens = state.tokens
    grant = tokens.refresh_token(token)
    if grant is None:
        raise OAuthError("invalid_grant", "Invalid refresh token")
    if not confidential and not grant.pkce:
        raise OAuthError("invalid_client", "Invalid client", 401)
    config = state.config
    access = tokens.new_access_token(grant.user_id, grant.scope, config.token_ttl)
    refresh: str | None
    if config.omit_refresh_token:
        refresh = None  # the client keeps using the old one, which stays valid
    elif config.rotate_refresh_tokens:
        tokens.drop_refresh_token(token)  # the old one stops working at once
        refresh = tokens.new_refresh_token(
            grant.user_id, grant.scope, pkce=grant.pkce, expires_at=grant.expires_at
        )
    else:
        refresh = token
    return grant.user_id, TokenPair(access, refresh, grant.scope, config.token_ttl)


def _client_credentials(state: EmulatorState, confidential: bool) -> TokenPair:
    """An app token: no user, no scopes, no refresh token (Spotify's answer to the grant)."""
    if not confidential:
        # Only a client that proves its secret may act as the app.
        raise OAuthError("invalid_client", "Invalid client", 401)
    ttl = state.config.token_ttl
    return TokenPair(state.tokens.new_app_token(ttl), None, "", ttl)


async def token(request: Request) -> Response:
    """Exchange a code or a refresh token for an access token (OAuth-shaped errors)."""
    state = emulator_state(request)
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise OAuthError(
            "invalid_request", "Content-Type must be application/x-www-form-urlencoded"
        )
    form = await request.form()
    grant_type = _field(form, "grant_type")
    if grant_type is None:
        raise OAuthError("invalid_request", "grant_type must be supplied")
    if grant_type not in ("authorization_code", "refresh_token", "client_credentials"):
        raise OAuthError("unsupported_grant_type", "grant_type parameter is invalid")
    confidential = _client(request, form, state)
    if grant_type == "client_credentials":
        pair = _client_credentials(state, confidential)
        state.stats.token_grants[grant_type] += 1
        body = pair.as_response()
        del body["scope"]  # Spotify's client-credentials answer carries no scope
        return JSONResponse(body, headers={"Cache-Control": "no-store"})
    if grant_type == "authorization_code":
        user_id, pair = _authorization_code(form, state, confidential)
    else:
        user_id, pair = _refresh(form, state, confidential)
    request.scope["emulator.user"] = user_id
    state.stats.token_grants[grant_type] += 1
    return JSONResponse(pair.as_response(), headers={"Cache-Control": "no-store"})


routes = [Route("/api/token", token, methods=["POST"])]
