"""Provider identities (OpenID Connect): which account a ``(provider, sub)`` logs into,
and the rule that nobody unlinks their last way to log in.

An identity is found by ``(provider, subject)`` only. The email a provider reports is
never used to find or merge an account: whoever controls an address at some provider
would otherwise take over the Mixtape account registered with it. Attaching an identity
to an existing account is a link, done by the logged-in owner (``identity_link``).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.auth.signup import check_signup_open
from graphql_api.db.models import Identity, SpotifyAccount, User
from graphql_api.errors import Conflict, Forbidden, NotFound
from graphql_api.oidc import IdClaims
from graphql_api.settings import Settings

MAX_DISPLAY_NAME = 200
MAX_EMAIL = 320


async def identity_of(session: AsyncSession, provider: str, subject: str) -> Identity | None:
    return await session.scalar(
        select(Identity).where(Identity.provider == provider, Identity.subject == subject)
    )


async def log_in(session: AsyncSession, settings: Settings, provider: str, claims: IdClaims) -> int:
    """The user ``claims`` log into: the identity's owner, or a new account with that
    identity (FORBIDDEN when sign-up is off). Two first logins at once: the loser fails
    on the unique ``(provider, subject)`` and the caller runs it again."""
    existing = await identity_of(session, provider, claims.subject)
    if existing is not None:
        return existing.user_id
    check_signup_open(settings)
    user = User(display_name=_display_name(claims, provider))
    session.add(user)
    await session.flush()
    session.add(
        Identity(user_id=user.id, provider=provider, subject=claims.subject, email=_email(claims))
    )
    await session.flush()
    return user.id


async def check_not_linked_elsewhere(
    session: AsyncSession, user_id: int, provider: str, subject: str
) -> Identity | None:
    """The identity when it is already ``user_id``'s (None when nobody's); CONFLICT when it
    belongs to another account."""
    existing = await identity_of(session, provider, subject)
    if existing is not None and existing.user_id != user_id:
        raise Conflict("This sign-in account is already linked to another Mixtape account.")
    return existing


async def attach(
    session: AsyncSession, user_id: int, provider: str, subject: str, email: str | None
) -> Identity:
    """Link ``(provider, subject)`` to ``user_id`` (idempotent for its owner)."""
    existing = await check_not_linked_elsewhere(session, user_id, provider, subject)
    if existing is not None:
        return existing
    row = Identity(user_id=user_id, provider=provider, subject=subject, email=email)
    session.add(row)
    await session.flush()
    return row


async def lock_user(session: AsyncSession, user_id: int) -> User:
    """The user row, locked for this transaction (PostgreSQL ``FOR UPDATE``; SQLite's
    writer is alone anyway): two unlinks at once cannot both remove "the other" way in."""
    user = await session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None:
        raise NotFound("No such user.")
    return user


async def can_unlink_spotify(session: AsyncSession, user: User) -> bool:
    """Whether ``user`` still logs in without Spotify: a password or an identity."""
    if user.password_hash is not None:
        return True
    return bool(await session.scalar(select(func.count()).where(Identity.user_id == user.id)))


async def can_unlink_identity(session: AsyncSession, user: User, identity_id: int) -> bool:
    """Whether ``user`` still logs in without that identity: a password, a Spotify link
    or another identity."""
    if user.password_hash is not None:
        return True
    if await session.get(SpotifyAccount, user.id) is not None:
        return True
    others = select(func.count()).where(Identity.user_id == user.id, Identity.id != identity_id)
    return bool(await session.scalar(others))


async def unlink(session: AsyncSession, user_id: int, identity_id: int) -> None:
    """Unlink one of the user's identities: NOT_FOUND when it is not theirs (whose it is
    is nobody else's business), FORBIDDEN (``LAST_LOGIN_METHOD``) when it is their last
    way to log in (no password, no Spotify link, no other identity)."""
    user = await lock_user(session, user_id)
    row = await session.get(Identity, identity_id)
    if row is None or row.user_id != user_id:
        raise NotFound("No such identity.", field="id")
    if not await can_unlink_identity(session, user, identity_id):
        raise Forbidden(
            "This is the last way to log in to this account; unlinking would lock you out.",
            reason="LAST_LOGIN_METHOD",
        )
    await session.delete(row)
    await session.flush()


def _display_name(claims: IdClaims, provider: str) -> str:
    if claims.name:
        return " ".join(claims.name.split())[:MAX_DISPLAY_NAME]
    if claims.email:
        return claims.email.split("@", 1)[0][:MAX_DISPLAY_NAME]
    return f"{provider} user"[:MAX_DISPLAY_NAME]


def _email(claims: IdClaims) -> str | None:
    return claims.email[:MAX_EMAIL] if claims.email else None
