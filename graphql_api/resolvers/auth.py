"""Account mutations: register, login, sessions, Spotify linking, account deletion.

Thin: each checks the viewer, runs the domain (``graphql_api.auth``) in a unit of work,
and returns what it produced; the schema (``schema/operations/auth.py``) shapes it.
Failures that must be recorded (a failed login, a reused refresh token) come back as an
``Outcome`` and are raised only after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from starlette.requests import Request

from graphql_api.auth import accounts, local, spotify_link, spotify_login
from graphql_api.auth.login_codes import exchange_login_code
from graphql_api.auth.session_end import announce_session_ended
from graphql_api.auth.sessions import IssuedSession, refresh_session, revoke_session
from graphql_api.auth.spotify_login import callback_uri
from graphql_api.db import models
from graphql_api.errors import BadUserInput, NotFound
from graphql_api.playlists import details as playlist_details
from graphql_api.resolvers.context import Context


@dataclass(frozen=True)
class SignedIn:
    """A new session and the user it belongs to."""

    session: IssuedSession
    user: models.User


async def _signed_in(context: Context, issued: IssuedSession) -> SignedIn:
    async with context.read() as session:
        row = await session.get(models.User, issued.user_id)
    if row is None:
        raise NotFound("No such user.")
    # The rest of this operation speaks to the user who just authenticated.
    context.viewer_id = issued.user_id
    context.viewer_session_id = issued.session_id
    return SignedIn(issued, row)


def _end_viewer(context: Context) -> None:
    """The rest of this operation is anonymous: the session (or the account) is gone.

    Mutations run one after another in one operation; without this, a field after
    ``logout`` would still act for the user, and one after ``deleteAccount`` would write
    rows for a user that no longer exists.
    """
    context.viewer_id = None
    context.viewer_session_id = None


def _client_address(context: Context) -> str | None:
    client = context.request.client
    return client.host if client else None


async def register(context: Context, email: str, password: str, display_name: str) -> SignedIn:
    """Create a local account and log it in."""
    settings = context.resources.settings
    # Hashed before the transaction: no connection waits on the hashing pool.
    account = await local.prepare_account(
        settings, email=email, password=password, display_name=display_name
    )
    async with context.unit_of_work() as uow:
        issued = await local.register(uow.session, settings, account)
    return await _signed_in(context, issued)


async def login(context: Context, email: str, password: str) -> SignedIn:
    """Log in with a password (failures are limited per account and per address)."""
    settings = context.resources.settings
    # The attempt must be committed, and so visible to every concurrent attempt, before
    # it is judged (graphql_api/auth/rate_limit.py says why). The password is checked
    # between transactions: no connection waits on the hashing pool.
    async with context.unit_of_work() as uow:
        attempt = await local.begin_login(
            uow.session, email=email, address=_client_address(context)
        )
    async with context.unit_of_work() as uow:
        judged = await local.judge_login(uow.session, settings, attempt)
    verified = await local.check_password(settings, judged.unwrap(), password)
    async with context.unit_of_work() as uow:
        issued = await local.finish_login(uow.session, settings, verified)
    return await _signed_in(context, issued)


async def refresh(context: Context, refresh_token: str) -> SignedIn:
    """Trade a refresh token for a new pair."""
    async with context.unit_of_work() as uow:
        outcome = await refresh_session(
            uow, context.resources.settings, context.resources.pubsub, refresh_token
        )
    return await _signed_in(context, outcome.unwrap())


async def exchange_code(context: Context, code: str) -> SignedIn:
    """Trade the one-time code of a Spotify login for a session."""
    async with context.unit_of_work() as uow:
        issued = await exchange_login_code(uow.session, context.resources.settings, code)
    return await _signed_in(context, issued)


async def logout(context: Context) -> bool:
    """End the session of the access token in use."""
    user_id = context.require_viewer()
    session_id = context.viewer_session_id
    assert session_id is not None
    async with context.unit_of_work() as uow:
        await revoke_session(
            uow, context.resources.pubsub, user_id=user_id, session_id=session_id, reason="logout"
        )
    _end_viewer(context)
    return True


async def link_spotify(context: Context, redirect_to: str | None) -> str:
    """The Spotify authorize URL that links Spotify to the viewer's account."""
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


async def complete_spotify_link(context: Context, code: str) -> models.User:
    """Link the Spotify account held under ``code`` (from the link callback) to the viewer."""
    user_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        outcome = await spotify_link.complete(
            uow.session, context.resources.settings, user_id=user_id, code=code
        )
        if outcome.error is None:
            uow.after_commit(partial(context.resources.spotify.link_changed, user_id))
    # Raised after the commit: a code presented by another account stays burnt.
    outcome.unwrap()
    async with context.read() as session:
        row = await session.get(models.User, user_id)
    if row is None:
        raise NotFound("No such user.")
    return row


async def unlink_spotify(context: Context) -> models.User:
    """Forget the viewer's Spotify link and tokens."""
    user_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        await accounts.unlink_spotify(uow.session, user_id)
        uow.after_commit(partial(context.resources.spotify.link_changed, user_id))
        row = await uow.session.get(models.User, user_id)
    assert row is not None
    return row


async def delete_account(context: Context) -> bool:
    """Delete the viewer's account and everything that is only theirs."""
    user_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        # Playlists they own go with them; those they only joined lose a member.
        await playlist_details.delete_owned(uow, context.resources.pubsub, user_id)
        await accounts.delete_account(uow.session, user_id)
        uow.after_commit(partial(context.resources.spotify.link_changed, user_id))
        # Its sessions went with it (ON DELETE CASCADE): close their websockets too.
        announce_session_ended(uow, context.resources.pubsub, user_id, None)
    _end_viewer(context)
    return True
