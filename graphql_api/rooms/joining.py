"""Joining and leaving: members with their account, guests with a name (and a token for
this room only), joins rate-limited per client address; the host kicks."""

from __future__ import annotations

from dataclasses import dataclass

from graphql_api.auth import rate_limit
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import Unauthenticated
from graphql_api.resources import Resources
from graphql_api.rooms import guest_tokens, membership
from graphql_api.rooms.changes import (
    lock_room,
    publish_after_commit,
    publish_kick_after_commit,
    require_open,
)
from graphql_api.rooms.hosting import read_state
from graphql_api.rooms.membership import Caller, participant_of, require_host, room_by_code
from graphql_api.rooms.state import RoomState


@dataclass(frozen=True)
class Joined:
    state: RoomState
    participant_id: int
    guest_token: str | None


async def _admit(resources: Resources, address: str | None) -> None:
    """Count the join against its address (committed first, as logins are); RATE_LIMITED
    past ``room_joins_per_address`` per window, which keeps codes from being guessed."""
    key = f"room-join:{address or 'unknown'}"
    async with unit_of_work(resources.sessionmaker) as uow:
        row_ids = await rate_limit.record_hit(uow.session, key)
    settings = resources.settings
    async with unit_of_work(resources.sessionmaker) as uow:
        refused = await rate_limit.judge_hit(
            uow.session,
            key,
            limit=settings.room_joins_per_address,
            window_s=settings.room_joins_window_s,
            message="Too many room joins from this address; try again later.",
            row_ids=row_ids,
        )
    if refused is not None:
        raise refused


async def join(resources: Resources, code: str, user_id: int | None, address: str | None) -> Joined:
    """A logged-in user joins the room with ``code``."""
    if user_id is None:
        raise Unauthenticated("Log in to join with your account, or join as a guest.")
    await _admit(resources, address)
    async with unit_of_work(resources.sessionmaker) as uow:
        room = await room_by_code(uow.session, code)
        room = require_open(await lock_room(uow.session, room.id))
        participant = await membership.join(uow.session, room, user_id)
        publish_after_commit(uow, resources, room.id)
    return Joined(await read_state(resources, room.id), participant.id, None)


async def join_as_guest(
    resources: Resources, code: str, display_name: str, address: str | None
) -> Joined:
    """Someone without an account joins under ``display_name``; they get a guest token."""
    membership.display_name(display_name)
    await _admit(resources, address)
    async with unit_of_work(resources.sessionmaker) as uow:
        room = await room_by_code(uow.session, code)
        room = require_open(await lock_room(uow.session, room.id))
        participant = await membership.join_as_guest(uow.session, room, display_name)
        publish_after_commit(uow, resources, room.id)
    token = guest_tokens.issue(resources.settings, participant_id=participant.id, room_id=room.id)
    return Joined(await read_state(resources, room.id), participant.id, token)


async def leave(resources: Resources, code: str, caller: Caller) -> RoomState:
    async with unit_of_work(resources.sessionmaker) as uow:
        room = await room_by_code(uow.session, code)
        participant = await participant_of(uow.session, resources.settings, room, caller)
        await lock_room(uow.session, room.id)
        await membership.leave(uow.session, participant)
        publish_after_commit(uow, resources, room.id)
    return await read_state(resources, room.id)


async def kick(resources: Resources, code: str, caller: Caller, participant_id: int) -> RoomState:
    """The host removes a participant: their token and open subscriptions end at once."""
    async with unit_of_work(resources.sessionmaker) as uow:
        room = await room_by_code(uow.session, code)
        require_host(await participant_of(uow.session, resources.settings, room, caller), "kick")
        room = require_open(await lock_room(uow.session, room.id))
        await membership.kick(uow.session, room, participant_id)
        publish_kick_after_commit(uow, resources, room.id, participant_id)
        publish_after_commit(uow, resources, room.id)
    return await read_state(resources, room.id)
