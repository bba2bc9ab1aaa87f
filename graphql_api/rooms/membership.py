"""Who is in a room: finding an open room by code, the caller's participant, joining,
leaving and kicking. Every room operation starts here: :func:`participant_of` is the one
authorization check of a room (a guest token is for its own room only; a kicked or gone
participant is refused at once)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import Room, RoomParticipant, RoomPresence, User
from graphql_api.errors import BadUserInput, Forbidden, NotFound, Unauthenticated
from graphql_api.kit.text import check_text
from graphql_api.rooms import codes, guest_tokens
from graphql_api.settings import Settings

MAX_DISPLAY_NAME = 40


@dataclass(frozen=True)
class Caller:
    """Who asks: a logged-in viewer, a guest with a token, or both (the token wins)."""

    viewer_id: int | None
    guest_token: str | None


async def room_by_code(session: AsyncSession, code: str, *, closed_too: bool = False) -> Room:
    """The open room with ``code`` (or the last closed one, with ``closed_too``); NOT_FOUND
    (``ROOM_CLOSED`` when it was closed)."""
    normalized = codes.normalize(code)
    room = await session.scalar(
        select(Room).where(Room.code == normalized).order_by(Room.id.desc()).limit(1)
    )
    if room is None:
        raise NotFound("No room has this code.", reason="ROOM_NOT_FOUND")
    if room.closed_at is not None and not closed_too:
        raise NotFound("This room is closed.", reason="ROOM_CLOSED")
    return room


def _usable(participant: RoomParticipant | None) -> RoomParticipant:
    if participant is None:
        raise Forbidden("Join the room first.", reason="NOT_IN_ROOM")
    if participant.kicked_at is not None:
        raise Forbidden("The host removed you from this room.", reason="KICKED")
    if participant.left_at is not None:
        raise Forbidden("You left this room; join it again.", reason="LEFT_ROOM")
    return participant


async def participant_of(
    session: AsyncSession, settings: Settings, room: Room, caller: Caller
) -> RoomParticipant:
    """The caller's participant in ``room``; FORBIDDEN when they are not (or no longer) in
    it, or hold a guest token of another room; UNAUTHENTICATED when anonymous."""
    if caller.guest_token is not None:
        claims = guest_tokens.verify(settings, caller.guest_token)
        if claims.room_id != room.id:
            raise Forbidden("This guest token is for another room.", reason="WRONG_ROOM")
        participant = await session.get(RoomParticipant, claims.participant_id)
        return _usable(participant if participant and participant.room_id == room.id else None)
    if caller.viewer_id is None:
        raise Unauthenticated("Log in, or join the room as a guest.")
    participant = await session.scalar(
        select(RoomParticipant).where(
            RoomParticipant.room_id == room.id, RoomParticipant.user_id == caller.viewer_id
        )
    )
    return _usable(participant)


def require_host(participant: RoomParticipant, action: str) -> None:
    if not participant.is_host:
        raise Forbidden(f"Only the host can {action}.", reason="HOST_ONLY")


def display_name(value: str) -> str:
    """A guest's name, cleaned; BAD_USER_INPUT when empty or too long."""
    name = check_text(value, MAX_DISPLAY_NAME, name="displayName", argument="displayName").strip()
    if not name:
        raise BadUserInput(
            f"A display name has 1 to {MAX_DISPLAY_NAME} characters.", argument="displayName"
        )
    return name


async def join(session: AsyncSession, room: Room, user_id: int) -> RoomParticipant:
    """The logged-in ``user_id`` joins (again: after leaving); a kicked user may not."""
    participant = await session.scalar(
        select(RoomParticipant).where(
            RoomParticipant.room_id == room.id, RoomParticipant.user_id == user_id
        )
    )
    if participant is not None:
        if participant.kicked_at is not None:
            raise Forbidden("The host removed you from this room.", reason="KICKED")
        participant.left_at = None
        return participant
    user = await session.get(User, user_id)
    if user is None:
        raise Unauthenticated("You need to be logged in.")
    participant = RoomParticipant(
        room_id=room.id, user_id=user_id, display_name=user.display_name[:MAX_DISPLAY_NAME]
    )
    session.add(participant)
    await session.flush()
    return participant


async def join_as_guest(session: AsyncSession, room: Room, name: str) -> RoomParticipant:
    """A guest without an account joins under ``name``."""
    participant = RoomParticipant(room_id=room.id, display_name=display_name(name))
    session.add(participant)
    await session.flush()
    return participant


async def leave(session: AsyncSession, participant: RoomParticipant) -> None:
    """The participant leaves (the host closes the room instead)."""
    if participant.is_host:
        raise BadUserInput("The host closes the room instead of leaving it.", reason="HOST_LEAVES")
    participant.left_at = utcnow()
    await session.execute(delete(RoomPresence).where(RoomPresence.participant_id == participant.id))


async def kick(session: AsyncSession, room: Room, participant_id: int) -> RoomParticipant:
    """Remove a participant for good; their token and subscriptions end at once."""
    target = await session.get(RoomParticipant, participant_id)
    if target is None or target.room_id != room.id:
        raise NotFound("No such guest in this room.", reason="GUEST_NOT_FOUND")
    if target.is_host:
        raise BadUserInput("The host cannot be kicked.", reason="KICK_HOST")
    target.kicked_at = target.kicked_at or utcnow()
    await session.execute(delete(RoomPresence).where(RoomPresence.participant_id == target.id))
    return target
