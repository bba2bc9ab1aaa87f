"""Account mutations: register, login, sessions, Spotify linking, account deletion.

Thin: each checks the viewer, runs the domain (``graphql_api.auth``) in a unit of work,
and shapes the answer. Failures that must be recorded (a failed login, a reused refresh
token) come back as an ``Outcome`` and are raised only after the commit.
"""

from __future__ import annotations

import strawberry
from starlette.requests import Request

from graphql_api.auth import accounts, local, spotify_login
from graphql_api.auth.login_codes import exchange_login_code
from graphql_api.auth.routes import callback_uri
from graphql_api.auth.sessions import IssuedSession, refresh_session, revoke_session
from graphql_api.db import models
from graphql_api.db.uow import AfterCommit
from graphql_api.errors import BadUserInput, NotFound
from graphql_api.schema.info import Info
from graphql_api.schema.types.auth_payload import AuthPayload
from graphql_api.schema.types.user import User
from graphql_api.spotify import token_manager


async def _payload(info: Info, issued: IssuedSession) -> AuthPayload:
    async with info.context.read() as session:
        row = await session.get(models.User, issued.user_id)
    if row is None:
        raise NotFound("No such user.")
    # The rest of this operation speaks to the user who just authenticated.
    info.context.viewer_id = issued.user_id
    info.context.viewer_session_id = issued.session_id
    return AuthPayload(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_at=issued.expires_at,
        user=User.from_row(row),
    )


def _end_viewer(info: Info) -> None:
    """The rest of this operation is anonymous: the session (or the account) is gone.

    Mutations run one after another in one operation; without this, a field after
    ``logout`` would still act for the user, and one after ``deleteAccount`` would write
    rows for a user that no longer exists.
    """
    info.context.viewer_id = None
    info.context.viewer_session_id = None


def _client_address(info: Info) -> str | None:
    client = info.context.request.client
    return client.host if client else None


async def register(info: Info, email: str, password: str, display_name: str) -> AuthPayload:
    """Create a local account and log it in."""
    context = info.context
    async with context.unit_of_work() as uow:
        issued = await local.register(
            uow.session,
            context.resources.settings,
            email=email,
            password=password,
            display_name=display_name,
        )
    return await _payload(info, issued)


async def login(info: Info, email: str, password: str) -> AuthPayload:
    """Log in with a password (failures are limited per account and per address)."""
    context = info.context
    # Two transactions: the attempt must be committed, and so visible to every concurrent
    # attempt, before it is judged (graphql_api/auth/rate_limit.py says why).
    async with context.unit_of_work() as uow:
        attempt = await local.begin_login(uow.session, email=email, address=_client_address(info))
    async with context.unit_of_work() as uow:
        outcome = await local.login(
            uow.session, context.resources.settings, attempt=attempt, password=password
        )
    return await _payload(info, outcome.unwrap())


async def refresh(info: Info, refresh_token: str) -> AuthPayload:
    """Trade a refresh token for a new pair."""
    context = info.context
    async with context.unit_of_work() as uow:
        outcome = await refresh_session(uow.session, context.resources.settings, refresh_token)
    return await _payload(info, outcome.unwrap())


async def exchange_code(info: Info, code: str) -> AuthPayload:
    """Trade the one-time code of a Spotify login for a session."""
    context = info.context
    async with context.unit_of_work() as uow:
        issued = await exchange_login_code(uow.session, context.resources.settings, code)
    return await _payload(info, issued)


async def logout(info: Info) -> bool:
    """End the session of the access token in use."""
    context = info.context
    context.require_viewer()
    session_id = context.viewer_session_id
    assert session_id is not None
    async with context.unit_of_work() as uow:
        await revoke_session(uow.session, session_id, reason="logout")
    _end_viewer(info)
    return True


async def link_spotify(info: Info, redirect_to: str | None = None) -> str:
    """The Spotify authorize URL that links Spotify to the viewer's account."""
    context = info.context
    user_id = context.require_viewer()
    request = context.request
    if not isinstance(request, Request):
        raise BadUserInput("Link Spotify over HTTP, not over a websocket.")
    async with context.unit_of_work() as uow:
        return await spotify_login.begin(
            uow.session,
            context.resources.settings,
            redirect_uri=callback_uri(context.resources.settings, request),
            redirect_to=redirect_to,
            linking_user_id=user_id,
        )


async def unlink_spotify(info: Info) -> User:
    """Forget the viewer's Spotify link and tokens."""
    context = info.context
    user_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        await accounts.unlink_spotify(uow.session, user_id)
        uow.after_commit(_forget_tokens(info, user_id))
        row = await uow.session.get(models.User, user_id)
    assert row is not None
    return User.from_row(row)


async def delete_account(info: Info) -> bool:
    """Delete the viewer's account and everything that is only theirs."""
    context = info.context
    user_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        await accounts.delete_account(uow.session, user_id)
        uow.after_commit(_forget_tokens(info, user_id))
    _end_viewer(info)
    return True


def _forget_tokens(info: Info, user_id: int) -> AfterCommit:
    async def hook() -> None:
        # The token manager caches access tokens in memory; drop the unlinked user's.
        token_manager(info.context.resources).forget(user_id)

    return hook


@strawberry.type
class AuthMutation:
    register: AuthPayload = strawberry.mutation(
        resolver=register, description="Create a local account and log it in."
    )
    login: AuthPayload = strawberry.mutation(
        resolver=login, description="Log in with email and password."
    )
    refresh_session: AuthPayload = strawberry.mutation(
        resolver=refresh,
        description="Trade a refresh token for a new pair. A spent token ends its session.",
    )
    exchange_login_code: AuthPayload = strawberry.mutation(
        resolver=exchange_code,
        description="Trade the one-time login_code of a Spotify login for a session.",
    )
    logout: bool = strawberry.mutation(resolver=logout, description="End the current session.")
    link_spotify: str = strawberry.mutation(
        resolver=link_spotify,
        description="The Spotify authorize URL that links Spotify to your account.",
    )
    unlink_spotify: User = strawberry.mutation(
        resolver=unlink_spotify, description="Forget your Spotify link and its tokens."
    )
    delete_account: bool = strawberry.mutation(
        resolver=delete_account,
        description="Delete your account and everything that is only yours.",
    )
