"""The host's side of a room: opening it, changing its settings, closing it."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import Poller, Room, RoomParticipant, SpotifyAccount, User
from graphql_api.db.uow import UnitOfWork, unit_of_work
from graphql_api.errors import BadUserInput, Conflict, Forbidden
from graphql_api.kit.text import check_text
from graphql_api.listening.store import load_playback
from graphql_api.resources import Resources
from graphql_api.rooms import codes
from graphql_api.rooms.changes import lock_room, publish_after_commit, require_open
from graphql_api.rooms.follow import apply_playback
from graphql_api.rooms.membership import Caller, participant_of, require_host, room_by_code
from graphql_api.rooms.settings import RoomSettings
from graphql_api.rooms.state import RoomState, load_state

MAX_NAME = 100
CODE_ATTEMPTS = 8


def check_name(name: str) -> str:
    cleaned = check_text(name, MAX_NAME, name="name", argument="name").strip()
    if not cleaned:
        raise BadUserInput("A room needs a name.", argument="name")
    return cleaned


async def _ensure_polling(session: AsyncSession, user_id: int) -> None:
    """Turn the host's poller on, due at once (the poller loop may be adding its row)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    await session.execute(insert(Poller).values(user_id=user_id).on_conflict_do_nothing())
    await session.execute(
        update(Poller)
        .where(Poller.user_id == user_id)
        .values(enabled=True, stopped_reason=None, next_poll_at=utcnow())
    )


async def read_state(resources: Resources, room_id: int) -> RoomState:
    """The room's state as committed now."""
    async with resources.reader() as session:
        room = await session.get(Room, room_id, populate_existing=True)
        assert room is not None
        return await load_state(session, room)


async def create_room(
    resources: Resources, host_id: int, name: str, settings: RoomSettings
) -> RoomState:
    """Open a room hosted by ``host_id``, who must have linked a Spotify account."""
    settings = settings.checked()
    async with unit_of_work(resources.sessionmaker) as uow:
        session = uow.session
        account = await session.scalar(
            select(SpotifyAccount.user_id).where(SpotifyAccount.user_id == host_id)
        )
        if account is None:
            raise Forbidden("Link a Spotify account to host a room.", reason="SPOTIFY_NOT_LINKED")
        host = await session.get(User, host_id)
        assert host is not None
        checked_name = check_name(name)
        for _ in range(CODE_ATTEMPTS):
            room = Room(name=checked_name, host_id=host_id, code=codes.new_code(), version=1)
            room.play_seq = 0
            settings.apply(room)
            try:
                async with session.begin_nested():
                    session.add(room)
                    await session.flush()
                break
            except IntegrityError:  # the code names another open room: draw again
                continue
        else:
            raise Conflict("No free room code was found; try again.", reason="NO_FREE_CODE")
        session.add(
            RoomParticipant(
                room_id=room.id, user_id=host_id, display_name=host.display_name, is_host=True
            )
        )
        playback = await load_playback(session, host_id)
        if playback is not None:
            await apply_playback(session, room, playback)
        # The room follows the host's player through their poller: make sure it runs.
        await _ensure_polling(session, host_id)
        room_id = room.id
    return await read_state(resources, room_id)


async def _hosts_room(
    uow: UnitOfWork, resources: Resources, code: str, caller: Caller, action: str
) -> Room:
    """The open room with ``code``, locked, once the caller is its host; its new state is
    published after the commit."""
    room = await room_by_code(uow.session, code)
    participant = await participant_of(uow.session, resources.settings, room, caller)
    require_host(participant, action)
    room = require_open(await lock_room(uow.session, room.id))
    publish_after_commit(uow, resources, room.id)
    return room


async def update_settings(
    resources: Resources, code: str, caller: Caller, settings: RoomSettings
) -> RoomState:
    """Replace the room's settings (the host)."""
    settings = settings.checked()
    async with unit_of_work(resources.sessionmaker) as uow:
        room = await _hosts_room(uow, resources, code, caller, "change settings")
        settings.apply(room)
    return await read_state(resources, room.id)


async def close_room(resources: Resources, code: str, caller: Caller) -> RoomState:
    """Close the room: its code, guest tokens and subscriptions end."""
    async with unit_of_work(resources.sessionmaker) as uow:
        room = await _hosts_room(uow, resources, code, caller, "close the room")
        room.closed_at = utcnow()
    return await read_state(resources, room.id)
