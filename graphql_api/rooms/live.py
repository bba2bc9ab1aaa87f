"""The room's live state: the query, and the subscription that also makes its guest present.

A subscription never holds a session: it reads the state once, then forwards the states
other processes publish. Its presence row is written and renewed by the process's
``presence_writer`` (every row of the process in one statement, every third of the
presence TTL, however busy the room). It
ends with FORBIDDEN as soon as its participant is kicked, wherever the kick happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator

from graphql_api.db.models import Room
from graphql_api.errors import Forbidden
from graphql_api.events import Subscription
from graphql_api.resources import Resources
from graphql_api.rooms.events import channel, kicked_id
from graphql_api.rooms.membership import Caller, participant_of, room_by_code
from graphql_api.rooms.presence_writer import writer
from graphql_api.rooms.state import RoomState, load_state

log = logging.getLogger(__name__)


async def room_state(resources: Resources, code: str, caller: Caller) -> RoomState:
    """The state of the room with ``code``, for one of its participants."""
    async with resources.reader() as session:
        room = await room_by_code(session, code)
        await participant_of(session, resources.settings, room, caller)
        return await load_state(session, room)


async def _presence(resources: Resources, room_id: int, participant_id: int) -> int:
    """Make ``participant_id`` present in the room; returns the presence row's id."""
    return await writer(resources).enter(room_id, participant_id)


# States parsed in this process, by (room, version): every local subscriber of a room gets
# the same message, and parsing it once instead of once each keeps a vote cheap for 500.
_parsed: dict[tuple[int, int], RoomState] = {}
PARSED_KEPT = 256


def _parse(data: dict[str, object]) -> RoomState:
    key = (int(data["room_id"]), int(data["version"]))  # type: ignore[call-overload]
    state = _parsed.get(key)
    if state is None:
        state = _parsed[key] = RoomState.from_json(data)
        while len(_parsed) > PARSED_KEPT:
            del _parsed[next(iter(_parsed))]
    return state


async def _read(resources: Resources, room_id: int) -> RoomState:
    async with resources.reader() as session:
        room = await session.get(Room, room_id)
        assert room is not None
        return await load_state(session, room)


async def _next(subscription: Subscription, wait_s: float) -> dict[str, object] | None:
    """The next message, or None when none came within ``wait_s``."""
    try:
        async with asyncio.timeout(wait_s):
            return await anext(subscription)
    except TimeoutError:
        return None


async def room_updates(
    resources: Resources, code: str, caller: Caller
) -> AsyncGenerator[RoomState, None]:
    """The room's whole state, then every change; the caller counts as present meanwhile."""
    async with resources.reader() as session:
        room = await room_by_code(session, code)
        participant = await participant_of(session, resources.settings, room, caller)
    room_id, participant_id = room.id, participant.id
    renew_every = resources.settings.room_presence_ttl_s / 3  # how often to look
    # Subscribe first: a change published while we enter is not lost.
    async with resources.pubsub.subscribe(channel(room_id)) as subscription:
        presence_id = await _presence(resources, room_id, participant_id)
        try:
            # Everyone else learns of us shortly (once for a burst of arrivals):
            # presence_writer publishes the room once the batch has committed.
            state = await _read(resources, room_id)
            yield state
            last = state.version
            while True:
                message = await _next(subscription, renew_every)
                if writer(resources).gone(presence_id):
                    # Our row is gone (a kick or a leave elsewhere): check why.
                    await room_state(resources, code, caller)
                    await writer(resources).exit(room_id, presence_id)
                    presence_id = await _presence(resources, room_id, participant_id)
                if message is None:
                    continue
                if kicked_id(message) == participant_id:
                    raise Forbidden("The host removed you from this room.", reason="KICKED")
                data = message.get("state")
                if not isinstance(data, dict):
                    continue
                version = data.get("version")
                if not isinstance(version, int) or version <= last:
                    continue
                state = _parse(data)
                last = state.version
                yield state
                if state.closed:
                    return
        finally:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.shield(writer(resources).exit(room_id, presence_id))
