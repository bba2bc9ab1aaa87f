"""Signing in (or linking) with an OpenID Connect provider: the authorization code flow
with PKCE, ``state`` and ``nonce``, modelled on the Spotify login (``spotify_login``).

``begin`` keeps the state (hashed), the nonce and the PKCE verifier server-side, bound
for a sign-in to the browser that started it (a cookie whose hash the row keeps), and
returns the provider's authorize URL. The callback ``consume_state``s (once, before it
expires, from the same browser), the provider client exchanges the code and checks the
ID token (``graphql_api/oidc``, outside any transaction), then ``identities.log_in``
finds or creates the account, or ``identity_link.hold`` keeps a link for its owner.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.auth.one_time import spend_once
from graphql_api.auth.secrets import new_token, token_hash
from graphql_api.auth.spotify_login import check_redirect_to
from graphql_api.db.base import utcnow
from graphql_api.db.models import OidcState
from graphql_api.errors import BadUserInput
from graphql_api.oidc import OidcClient, new_secret
from graphql_api.settings import Settings

# The cookie that binds a sign-in to its browser (HttpOnly, SameSite=Lax, path /auth/oidc/).
BROWSER_COOKIE = "mixtape_oidc"
COOKIE_PATH = "/auth/oidc/"


def redirect_uri(settings: Settings, provider: str) -> str:
    """The redirect URI registered with the provider: ``{public_url}/auth/oidc/{name}/callback``."""
    return f"{settings.public_url.rstrip('/')}/auth/oidc/{provider}/callback"


@dataclass(frozen=True)
class Started:
    """A sign-in begun: where to send the browser, and the cookie value binding it."""

    url: str
    browser: str | None


@dataclass(frozen=True)
class PendingSignIn:
    """A consumed state: what the callback needs to finish."""

    provider: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    redirect_to: str | None
    linking_user_id: int | None


async def begin(
    session: AsyncSession,
    settings: Settings,
    client: OidcClient,
    *,
    redirect_to: str | None = None,
    browser: str | None = None,
    linking_user_id: int | None = None,
) -> Started:
    """Remember a new sign-in (or, with ``linking_user_id``, a link) attempt.

    A sign-in is bound to ``browser`` (the caller's existing cookie value, or a new one
    returned in ``Started.browser`` for the caller to set); a link is not: its owner
    completes it with a link code. The provider's discovery document must already be
    cached (``await client.metadata()`` before the transaction) or is fetched here.
    """
    checked = check_redirect_to(settings, redirect_to)
    if linking_user_id is None and (browser is None or not _plausible(browser)):
        browser = new_token()
    state, nonce, verifier = new_secret(), new_secret(), new_secret()
    uri = redirect_uri(settings, client.name)
    session.add(
        OidcState(
            state_hash=token_hash(state),
            provider=client.name,
            nonce=nonce,
            code_verifier=verifier,
            browser_hash=token_hash(browser) if linking_user_id is None and browser else None,
            redirect_uri=uri,
            redirect_to=checked,
            linking_user_id=linking_user_id,
            expires_at=utcnow() + dt.timedelta(seconds=settings.auth_oauth_state_ttl_s),
        )
    )
    await session.flush()
    # A link always asks for consent: a link URL handed to someone else must not complete
    # without them seeing what they agree to.
    url = await client.authorize_url(
        state=state,
        nonce=nonce,
        code_verifier=verifier,
        redirect_uri=uri,
        prompt="consent" if linking_user_id is not None else None,
    )
    return Started(url=url, browser=browser if linking_user_id is None else None)


async def consume_state(
    session: AsyncSession, provider: str, state: str, browser: str | None
) -> PendingSignIn:
    """Spend ``state`` (once, unexpired, of this provider, and for a sign-in from the
    browser that started it); BAD_USER_INPUT otherwise. A state presented from another
    browser is spent all the same: a sign-in link pushed to someone is dead afterwards."""
    row = await spend_once(session, OidcState, OidcState.state_hash, state)
    if row is None or row.provider != provider:
        raise BadUserInput(
            "This sign-in attempt is unknown, expired or already finished; start again.",
            field="state",
            reason="STATE_INVALID",
        )
    if row.browser_hash is not None and not (
        browser is not None and hmac.compare_digest(row.browser_hash, token_hash(browser))
    ):
        raise BadUserInput(
            "This sign-in was started in another browser; start again from this one.",
            field="state",
            reason="STATE_OTHER_BROWSER",
        )
    return PendingSignIn(
        provider=row.provider,
        nonce=row.nonce,
        code_verifier=row.code_verifier,
        redirect_uri=row.redirect_uri,
        redirect_to=row.redirect_to,
        linking_user_id=row.linking_user_id,
    )


def _plausible(browser: str) -> bool:
    # A cookie value we could have set: short, URL-safe.
    return 20 <= len(browser) <= 64 and all(c.isalnum() or c in "-_" for c in browser)
