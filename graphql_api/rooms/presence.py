"""Who is present: a participant counts while one of their room subscriptions is open.

Each open subscription is a row that its process renews every third of
``room_presence_ttl_s``; a process that dies leaves rows that expire on their own. Rows
live in the database, so every API process counts the same guests.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import RoomParticipant, RoomPresence


def _expiry(ttl_s: float) -> dt.datetime:
    return utcnow() + dt.timedelta(seconds=ttl_s)


async def enter(session: AsyncSession, room_id: int, participant_id: int, ttl_s: float) -> int:
    """Record an open subscription; returns its id (for :func:`renew` and :func:`exit`)."""
    row = RoomPresence(room_id=room_id, participant_id=participant_id, expires_at=_expiry(ttl_s))
    session.add(row)
    await session.flush()
    return row.id


async def renew(session: AsyncSession, presence_id: int, ttl_s: float) -> bool:
    """Push the subscription's expiry on; False when its row is gone (a kick, a leave)."""
    result = await session.execute(
        update(RoomPresence).where(RoomPresence.id == presence_id).values(expires_at=_expiry(ttl_s))
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def exit_(session: AsyncSession, presence_id: int) -> None:
    await session.execute(delete(RoomPresence).where(RoomPresence.id == presence_id))


async def present_guests(session: AsyncSession, room_id: int) -> int:
    """Participants other than the host with an open, unexpired subscription."""
    count = await session.scalar(
        select(func.count(func.distinct(RoomPresence.participant_id)))
        .join(RoomParticipant, RoomParticipant.id == RoomPresence.participant_id)
        .where(
            RoomPresence.room_id == room_id,
            RoomPresence.expires_at > utcnow(),
            RoomParticipant.is_host.is_(False),
            RoomParticipant.kicked_at.is_(None),
            RoomParticipant.left_at.is_(None),
        )
    )
    return int(count or 0)


async def present_ids(session: AsyncSession, room_id: int) -> set[int]:
    """The participants with an open subscription."""
    rows = await session.scalars(
        select(RoomPresence.participant_id).where(
            RoomPresence.room_id == room_id, RoomPresence.expires_at > utcnow()
        )
    )
    return set(rows)
