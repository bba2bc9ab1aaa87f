"""Failed-login limits per account and per client address, kept in the database.

The database is shared by every process, so the limit holds however many API processes
run. An attempt is a row; a key is limited while it has too many rows inside the window.

An attempt is recorded (and committed) *before* it is judged, and judged by counting every
row, its own included. Counting first and recording after a failed password would let
guesses sent at once all pass the count before any of them is recorded. This way, of the
attempts in flight, the last to count sees every one committed before it, so at most the
limit ever reaches the password check. An attempt that is refused, or that succeeds, takes
its own rows back; a failed one leaves them as the record of the failure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import LoginAttempt
from graphql_api.errors import RateLimited
from graphql_api.kit.text import canonical_email
from graphql_api.settings import Settings


@dataclass(frozen=True)
class Attempt:
    """A login attempt already counted against its account and address."""

    email: str
    address: str | None
    row_ids: tuple[int, ...]


def account_key(email: str) -> str:
    """The key an account's attempts are counted under."""
    return f"account:{canonical_email(email)}"


def address_key(address: str | None) -> str:
    """The key a client address's attempts are counted under (one key for unknown ones)."""
    return f"address:{address or 'unknown'}"


async def record_attempt(session: AsyncSession, *, email: str, address: str | None) -> Attempt:
    """Count one attempt against the account and the address; commit before ``judge``."""
    now = utcnow()
    rows = [
        LoginAttempt(key=account_key(email), created_at=now),
        LoginAttempt(key=address_key(address), created_at=now),
    ]
    session.add_all(rows)
    await session.flush()
    return Attempt(email=email, address=address, row_ids=tuple(row.id for row in rows))


async def judge(session: AsyncSession, settings: Settings, attempt: Attempt) -> RateLimited | None:
    """RATE_LIMITED (and the attempt taken back) when its account or address has more
    attempts in the window than allowed, its own included; None when it may go on."""
    now = utcnow()
    since = now - dt.timedelta(seconds=settings.auth_failure_window_s)
    limits = (
        (account_key(attempt.email), settings.auth_max_failures_per_account, "account"),
        (address_key(attempt.address), settings.auth_max_failures_per_address, "address"),
    )
    for key, limit, scope in limits:
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(LoginAttempt.created_at)).where(
                    LoginAttempt.key == key, LoginAttempt.created_at > since
                )
            )
        ).one()
        if count > limit:
            # A refused attempt never reached the password: it is no failure to remember.
            await _take_back(session, attempt)
            retry_after = _retry_after(oldest, settings, now)
            return RateLimited(
                "Too many failed logins; try again later.", retry_after=retry_after, scope=scope
            )
    return None


async def succeeded(session: AsyncSession, attempt: Attempt) -> None:
    """Forget the account's failures after a successful login; the address keeps its
    earlier failures but not this attempt."""
    await session.execute(
        delete(LoginAttempt).where(LoginAttempt.key == account_key(attempt.email))
    )
    await _take_back(session, attempt)


async def _take_back(session: AsyncSession, attempt: Attempt) -> None:
    await session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(attempt.row_ids)))


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
