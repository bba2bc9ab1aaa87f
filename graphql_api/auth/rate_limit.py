"""Failed-login limits per account and per client address, kept in the database.

The database is shared by every process, so the limit holds however many API processes
run. An attempt is a row; a key is limited while it has too many rows inside the window.

An attempt is recorded (and committed) *before* it is judged, and judged by counting every
row, its own included. Counting first and recording after a failed password would let
guesses sent at once all pass the count before any of them is recorded. This way, of the
attempts in flight, the last to count sees every one committed before it, so at most the
limit ever reaches the password check. An attempt that is refused, or that succeeds, takes
its own rows back; a failed one leaves them as the record of the failure.

The same rows, under ``login-start:<address>``, limit anonymous ``GET /auth/spotify/login``
calls, each of which stores an OAuth state: recorded, committed, then judged alike. An
admitted start keeps its row (it is what the window counts); a refused one takes it back.
The ``prune_auth`` job deletes rows older than their window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
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
    limits = (
        (account_key(attempt.email), settings.auth_max_failures_per_account, "account"),
        (address_key(attempt.address), settings.auth_max_failures_per_address, "address"),
    )
    return await _over_limit(
        session,
        attempt.row_ids,
        limits,
        window_s=settings.auth_failure_window_s,
        message="Too many failed logins; try again later.",
    )


def login_start_key(address: str | None) -> str:
    """The key anonymous Spotify login starts are counted under, per client address."""
    return f"login-start:{address or 'unknown'}"


async def record_login_start(session: AsyncSession, *, address: str | None) -> tuple[int, ...]:
    """Count one ``/auth/spotify/login`` call against its address; commit before judging."""
    row = LoginAttempt(key=login_start_key(address), created_at=utcnow())
    session.add(row)
    await session.flush()
    return (row.id,)


async def judge_login_start(
    session: AsyncSession, settings: Settings, *, address: str | None, row_ids: tuple[int, ...]
) -> RateLimited | None:
    """RATE_LIMITED (and the call taken back) when the address started more Spotify logins
    in the window than allowed, this one included; None when it may go on."""
    limit = (login_start_key(address), settings.auth_login_starts_per_address, "address")
    return await _over_limit(
        session,
        row_ids,
        (limit,),
        window_s=settings.auth_login_starts_window_s,
        message="Too many Spotify logins started from this address; try again later.",
    )


async def record_hit(session: AsyncSession, key: str) -> tuple[int, ...]:
    """Count one call under ``key`` (e.g. ``room-join:<address>``); commit before judging."""
    row = LoginAttempt(key=key, created_at=utcnow())
    session.add(row)
    await session.flush()
    return (row.id,)


async def judge_hit(
    session: AsyncSession,
    key: str,
    *,
    limit: int,
    window_s: int,
    message: str,
    row_ids: tuple[int, ...],
) -> RateLimited | None:
    """RATE_LIMITED (and the call taken back) when ``key`` has more than ``limit`` calls in
    the window, this one included; None when it may go on."""
    return await _over_limit(
        session, row_ids, ((key, limit, "address"),), window_s=window_s, message=message
    )


async def _over_limit(
    session: AsyncSession,
    row_ids: tuple[int, ...],
    limits: Iterable[tuple[str, int, str]],
    *,
    window_s: int,
    message: str,
) -> RateLimited | None:
    now = utcnow()
    since = now - dt.timedelta(seconds=window_s)
    for key, limit, scope in limits:
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(LoginAttempt.created_at)).where(
                    LoginAttempt.key == key, LoginAttempt.created_at > since
                )
            )
        ).one()
        if count > limit:
            # A refused attempt never reached what it asked for: nothing to remember.
            await _take_back(session, row_ids)
            return RateLimited(
                message, retry_after=_retry_after(oldest, window_s, now), scope=scope
            )
    return None


async def succeeded(session: AsyncSession, attempt: Attempt) -> None:
    """Forget the account's failures after a successful login; the address keeps its
    earlier failures but not this attempt."""
    await session.execute(
        delete(LoginAttempt).where(LoginAttempt.key == account_key(attempt.email))
    )
    await _take_back(session, attempt.row_ids)


async def _take_back(session: AsyncSession, row_ids: tuple[int, ...]) -> None:
    await session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(row_ids)))


async def prune(session: AsyncSession, settings: Settings) -> int:
    """Delete attempts older than their window (the longer of the two); returns how many."""
    window_s = max(
        settings.auth_failure_window_s,
        settings.auth_login_starts_window_s,
        settings.room_joins_window_s,
    )
    since = utcnow() - dt.timedelta(seconds=window_s)
    result = await session.execute(delete(LoginAttempt).where(LoginAttempt.created_at <= since))
    return int(result.rowcount)  # type: ignore[attr-defined]


def _retry_after(oldest: object, window_s: int, now: dt.datetime) -> float:
    if not isinstance(oldest, dt.datetime):
        return float(window_s)
    if oldest.tzinfo is None:  # SQLite's MIN() returns the raw value, without a zone
        oldest = oldest.replace(tzinfo=dt.UTC)
    window_end = oldest + dt.timedelta(seconds=window_s)
    return max(1.0, (window_end - now).total_seconds())
