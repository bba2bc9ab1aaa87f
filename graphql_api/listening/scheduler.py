"""Which users are due a poll, claimed atomically so that one poll at most is in flight.

The schedule is the ``pollers`` table: any number of processes run the loop, and each
claims due users by pushing their ``next_poll_at`` one lease ahead in the same
transaction that found them. PostgreSQL: ``FOR UPDATE SKIP LOCKED``. SQLite (one
writer at a time): a conditional ``UPDATE … WHERE next_poll_at = <what we read>``.
A process that dies mid-poll only delays that user by the lease.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.base import utcnow
from graphql_api.db.models import Poller, SpotifyAccount, User
from graphql_api.library.bulk import chunks


@dataclass(frozen=True)
class Claim:
    """A poll this process now owns."""

    user_id: int
    last_poll_at: dt.datetime | None
    consecutive_errors: int
    # When the poll was scheduled for (how late it runs is a metric).
    due_at: dt.datetime | None = None
    # The ``next_poll_at`` the claim wrote: the process owns the user while it is still there.
    leased_until: dt.datetime | None = None
    # The first poll since the claim: it records itself in the poller row even when idle
    # (later idle polls of the same owner write nothing).
    fresh: bool = True


def _pollable() -> list[ColumnElement[bool]]:
    """Users who may be polled: polling on, a working link, and not disabled by an operator
    (``mixtape admin users disable``: the owner of a disabled user drops them before its
    next poll, see ``still_owned``). Queries join ``SpotifyAccount`` and ``User``."""
    return [
        Poller.enabled.is_(True),
        SpotifyAccount.needs_relink.is_(False),
        User.disabled_at.is_(None),
    ]


def _due(now: dt.datetime) -> list[ColumnElement[bool]]:
    return [*_pollable(), Poller.next_poll_at <= now]


async def ensure_pollers(
    sessionmaker: async_sessionmaker[AsyncSession],
    reader: async_sessionmaker[AsyncSession] | None = None,
) -> int:
    """Give every linked user a poller row (polling is on by default); returns how many.
    ``reader``: sessions to look with (on SQLite, a reader's takes no write lock)."""
    missing = ~exists().where(Poller.user_id == SpotifyAccount.user_id)
    # Read first: on SQLite even an empty INSERT … SELECT takes the write lock.
    async with (reader or sessionmaker)() as session:
        user_ids = (await session.scalars(select(SpotifyAccount.user_id).where(missing))).all()
    if not user_ids:
        return 0
    async with sessionmaker() as session:
        for user_id in user_ids:
            session.add(Poller(user_id=user_id, enabled=True, next_poll_at=utcnow()))
        try:
            await session.commit()
        except Exception:  # another process created them first
            await session.rollback()
            return 0
        return len(user_ids)


def _claim_of(row: Any, leased_until: dt.datetime) -> Claim:
    return Claim(
        row.user_id, row.last_poll_at, row.consecutive_errors, row.next_poll_at, leased_until
    )


async def claim_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    limit: int,
    lease: dt.timedelta,
    reader: async_sessionmaker[AsyncSession] | None = None,
) -> list[Claim]:
    """Claim up to ``limit`` due users for this process, most overdue first. ``reader``:
    on SQLite, sessions to look for due users with, so that a tick that finds none takes
    no write lock."""
    now = utcnow()
    query = (
        select(Poller.user_id, Poller.next_poll_at, Poller.last_poll_at, Poller.consecutive_errors)
        .join(SpotifyAccount, SpotifyAccount.user_id == Poller.user_id)
        .join(User, User.id == Poller.user_id)
        .where(*_due(now))
        .order_by(Poller.next_poll_at)
        .limit(limit)
    )
    leased_until = now + lease
    async with sessionmaker() as session:
        if session.get_bind().dialect.name == "postgresql":
            rows = (await session.execute(query.with_for_update(of=Poller, skip_locked=True))).all()
            if rows:
                await session.execute(
                    update(Poller)
                    .where(Poller.user_id.in_([row.user_id for row in rows]))
                    .values(next_poll_at=leased_until)
                )
            await session.commit()
            return [_claim_of(row, leased_until) for row in rows]
        if reader is not None:
            async with reader() as looking:
                rows = (await looking.execute(query)).all()
        else:
            rows = (await session.execute(query)).all()
            await session.commit()  # end the read: a stale WAL snapshot cannot then write
        if not rows:
            return []
        claims = []
        for row in rows:
            result = await session.execute(
                update(Poller)
                .where(and_(Poller.user_id == row.user_id, Poller.next_poll_at == row.next_poll_at))
                .values(next_poll_at=leased_until)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claims.append(_claim_of(row, leased_until))
        await session.commit()
        return claims


def same_instant(a: dt.datetime | None, b: dt.datetime | None) -> bool:
    """Whether two stored timestamps are the same (SQLite hands naive UTC back)."""
    if a is None or b is None:
        return a is b
    return a.replace(tzinfo=a.tzinfo or dt.UTC) == b.replace(tzinfo=b.tzinfo or dt.UTC)


async def still_owned(
    sessionmaker: async_sessionmaker[AsyncSession], leases: dict[int, dt.datetime]
) -> set[int]:
    """Which of ``leases`` (user id -> the ``next_poll_at`` this process wrote) this process
    still owns: the lease is still there (nobody re-scheduled or re-claimed the user; turning
    polling off or on, or a failed poll, re-schedules) and the user may be polled (polling
    on, link working, account not disabled). A read (pass a reader's sessions)."""
    if not leases:
        return set()
    owned: set[int] = set()
    async with sessionmaker() as session:
        for chunk in chunks(sorted(leases)):
            rows = await session.execute(
                select(Poller.user_id, Poller.next_poll_at)
                .join(SpotifyAccount, SpotifyAccount.user_id == Poller.user_id)
                .join(User, User.id == Poller.user_id)
                .where(Poller.user_id.in_(chunk), *_pollable())
            )
            owned.update(uid for uid, at in rows if same_instant(at, leases[uid]))
    return owned


async def renew_leases(
    sessionmaker: async_sessionmaker[AsyncSession],
    leases: dict[int, tuple[dt.datetime, dt.datetime | None]],
    lease: dt.timedelta,
) -> dict[int, dt.datetime]:
    """Extend the leases this process holds (user id -> (the ``next_poll_at`` it wrote, its
    last poll)), recording the last poll too; returns the new lease of each user still
    owned (a user whose lease changed meanwhile is someone else's now)."""
    if not leases:
        return {}
    renewed: dict[int, dt.datetime] = {}
    until = utcnow() + lease
    async with sessionmaker() as session:
        for user_id in sorted(leases):
            held, last_poll_at = leases[user_id]
            result = await session.execute(
                update(Poller)
                .where(Poller.user_id == user_id, Poller.next_poll_at == held)
                .values(
                    next_poll_at=until,
                    **({"last_poll_at": last_poll_at} if last_poll_at is not None else {}),
                )
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                renewed[user_id] = until
        await session.commit()
    return renewed


async def release(
    sessionmaker: async_sessionmaker[AsyncSession],
    leases: dict[int, tuple[dt.datetime, dt.datetime]],
) -> None:
    """Hand users back to the schedule (user id -> (lease held, when the next poll is
    due)), so that any process claims them when due rather than when the lease ends."""
    if not leases:
        return
    async with sessionmaker() as session:
        for user_id in sorted(leases):
            held, due = leases[user_id]
            await session.execute(
                update(Poller)
                .where(Poller.user_id == user_id, Poller.next_poll_at == held)
                .values(next_poll_at=due)
            )
        await session.commit()


async def next_due_in(sessionmaker: async_sessionmaker[AsyncSession]) -> float | None:
    """Seconds until the earliest scheduled poll (None when nobody is scheduled)."""
    async with sessionmaker() as session:
        earliest = await session.scalar(
            select(Poller.next_poll_at)
            .join(SpotifyAccount, SpotifyAccount.user_id == Poller.user_id)
            .join(User, User.id == Poller.user_id)
            .where(*_pollable())
            .order_by(Poller.next_poll_at)
            .limit(1)
        )
    if earliest is None:
        return None
    return max(0.0, (earliest - utcnow()).total_seconds())
