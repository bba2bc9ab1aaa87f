"""REST routes of the Spotify login: ``/auth/spotify/login`` and ``/auth/spotify/callback``.

The callback never answers 500 for a refusal: a denied consent, an unknown or replayed
state, a code Spotify refuses, an unreachable Spotify all end in a JSON error (or, when
the login came from the frontend, a redirect to ``redirect_to?error=…``).
"""

from __future__ import annotations

import logging
from functools import partial
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from strawberry.relay import to_base64

from graphql_api.auth import spotify_login
from graphql_api.auth.login_codes import issue_login_code
from graphql_api.auth.requests import error_response
from graphql_api.auth.sessions import start_session
from graphql_api.auth.spotify_login import CALLBACK_ROUTE, PendingLogin, callback_uri
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import BadUserInput, Forbidden, MixtapeError
from graphql_api.settings import Settings
from graphql_api.state import app_state

log = logging.getLogger(__name__)


async def login_redirect(request: Request) -> Response:
    """Redirect to Spotify's consent page; ``?redirect_to=`` must be on the allow-list."""
    resources = app_state(request).resources
    try:
        async with unit_of_work(resources.sessionmaker) as uow:
            url = await spotify_login.begin(
                uow.session,
                resources.settings,
                redirect_uri=callback_uri(resources.settings, request),
                redirect_to=request.query_params.get("redirect_to"),
            )
    except MixtapeError as error:
        return error_response(error)
    return RedirectResponse(url, status_code=302, headers={"cache-control": "no-store"})


async def login_callback(request: Request) -> Response:
    """Finish a Spotify login or link (see the module docstring for the failure paths)."""
    resources = app_state(request).resources
    params = request.query_params
    state = params.get("state")
    if not state:
        return error_response(BadUserInput("The callback has no state.", field="state"))
    async with unit_of_work(resources.sessionmaker) as uow:
        pending = await spotify_login.consume_state(uow.session, state)
    if pending is None:
        return error_response(
            BadUserInput(
                "This login attempt is unknown, expired or already finished; start again.",
                field="state",
            )
        )
    try:
        if params.get("error"):
            raise Forbidden("Spotify authorization was not granted.", reason=params["error"][:64])
        code = params.get("code")
        if not code:
            raise BadUserInput("The callback has no code.", field="code")
        # Spotify is called outside any transaction: no database lock waits on the network.
        identity = await spotify_login.fetch_identity(resources, pending, code)
        async with unit_of_work(resources.sessionmaker) as uow:
            user_id = await spotify_login.complete(
                uow.session, resources.settings, pending, identity
            )
            # New tokens (perhaps of another Spotify account): no process may keep
            # calling Spotify with a cached token of the link they replace.
            uow.after_commit(partial(resources.spotify.link_changed, user_id))
            response = await _finish(uow.session, resources.settings, pending, user_id)
    except MixtapeError as error:
        log.info("Spotify callback refused: %s (%s)", error.code, error.message)
        if pending.redirect_to is not None:
            return _redirect(pending.redirect_to, error=error.code, error_description=error.message)
        return error_response(error)
    return response


async def _finish(
    session: AsyncSession, settings: Settings, pending: PendingLogin, user_id: int
) -> Response:
    """The answer to a successful callback: a login code, a session, or "linked"."""
    if pending.linking_user_id is not None:
        if pending.redirect_to is not None:
            return _redirect(pending.redirect_to, spotify="linked")
        return _json({"linked": True, "user": _user_json(user_id)})
    if pending.redirect_to is not None:
        login_code = await issue_login_code(session, settings, user_id=user_id)
        return _redirect(pending.redirect_to, login_code=login_code)
    issued = await start_session(session, settings, user_id=user_id, method="spotify")
    return _json(
        {
            "accessToken": issued.access_token,
            "refreshToken": issued.refresh_token,
            "expiresAt": issued.expires_at.isoformat(),
            "user": _user_json(user_id),
        }
    )


def _user_json(user_id: int) -> dict[str, str]:
    return {"id": to_base64("User", user_id)}


def _json(body: dict[str, object]) -> JSONResponse:
    return JSONResponse(body, headers={"cache-control": "no-store"})


def _redirect(target: str, **params: str) -> RedirectResponse:
    parts = urlsplit(target)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
    return RedirectResponse(
        urlunsplit(parts._replace(query=query)),
        status_code=302,
        headers={"cache-control": "no-store", "referrer-policy": "no-referrer"},
    )


routes = [
    Route("/auth/spotify/login", login_redirect, methods=["GET"]),
    Route("/auth/spotify/callback", login_callback, methods=["GET"], name=CALLBACK_ROUTE),
]
