"""Logging in with Spotify, and linking Spotify to a local account: the same OAuth flow.

``begin`` keeps the ``state`` (hashed) and the PKCE verifier server-side and returns the
authorize URL. The callback ``consume_state``s (once, before it expires), then
``fetch_identity`` exchanges the code and reads ``/me`` (outside any transaction: no
database lock is held across Spotify calls), then ``complete`` creates or updates the
user by Spotify id and stores the tokens encrypted. A link's callback hands the identity
to ``spotify_link`` instead, for the account that started the link to complete.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from graphql_api.auth.one_time import spend_once
from graphql_api.auth.secrets import token_hash
from graphql_api.auth.signup import check_signup_open
from graphql_api.auth.spotify_accounts import link_of_spotify_user, save_link
from graphql_api.db.base import utcnow
from graphql_api.db.models import OAuthState, User
from graphql_api.errors import BadUserInput
from graphql_api.kit.text import check_text
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from graphql_api.spotify.client import StaticToken
from graphql_api.spotify.oauth import (
    TokenSet,
    authorize_url,
    exchange_code,
    new_pkce_pair,
    new_state,
)

# The name of the callback route (``routes.py``) that Spotify redirects to.
CALLBACK_ROUTE = "spotify_callback"


def callback_uri(settings: Settings, connection: HTTPConnection) -> str:
    """The redirect URI Spotify sends the browser back to.

    The configured one when set (production requires it); otherwise this server's own
    callback as the request reached it, which suits development on a loopback port.
    """
    return settings.spotify_redirect_uri or str(connection.url_for(CALLBACK_ROUTE))


# The length of oauth_states.redirect_to.
MAX_REDIRECT_TO = 2048


@dataclass(frozen=True)
class PendingLogin:
    """A consumed state: what the callback needs to finish."""

    code_verifier: str
    redirect_uri: str
    redirect_to: str | None
    linking_user_id: int | None


@dataclass(frozen=True)
class SpotifyIdentity:
    """Who a Spotify authorization belongs to (``GET /me``), with its fresh tokens."""

    profile: dict[str, Any]
    tokens: TokenSet

    @property
    def spotify_user_id(self) -> str:
        return str(self.profile["id"])


def check_redirect_to(settings: Settings, redirect_to: str | None) -> str | None:
    """``redirect_to`` when the allow-list permits it; BAD_USER_INPUT otherwise.

    An entry is an origin (``https://app.example``: any path there) or a URL prefix
    ending in ``/``. Comparing parsed parts, not raw prefixes, keeps
    ``https://app.example.evil.com`` out when ``https://app.example`` is allowed.
    """
    if redirect_to is None or redirect_to == "":
        return None
    # Kept in a column: no NUL (PostgreSQL refuses it), no longer than the column.
    check_text(redirect_to, MAX_REDIRECT_TO, name="redirect_to", field="redirect_to")
    target = urlsplit(redirect_to)
    if target.scheme not in ("http", "https") or not target.netloc or target.fragment:
        raise BadUserInput("redirect_to must be an absolute http(s) URL.", field="redirect_to")
    for allowed in settings.auth_redirect_allowlist:
        entry = urlsplit(allowed)
        if (entry.scheme, entry.netloc) != (target.scheme, target.netloc):
            continue
        prefix = entry.path.rstrip("/") + "/"
        if entry.path in ("", "/") or (target.path + "/").startswith(prefix):
            return redirect_to
    raise BadUserInput("redirect_to is not an allowed destination.", field="redirect_to")


async def begin(
    session: AsyncSession,
    settings: Settings,
    *,
    redirect_uri: str,
    redirect_to: str | None = None,
    linking_user_id: int | None = None,
) -> str:
    """Remember a new authorization attempt; returns Spotify's authorize URL."""
    checked = check_redirect_to(settings, redirect_to)
    state = new_state()
    verifier, challenge = new_pkce_pair()
    session.add(
        OAuthState(
            state_hash=token_hash(state),
            code_verifier=verifier,
            redirect_uri=redirect_uri,
            redirect_to=checked,
            linking_user_id=linking_user_id,
            expires_at=utcnow() + dt.timedelta(seconds=settings.auth_oauth_state_ttl_s),
        )
    )
    await session.flush()
    # A link always shows Spotify's consent page, even to someone who approved the app
    # before: a link URL handed to another person must not complete without them seeing it.
    return authorize_url(
        settings,
        state=state,
        code_challenge=challenge,
        redirect_uri=redirect_uri,
        show_dialog=linking_user_id is not None,
    )


async def consume_state(session: AsyncSession, state: str) -> PendingLogin | None:
    """Spend ``state`` (once, unexpired); None for an unknown, expired or replayed state."""
    row = await spend_once(session, OAuthState, OAuthState.state_hash, state)
    if row is None:
        return None
    return PendingLogin(
        code_verifier=row.code_verifier,
        redirect_uri=row.redirect_uri,
        redirect_to=row.redirect_to,
        linking_user_id=row.linking_user_id,
    )


async def fetch_identity(resources: Resources, pending: PendingLogin, code: str) -> SpotifyIdentity:
    """Exchange the code for tokens and read who they belong to (``GET /me``)."""
    tokens = await exchange_code(
        resources.http,
        resources.settings,
        code=code,
        code_verifier=pending.code_verifier,
        redirect_uri=pending.redirect_uri,
    )
    client = resources.spotify.client_with(StaticToken(tokens.access_token))
    profile = await client.get("/me")
    if not isinstance(profile, dict) or not isinstance(profile.get("id"), str):
        raise BadUserInput("Spotify did not say who you are.")
    return SpotifyIdentity(profile=profile, tokens=tokens)


async def complete(session: AsyncSession, settings: Settings, identity: SpotifyIdentity) -> int:
    """The Mixtape user this Spotify identity logs in (created if new).

    (A link goes through ``spotify_link`` instead: its owner completes it.) Two first
    logins of one Spotify account at once both try to create the user; the loser's
    transaction fails on the unique ``spotify_user_id`` (or as CONFLICT when it already
    sees the winner's link) and the caller runs it again, which then finds the winner's
    user (routes.py).
    A new user while sign-up is off is FORBIDDEN.
    """
    existing = await link_of_spotify_user(session, identity.spotify_user_id)
    if existing is not None:
        user_id = existing.user_id
    else:
        check_signup_open(settings)
        user = User(display_name=_display_name(identity.profile))
        session.add(user)
        await session.flush()
        user_id = user.id
    await save_link(session, user_id, identity.profile, identity.tokens, settings=settings)
    return user_id


def _display_name(profile: dict[str, Any]) -> str:
    name = profile.get("display_name")
    if isinstance(name, str) and name.strip():
        return " ".join(name.split())[:200]
    return str(profile["id"])[:200]
