"""Bearer-token checks shared by every Web API route."""

from __future__ import annotations

from starlette.requests import Request

from spotify_emulator.errors import ApiError
from spotify_emulator.state import EmulatorState, UserRecord
from spotify_emulator.tokens import APP, AccessToken


def emulator_state(request: Request) -> EmulatorState:
    """The state the app was built with."""
    state: EmulatorState = request.app.state.emulator
    return state


def bearer_token(authorization: str | None) -> str | None:
    """The token from an `Authorization: Bearer ...` header, if any."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _grant(request: Request) -> AccessToken:
    """The live access token of the request: 401 (Spotify's messages) when it has none."""
    state = emulator_state(request)
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise ApiError(401, "No token provided")
    if state.config.reject_access_tokens:
        raise ApiError(401, "Invalid access token")
    grant = state.tokens.access_token(token)
    if grant is None:
        if token in state.tokens.access:
            raise ApiError(401, "The access token expired")
        raise ApiError(401, "Invalid access token")
    return grant


def app_or_user(request: Request) -> UserRecord | None:
    """For catalog look-ups, which an app token may make as well as a user's: the user,
    or None for an app token (client-credentials grant). 401 as `current_user`."""
    grant = _grant(request)
    if grant.user_id == APP:
        return None
    return current_user(request)


def current_user(request: Request, *any_of_scopes: str) -> UserRecord:
    """The user behind the request's access token.

    401 for a missing, unknown, revoked or expired token (Spotify's messages), and for an
    app token, which acts for nobody; 403 when the token lacks every one of `any_of_scopes`.
    """
    state = emulator_state(request)
    grant = _grant(request)
    if grant.user_id == APP:
        raise ApiError(401, "Unauthorized.")
    user = state.users.get(grant.user_id)
    if user is None:  # the user was removed from the fixture at run time
        raise ApiError(401, "Invalid access token")
    granted = set(grant.scope.split())
    if any_of_scopes and granted.isdisjoint(any_of_scopes):
        raise ApiError(403, "Insufficient client scope")
    return user
