"""Every change of a room goes through here: lock the room row, bump its version, and
publish the new state once the transaction has committed."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Room
from graphql_api.db.uow import UnitOfWork
from graphql_api.errors import NotFound
from graphql_api.resources import Resources
from graphql_api.rooms.events import channel, kicked_message, state_message
from graphql_api.rooms.state import RoomState, load_state

log = logging.getLogger(__name__)


async def lock_room(session: AsyncSession, room_id: int) -> Room:
    """The room, locked for this transaction, its version bumped.

    The UPDATE comes first: it takes the row's lock on PostgreSQL (and the write lock on
    SQLite), so that changes of one room (votes above all) run one after another, each
    seeing every change committed before it.
    """
    await session.execute(update(Room).where(Room.id == room_id).values(version=Room.version + 1))
    room = await session.get(Room, room_id, populate_existing=True)
    if room is None:
        raise NotFound("No room has this code.", reason="ROOM_NOT_FOUND")
    return room


def require_open(room: Room) -> Room:
    if room.closed_at is not None:
        raise NotFound("This room is closed.", reason="ROOM_CLOSED")
    return room


async def publish_state(resources: Resources, room_id: int) -> RoomState | None:
    """Read the room's state and publish it to every participant on every process."""
    async with resources.reader() as session:
        room = await session.get(Room, room_id)
        if room is None:
            return None
        state = await load_state(session, room)
    await resources.pubsub.publish(channel(room_id), state_message(state.as_json()))
    return state


# Rooms whose state this process will publish shortly (one task per resources and room):
# presence changes come in bursts (a party arriving, a process restarting and 500
# subscriptions coming back), and one state for the burst does what 500 would, without
# sending 500 states to 500 subscribers.
_soon: dict[tuple[int, int], asyncio.Task[None]] = {}
COALESCE_S = 0.1


def publish_soon(resources: Resources, room_id: int) -> None:
    """Publish the room's state within :data:`COALESCE_S`, once for every call meanwhile."""
    key = (id(resources), room_id)
    if key in _soon:
        return

    async def publish() -> None:
        try:
            await asyncio.sleep(COALESCE_S)
        finally:
            # From here on a new change schedules a publish of its own.
            if _soon.get(key) is asyncio.current_task():
                del _soon[key]
        try:
            await publish_state(resources, room_id)
        except Exception:
            log.exception("publishing room %s failed", room_id)

    _soon[key] = asyncio.create_task(publish(), name=f"job:room-publish:{room_id}")


def publish_after_commit(uow: UnitOfWork, resources: Resources, room_id: int) -> None:
    """Publish the room's state once ``uow`` has committed."""

    async def publish() -> None:
        try:
            await publish_state(resources, room_id)
        except Exception:  # the change is committed; subscribers catch up at the next one
            log.exception("publishing room %s failed", room_id)

    uow.after_commit(publish)


def publish_kick_after_commit(
    uow: UnitOfWork, resources: Resources, room_id: int, participant_id: int
) -> None:
    """Tell the kicked participant's open subscriptions (on any process) to end."""

    async def publish() -> None:
        await resources.pubsub.publish(channel(room_id), kicked_message(participant_id))

    uow.after_commit(publish)
