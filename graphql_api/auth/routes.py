"""REST routes of the Spotify login: ``/auth/spotify/login`` and ``/auth/spotify/callback``.

The callback never answers 500 for a refusal: a denied consent, an unknown or replayed
state, a code Spotify refuses, an unreachable Spotify all end in a JSON error (or, when
the login came from the frontend, a redirect to ``redirect_to?error=…``).

A link's callback does not link: it answers with a one-time link code that only the
account that started the link can spend (``completeSpotifyLink``, see ``spotify_link``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from functools import partial

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from graphql_api.auth import rate_limit, spotify_link, spotify_login
from graphql_api.auth.login_answer import callback_refused, link_code_answer, log_in
from graphql_api.auth.requests import error_response
from graphql_api.auth.spotify_login import (
    CALLBACK_ROUTE,
    PendingLogin,
    SpotifyIdentity,
    callback_uri,
)
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import BadUserInput, Forbidden, MixtapeError
from graphql_api.resources import Resources
from graphql_api.state import app_state

log = logging.getLogger(__name__)


async def login_redirect(request: Request) -> Response:
    """Redirect to Spotify's consent page; ``?redirect_to=`` must be on the allow-list.

    Each call stores an OAuth state, so calls are limited per client address (429 beyond
    ``MIXTAPE_AUTH_LOGIN_STARTS_PER_ADDRESS`` per window; rate_limit.py says how).
    """
    resources = app_state(request).resources
    address = request.client.host if request.client else None
    # Recorded and committed before it is judged, like a password attempt: of calls sent
    # at once, the last to count sees every one.
    async with unit_of_work(resources.sessionmaker) as uow:
        row_ids = await rate_limit.record_login_start(uow.session, address=address)
    try:
        async with unit_of_work(resources.sessionmaker) as uow:
            refused = await rate_limit.judge_login_start(
                uow.session, resources.settings, address=address, row_ids=row_ids
            )
            if refused is None:
                url = await spotify_login.begin(
                    uow.session,
                    resources.settings,
                    redirect_uri=callback_uri(resources.settings, request),
                    redirect_to=request.query_params.get("redirect_to"),
                )
    except MixtapeError as error:
        return error_response(error)
    if refused is not None:
        return error_response(refused)
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
        if pending.linking_user_id is not None:
            response = await _hold_link(resources, pending, pending.linking_user_id, identity)
        else:
            graphiql = request.scope.get("root_path", "").rstrip("/") + "/graphql"
            response = await _log_in(resources, pending, identity, graphiql)
    except MixtapeError as error:
        log.info("Spotify callback refused: %s (%s)", error.code, error.message)
        return callback_refused(pending.redirect_to, error)
    return response


def _log_in(
    resources: Resources, pending: PendingLogin, identity: SpotifyIdentity, graphiql: str
) -> Awaitable[Response]:
    """Log the Spotify identity in; answer with a login code or a session."""
    return log_in(
        resources.sessionmaker,
        resources.settings,
        partial(spotify_login.complete, settings=resources.settings, identity=identity),
        redirect_to=pending.redirect_to,
        graphiql=graphiql,
        method="spotify",
    )


async def _hold_link(
    resources: Resources, pending: PendingLogin, user_id: int, identity: SpotifyIdentity
) -> Response:
    """Hold a consented link for its owner; answer with the one-time link code."""
    async with unit_of_work(resources.sessionmaker) as uow:
        code, expires_at = await spotify_link.hold(
            uow.session, resources.settings, user_id=user_id, identity=identity
        )
    return link_code_answer(pending.redirect_to, code, expires_at)


routes = [
    Route("/auth/spotify/login", login_redirect, methods=["GET"]),
    Route("/auth/spotify/callback", login_callback, methods=["GET"], name=CALLBACK_ROUTE),
]
