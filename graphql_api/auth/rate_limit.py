"""Failed-login limits per account and per client address, kept in the database.

The database is shared by every process, so the limit holds however many API processes
run. A failure is a row; a key is limited while it has too many rows inside the window.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import LoginAttempt
from graphql_api.errors import RateLimited
from graphql_api.settings import Settings


def account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"


def address_key(address: str | None) -> str:
    return f"address:{address or 'unknown'}"


async def check_login_allowed(
    session: AsyncSession, settings: Settings, *, email: str, address: str | None
) -> RateLimited | None:
    """RATE_LIMITED when the account or the address failed too often lately, else None."""
    now = utcnow()
    since = now - dt.timedelta(seconds=settings.auth_failure_window_s)
    limits = (
        (account_key(email), settings.auth_max_failures_per_account, "account"),
        (address_key(address), settings.auth_max_failures_per_address, "address"),
    )
    for key, limit, scope in limits:
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(LoginAttempt.created_at)).where(
                    LoginAttempt.key == key, LoginAttempt.created_at > since
                )
            )
        ).one()
        if count >= limit:
            retry_after = _retry_after(oldest, settings, now)
            return RateLimited(
                "Too many failed logins; try again later.", retry_after=retry_after, scope=scope
            )
    return None


async def record_failure(session: AsyncSession, *, email: str, address: str | None) -> None:
    """Count one failed login against the account and the address."""
    now = utcnow()
    session.add_all(
        [
            LoginAttempt(key=account_key(email), created_at=now),
            LoginAttempt(key=address_key(address), created_at=now),
        ]
    )
    await session.flush()


async def clear_account_failures(session: AsyncSession, *, email: str) -> None:
    """Forget an account's failures after a successful login (the address keeps its count)."""
    await session.execute(delete(LoginAttempt).where(LoginAttempt.key == account_key(email)))


async def prune(session: AsyncSession, settings: Settings) -> int:
    """Delete attempts older than the window; returns how many went."""
    since = utcnow() - dt.timedelta(seconds=settings.auth_failure_window_s)
    result = await session.execute(delete(LoginAttempt).where(LoginAttempt.created_at <= since))
    return int(result.rowcount)  # type: ignore[attr-defined]


def _retry_after(oldest: object, settings: Settings, now: dt.datetime) -> float:
    if not isinstance(oldest, dt.datetime):
        return float(settings.auth_failure_window_s)
    if oldest.tzinfo is None:  # SQLite's MIN() returns the raw value, without a zone
        oldest = oldest.replace(tzinfo=dt.UTC)
    window_end = oldest + dt.timedelta(seconds=settings.auth_failure_window_s)
    return max(1.0, (window_end - now).total_seconds())
