"""REST routes of OpenID Connect sign-in: ``/auth/oidc/providers``,
``/auth/oidc/{provider}/login`` and ``/auth/oidc/{provider}/callback``.

Failures answer like the Spotify login's (``routes.py``): never a 500; a JSON error, or,
when the sign-in came from the frontend, a redirect to ``redirect_to?error=…``. A refused
consent is ``403 FORBIDDEN`` (``reason: access_denied``), a state that is unknown, expired,
replayed or from another browser ``400 BAD_USER_INPUT``, an ID token that fails a check
``400 OIDC_AUTH_FAILED`` (with ``reason``), an unreachable provider ``503``. None of them
creates or changes an account.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from functools import partial

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from graphql_api.auth import identities, identity_link, oidc_login, rate_limit
from graphql_api.auth.login_answer import callback_refused, link_code_answer, log_in
from graphql_api.auth.oidc_login import BROWSER_COOKIE, COOKIE_PATH, PendingSignIn
from graphql_api.auth.requests import error_response
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import BadUserInput, Forbidden, MixtapeError
from graphql_api.oidc import IdClaims
from graphql_api.resources import Resources
from graphql_api.state import app_state

log = logging.getLogger(__name__)


async def providers(request: Request) -> Response:
    """The providers people may sign in with: ``[{name, displayName, loginUrl}]``."""
    resources = app_state(request).resources
    root = request.scope.get("root_path", "").rstrip("/")
    return JSONResponse(
        [
            {
                "name": provider.name,
                "displayName": provider.display_name,
                "loginUrl": f"{root}/auth/oidc/{provider.name}/login",
            }
            for provider in resources.settings.oidc_providers
        ]
    )


async def login_redirect(request: Request) -> Response:
    """Redirect to the provider's sign-in page; ``?redirect_to=`` must be on the allow-list.

    Limited per client address like ``/auth/spotify/login`` (each call stores a state).
    """
    resources = app_state(request).resources
    address = request.client.host if request.client else None
    try:
        client = resources.oidc.client(request.path_params["provider"])
        # The discovery document is fetched (or found cached) before any transaction.
        await client.metadata()
        async with unit_of_work(resources.sessionmaker) as uow:
            row_ids = await rate_limit.record_login_start(uow.session, address=address)
        async with unit_of_work(resources.sessionmaker) as uow:
            refused = await rate_limit.judge_login_start(
                uow.session, resources.settings, address=address, row_ids=row_ids
            )
            # Refused: returned, not raised, so the commit keeps the call taken back.
            if refused is None:
                started = await oidc_login.begin(
                    uow.session,
                    resources.settings,
                    client,
                    redirect_to=request.query_params.get("redirect_to"),
                    browser=request.cookies.get(BROWSER_COOKIE),
                )
    except MixtapeError as error:
        return error_response(error)
    if refused is not None:
        return error_response(refused)
    response = RedirectResponse(started.url, status_code=302, headers={"cache-control": "no-store"})
    assert started.browser is not None
    response.set_cookie(
        BROWSER_COOKIE,
        started.browser,
        max_age=resources.settings.auth_oauth_state_ttl_s,
        path=COOKIE_PATH,
        secure=resources.settings.public_url.startswith("https://"),
        httponly=True,
        samesite="lax",
    )
    return response


async def login_callback(request: Request) -> Response:
    """Finish a sign-in or a link (see the module docstring for the failure paths)."""
    resources = app_state(request).resources
    params = request.query_params
    provider = request.path_params["provider"]
    state = params.get("state")
    if not state:
        return error_response(BadUserInput("The callback has no state.", field="state"))
    try:
        client = resources.oidc.client(provider)
        async with unit_of_work(resources.sessionmaker) as uow:
            pending = await oidc_login.consume_state(
                uow.session, provider, state, request.cookies.get(BROWSER_COOKIE)
            )
    except MixtapeError as error:
        return error_response(error)
    try:
        if params.get("error"):
            raise Forbidden(
                "The sign-in provider did not grant the authorization.",
                reason=params["error"][:64],
            )
        code = params.get("code")
        if not code:
            raise BadUserInput("The callback has no code.", field="code")
        # The provider is called outside any transaction: no database lock waits on it.
        claims = await client.sign_in(
            code=code,
            code_verifier=pending.code_verifier,
            redirect_uri=pending.redirect_uri,
            nonce=pending.nonce,
        )
        if pending.linking_user_id is not None:
            return await _hold_link(resources, pending, pending.linking_user_id, claims)
        graphiql = request.scope.get("root_path", "").rstrip("/") + "/graphql"
        return await _log_in(resources, pending, claims, graphiql)
    except MixtapeError as error:
        log.info("OpenID Connect callback refused: %s (%s)", error.code, error.message)
        return callback_refused(pending.redirect_to, error)


def _log_in(
    resources: Resources, pending: PendingSignIn, claims: IdClaims, graphiql: str
) -> Awaitable[Response]:
    return log_in(
        resources.sessionmaker,
        resources.settings,
        partial(
            identities.log_in, settings=resources.settings, provider=pending.provider, claims=claims
        ),
        redirect_to=pending.redirect_to,
        graphiql=graphiql,
        method="oidc",
    )


async def _hold_link(
    resources: Resources, pending: PendingSignIn, user_id: int, claims: IdClaims
) -> Response:
    async with unit_of_work(resources.sessionmaker) as uow:
        code, expires_at = await identity_link.hold(
            uow.session,
            resources.settings,
            user_id=user_id,
            provider=pending.provider,
            claims=claims,
        )
    return link_code_answer(pending.redirect_to, code, expires_at)


routes = [
    Route("/auth/oidc/providers", providers, methods=["GET"]),
    Route("/auth/oidc/{provider}/login", login_redirect, methods=["GET"]),
    Route("/auth/oidc/{provider}/callback", login_callback, methods=["GET"]),
]
