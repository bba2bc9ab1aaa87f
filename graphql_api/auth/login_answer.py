"""How a login callback (Spotify's or an OpenID provider's) answers the browser.

With ``redirect_to``: a redirect there carrying a one-time login code (or a link code, or
an error). Without: GraphiQL with a login code in the fragment (demo mode or
``MIXTAPE_AUTH_LOGIN_LANDS_ON_GRAPHIQL``), else a JSON session. No token travels in a URL.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.responses import JSONResponse, RedirectResponse, Response
from strawberry.relay import to_base64

from graphql_api.auth.login_codes import issue_login_code
from graphql_api.auth.requests import error_response
from graphql_api.auth.sessions import start_session
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import Conflict, MixtapeError
from graphql_api.settings import Settings

log = logging.getLogger(__name__)


async def log_in(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    find_or_create: Callable[[AsyncSession], Awaitable[int]],
    *,
    redirect_to: str | None,
    graphiql: str,
    method: str,
) -> Response:
    """Find or create the user (``find_or_create``) and answer with :func:`logged_in`.

    Two first logins of one new account at once (a double click, two tabs) both try to
    create the user; the loser fails on the unique key (PostgreSQL) or, when its
    transaction saw the winner's row by then, as CONFLICT (SQLite). It runs once more,
    which finds that user and logs into it.
    """

    async def once() -> Response:
        async with unit_of_work(sessionmaker) as uow:
            user_id = await find_or_create(uow.session)
            return await logged_in(
                uow.session,
                settings,
                redirect_to=redirect_to,
                user_id=user_id,
                graphiql=graphiql,
                method=method,
            )

    try:
        return await once()
    except (IntegrityError, Conflict):
        log.info("a concurrent first %s login created this user first; logging into it", method)
        return await once()


def callback_refused(redirect_to: str | None, error: MixtapeError) -> Response:
    """A callback's refusal: back to the frontend with ``error``, or a JSON error."""
    if redirect_to is not None:
        return redirect_with(redirect_to, error=error.code, error_description=error.message)
    return error_response(error)


def link_code_answer(redirect_to: str | None, code: str, expires_at: dt.datetime) -> Response:
    """A link's callback hands back the one-time link code its owner completes the link with."""
    if redirect_to is not None:
        return redirect_with(redirect_to, link_code=code)
    return json_answer({"linkCode": code, "expiresAt": expires_at.isoformat()})


async def logged_in(
    session: AsyncSession,
    settings: Settings,
    *,
    redirect_to: str | None,
    user_id: int,
    graphiql: str,
    method: str,
) -> Response:
    """The answer to a successful login: a login code (for ``redirect_to``, or for GraphiQL
    at ``graphiql`` to trade itself) or a session."""
    if redirect_to is not None:
        login_code = await issue_login_code(session, settings, user_id=user_id, method=method)
        return redirect_with(redirect_to, login_code=login_code)
    if settings.auth_login_lands_on_graphiql:
        # In the fragment, which browsers never send anywhere; the page spends it at once.
        login_code = await issue_login_code(session, settings, user_id=user_id, method=method)
        return RedirectResponse(
            f"{graphiql}#{urlencode({'login_code': login_code})}",
            status_code=302,
            headers={"cache-control": "no-store", "referrer-policy": "no-referrer"},
        )
    issued = await start_session(session, settings, user_id=user_id, method=method)
    return json_answer(
        {
            "accessToken": issued.access_token,
            "refreshToken": issued.refresh_token,
            "expiresAt": issued.expires_at.isoformat(),
            "user": {"id": to_base64("User", user_id)},
        }
    )


def json_answer(body: dict[str, object]) -> JSONResponse:
    return JSONResponse(body, headers={"cache-control": "no-store"})


def redirect_with(target: str, **params: str) -> RedirectResponse:
    """A redirect to ``target`` with ``params`` added to its query."""
    parts = urlsplit(target)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
    return RedirectResponse(
        urlunsplit(parts._replace(query=query)),
        status_code=302,
        headers={"cache-control": "no-store", "referrer-policy": "no-referrer"},
    )
