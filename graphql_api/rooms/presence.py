"""Who is present: a participant counts while one of their room subscriptions is open.

Each open subscription is a row that its process renews every third of
``room_presence_ttl_s`` (written in batches: ``presence_writer``); a process that dies
leaves rows that expire on their own. Rows live in the database, so every API process
counts the same guests.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import RoomParticipant, RoomPresence


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
