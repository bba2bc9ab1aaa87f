"""Who is asking: the viewer of an HTTP request or a websocket connection.

HTTP carries ``Authorization: Bearer <access token>``; a websocket carries the same value
in its ``connection_init`` payload under ``authorization`` (browsers cannot set headers
on a websocket). A token that is present but invalid is an error, never an anonymous
viewer: a client with a stale token must learn that it has to refresh.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse

from graphql_api.auth.jwt import verify_access_token
from graphql_api.auth.sessions import active_session_user
from graphql_api.errors import MixtapeError, RateLimited, Unauthenticated, error_body
from graphql_api.observability import context as log_context
from graphql_api.resources import Resources
from graphql_api.state import app_state


@dataclass(frozen=True)
class Viewer:
    """An authenticated caller: the user, the session their access token belongs to, and
    when that token expires."""

    user_id: int
    session_id: int
    expires_at: dt.datetime


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer`` value; None when there is none."""
    if authorization is None or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Expected 'Authorization: Bearer <token>'.", reason="TOKEN_INVALID")
    return token.strip()


async def authenticate(resources: Resources, token: str) -> Viewer:
    """The user id an access token stands for; UNAUTHENTICATED when it is not (or no longer)
    valid. Checking the session makes logout and reuse detection take effect at once."""
    claims = verify_access_token(resources.settings, token)
    async with resources.reader() as session:
        user_id = await active_session_user(session, claims.session_id)
    if user_id is None or user_id != claims.user_id:
        raise Unauthenticated("The session has ended.", reason="SESSION_REVOKED")
    log_context.set_user(user_id)  # on every log line of this request from here on
    return Viewer(user_id=user_id, session_id=claims.session_id, expires_at=claims.expires_at)


async def viewer_of(connection: HTTPConnection) -> Viewer | None:
    """The viewer of an HTTP request from its Authorization header (None when absent)."""
    token = bearer_token(connection.headers.get("authorization"))
    if token is None:
        return None
    return await authenticate(app_state(connection).resources, token)


async def viewer_of_connection_params(
    resources: Resources, params: Mapping[str, object] | None
) -> Viewer | None:
    """The viewer of a websocket from its ``connection_init`` payload (None when absent)."""
    if not params:
        return None
    value = params.get("authorization", params.get("Authorization"))
    if value is None:
        return None
    if not isinstance(value, str):
        raise Unauthenticated("'authorization' must be a string.", reason="TOKEN_INVALID")
    token = bearer_token(value)
    if token is None:
        return None
    return await authenticate(resources, token)


# A listening room's guest token travels beside the Authorization header (a guest has no
# account, so no access token); graphql_api/rooms/guest_tokens.py verifies it.
ROOM_TOKEN_HEADER = "x-room-token"  # noqa: S105 (a header's name)
ROOM_TOKEN_PARAM = "roomToken"  # noqa: S105 (a payload key)
MAX_ROOM_TOKEN = 2048


def room_token_of(connection: HTTPConnection) -> str | None:
    """The room guest token of an HTTP request (None when absent)."""
    value = connection.headers.get(ROOM_TOKEN_HEADER, "").strip()
    return value[:MAX_ROOM_TOKEN] or None


def room_token_of_params(params: Mapping[str, object] | None) -> str | None:
    """The room guest token of a websocket's ``connection_init`` payload."""
    value = (params or {}).get(ROOM_TOKEN_PARAM)
    return value.strip()[:MAX_ROOM_TOKEN] or None if isinstance(value, str) else None


async def require_user(request: Request) -> int:
    """The logged-in user of a REST request, or UNAUTHENTICATED (answered as 401 JSON)."""
    viewer = await viewer_of(request)
    if viewer is None:
        raise Unauthenticated("You need to be logged in.")
    return viewer.user_id


def error_response(error: MixtapeError) -> JSONResponse:
    """A REST answer for a domain error, with its HTTP status and JSON body."""
    headers: dict[str, str] = {}
    if isinstance(error, Unauthenticated):
        headers["www-authenticate"] = "Bearer"
    if isinstance(error, RateLimited):
        headers["retry-after"] = str(math.ceil(error.retry_after))
    return JSONResponse(error_body(error), status_code=error.http_status, headers=headers)
