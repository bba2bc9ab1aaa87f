"""Sessions: an access token plus an opaque refresh token that rotates on every use.

A session is a family of refresh tokens. Presenting a spent refresh token means it was
copied (the legitimate client already holds its successor), so the whole family is revoked:
whoever holds the newest token must log in again too (OAuth 2.0 Security BCP, 4.14).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.auth.jwt import issue_access_token
from graphql_api.auth.outcome import Outcome
from graphql_api.auth.secrets import new_token, token_hash
from graphql_api.auth.session_end import announce_session_ended
from graphql_api.db.base import utcnow
from graphql_api.db.models import AuthSession, RefreshToken, User
from graphql_api.db.uow import UnitOfWork
from graphql_api.errors import Forbidden, Unauthenticated
from graphql_api.events import PubSub
from graphql_api.settings import Settings


@dataclass(frozen=True)
class IssuedSession:
    """What a client receives after logging in or refreshing."""

    user_id: int
    session_id: int
    access_token: str
    refresh_token: str
    expires_at: dt.datetime


async def start_session(
    session: AsyncSession, settings: Settings, *, user_id: int, method: str
) -> IssuedSession:
    """Open a new session (token family) for ``user_id``; FORBIDDEN for a disabled user."""
    disabled_at = await session.scalar(select(User.disabled_at).where(User.id == user_id))
    if disabled_at is not None:
        raise Forbidden("This account is disabled.", reason="ACCOUNT_DISABLED")
    row = AuthSession(user_id=user_id, method=method)
    session.add(row)
    await session.flush()
    return await _issue(session, settings, row, utcnow())


async def refresh_session(
    uow: UnitOfWork, settings: Settings, pubsub: PubSub, refresh_token: str
) -> Outcome[IssuedSession]:
    """Spend ``refresh_token`` for a new pair; a reused token revokes its whole session."""
    session = uow.session
    now = utcnow()
    found = (
        await session.execute(
            select(RefreshToken, AuthSession)
            .join(AuthSession, AuthSession.id == RefreshToken.session_id)
            .where(RefreshToken.token_hash == token_hash(refresh_token))
        )
    ).one_or_none()
    if found is None:
        return Outcome.fail(Unauthenticated("Unknown refresh token.", reason="TOKEN_INVALID"))
    token, family = found
    if family.revoked_at is not None:
        return Outcome.fail(Unauthenticated("The session has ended.", reason="SESSION_REVOKED"))
    # Conditional: of two requests spending the same token at once, exactly one wins.
    spent = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token.id, RefreshToken.spent_at.is_(None))
        .values(spent_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        await revoke_session(
            uow, pubsub, user_id=family.user_id, session_id=family.id, reason="refresh_token_reuse"
        )
        return Outcome.fail(
            Unauthenticated(
                "This refresh token was already used; the session has been ended.",
                reason="TOKEN_REUSED",
            )
        )
    if token.expires_at <= now:
        return Outcome.fail(Unauthenticated("The refresh token has expired.", reason="EXPIRED"))
    family.last_refreshed_at = now
    return Outcome.ok(await _issue(session, settings, family, now))


async def revoke_session(
    uow: UnitOfWork, pubsub: PubSub, *, user_id: int, session_id: int, reason: str
) -> None:
    """End the session: its refresh tokens and access tokens stop working at once, and
    once committed, its open websockets on every process close."""
    await uow.session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )
    announce_session_ended(uow, pubsub, user_id, session_id)


async def active_session_user(session: AsyncSession, session_id: int) -> int | None:
    """The user of ``session_id`` when the session is still open."""
    return await session.scalar(
        select(AuthSession.user_id).where(
            AuthSession.id == session_id, AuthSession.revoked_at.is_(None)
        )
    )


async def _issue(
    session: AsyncSession, settings: Settings, family: AuthSession, now: dt.datetime
) -> IssuedSession:
    refresh = new_token()
    session.add(
        RefreshToken(
            session_id=family.id,
            token_hash=token_hash(refresh),
            expires_at=now + dt.timedelta(seconds=settings.auth_refresh_token_ttl_s),
        )
    )
    access, expires_at = issue_access_token(
        settings, user_id=family.user_id, session_id=family.id, now=now
    )
    await session.flush()
    return IssuedSession(
        user_id=family.user_id,
        session_id=family.id,
        access_token=access,
        refresh_token=refresh,
        expires_at=expires_at,
    )
