"""What an operator does to accounts (``mixtape admin users …``, ``sessions revoke``).

The same functions the API's own account operations use (``sessions.revoke_session``,
``accounts.delete_account``); each works inside the caller's unit of work, which commits
(or, for a dry run, rolls back).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from graphql_api.auth.sessions import revoke_session
from graphql_api.db.base import utcnow
from graphql_api.db.models import AuthSession, SpotifyAccount, User
from graphql_api.db.uow import UnitOfWork
from graphql_api.errors import NotFound
from graphql_api.events import PubSub


@dataclass(frozen=True)
class UserSummary:
    """One user as an operator sees it (never a token or a hash)."""

    id: int
    display_name: str
    email: str | None
    spotify_user_id: str | None
    needs_relink: bool | None
    created_at: dt.datetime
    disabled_at: dt.datetime | None
    open_sessions: int


def _summaries() -> Select[Any]:
    open_sessions = (
        select(func.count(AuthSession.id))
        .where(AuthSession.user_id == User.id, AuthSession.revoked_at.is_(None))
        .scalar_subquery()
    )
    return (
        select(
            User.id,
            User.display_name,
            User.email,
            SpotifyAccount.spotify_user_id,
            SpotifyAccount.needs_relink,
            User.created_at,
            User.disabled_at,
            open_sessions,
        )
        .outerjoin(SpotifyAccount, SpotifyAccount.user_id == User.id)
        .order_by(User.id)
    )


async def list_users(uow: UnitOfWork, *, limit: int = 100, after: int = 0) -> list[UserSummary]:
    """Users with an id above ``after``, in id order, at most ``limit``."""
    rows = await uow.session.execute(_summaries().where(User.id > after).limit(limit))
    return [UserSummary(*row) for row in rows]


async def user_summary(uow: UnitOfWork, user_id: int) -> UserSummary:
    """One user; NOT_FOUND when there is none."""
    row = (await uow.session.execute(_summaries().where(User.id == user_id))).one_or_none()
    if row is None:
        raise NotFound("No such user.")
    return UserSummary(*row)


async def revoke_user_sessions(
    uow: UnitOfWork, pubsub: PubSub, user_id: int, *, reason: str = "admin"
) -> int:
    """End every open session of the user (their websockets close once committed);
    returns how many."""
    session_ids = (
        await uow.session.scalars(
            select(AuthSession.id).where(
                AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
            )
        )
    ).all()
    for session_id in session_ids:
        await revoke_session(uow, pubsub, user_id=user_id, session_id=session_id, reason=reason)
    return len(session_ids)


async def disable_user(uow: UnitOfWork, pubsub: PubSub, user_id: int) -> int:
    """Disable the user: every session ends and no login succeeds (``start_session``
    refuses); returns how many sessions ended. Disabling twice changes nothing more."""
    user = await uow.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    if user.disabled_at is None:
        user.disabled_at = utcnow()
    return await revoke_user_sessions(uow, pubsub, user_id, reason="account_disabled")


async def enable_user(uow: UnitOfWork, user_id: int) -> None:
    """Let a disabled user log in again."""
    user = await uow.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    user.disabled_at = None
