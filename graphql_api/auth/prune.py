"""Deleting authentication rows nobody can use any more (a cron job, ``prune_auth``).

What goes: OAuth and OpenID Connect states, login codes and link codes (Spotify's and
identities') past their expiry (used or not; a
held link's encrypted Spotify tokens with them), refresh tokens past their expiry, spent
refresh tokens of ended sessions, and rate-limit rows older than their window.

What stays: a spent refresh token of a session still open, until it expires: presenting
it again is how a copied token is detected (the whole session is then revoked), so it
must be remembered as long as it could have been used. Sessions themselves stay too
(their ``revoked_reason`` is the audit trail).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from sqlalchemy import Delete, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.auth import rate_limit
from graphql_api.db.base import utcnow
from graphql_api.db.models import (
    AuthSession,
    IdentityLinkCode,
    LoginCode,
    OAuthState,
    OidcState,
    RefreshToken,
    SpotifyLinkCode,
)
from graphql_api.db.uow import unit_of_work
from graphql_api.jobs.base import JobContext
from graphql_api.resources import resources_of
from graphql_api.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pruned:
    """How many rows of each kind went."""

    oauth_states: int
    oidc_states: int
    login_codes: int
    link_codes: int
    identity_link_codes: int
    refresh_tokens: int
    login_attempts: int


async def prune(session: AsyncSession, settings: Settings) -> Pruned:
    """Delete every row described in the module docstring; does not commit."""
    now = utcnow()
    ended_sessions = select(AuthSession.id).where(AuthSession.revoked_at.is_not(None))
    refresh_tokens = await _delete(
        session,
        delete(RefreshToken).where(
            (RefreshToken.expires_at <= now)
            | (RefreshToken.spent_at.is_not(None) & RefreshToken.session_id.in_(ended_sessions))
        ),
    )
    return Pruned(
        oauth_states=await _delete(session, delete(OAuthState).where(OAuthState.expires_at <= now)),
        oidc_states=await _delete(session, delete(OidcState).where(OidcState.expires_at <= now)),
        login_codes=await _delete(session, delete(LoginCode).where(LoginCode.expires_at <= now)),
        link_codes=await _delete(
            session, delete(SpotifyLinkCode).where(SpotifyLinkCode.expires_at <= now)
        ),
        identity_link_codes=await _delete(
            session, delete(IdentityLinkCode).where(IdentityLinkCode.expires_at <= now)
        ),
        refresh_tokens=refresh_tokens,
        login_attempts=await rate_limit.prune(session, settings),
    )


async def prune_auth(ctx: JobContext) -> dict[str, int]:
    """Cron job: prune authentication rows (see the module docstring); returns the counts."""
    resources = resources_of(ctx)
    async with unit_of_work(resources.sessionmaker) as uow:
        pruned = await prune(uow.session, resources.settings)
    counts = asdict(pruned)
    if any(counts.values()):
        log.info("pruned authentication rows: %s", counts)
    return counts


async def _delete(session: AsyncSession, statement: Delete) -> int:
    result = await session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]
