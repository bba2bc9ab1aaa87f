"""What participants do in a room: vote to skip, pause and resume, skip (the host), and the
shared queue. Each authorizes the caller, changes the room under its lock, publishes the
new state after the commit, and only then talks to Spotify."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Room, RoomParticipant
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import BadUserInput, Conflict, Forbidden, MixtapeError
from graphql_api.resources import Resources
from graphql_api.rooms import playback, queue, votes
from graphql_api.rooms.changes import lock_room, publish_after_commit, require_open
from graphql_api.rooms.hosting import read_state
from graphql_api.rooms.membership import Caller, participant_of, require_host, room_by_code
from graphql_api.rooms.queue import Track
from graphql_api.rooms.state import RoomState


@dataclass(frozen=True)
class InRoom:
    room: Room
    participant: RoomParticipant
    session: AsyncSession


@asynccontextmanager
async def in_room(resources: Resources, code: str, caller: Caller) -> AsyncIterator[InRoom]:
    """The unit of work of one action: the room (locked, open) and the caller in it; the
    new state is published after the commit."""
    async with unit_of_work(resources.sessionmaker) as uow:
        room = await room_by_code(uow.session, code)
        participant = await participant_of(uow.session, resources.settings, room, caller)
        room = require_open(await lock_room(uow.session, room.id))
        publish_after_commit(uow, resources, room.id)
        yield InRoom(room, participant, uow.session)


async def vote_to_skip(
    resources: Resources, code: str, caller: Caller, track_number: int | None = None
) -> RoomState:
    """Vote to skip the playing track; the vote reaching the threshold skips it, once."""
    async with in_room(resources, code, caller) as inside:
        room, participant, session = inside.room, inside.participant, inside.session
        vote = await votes.vote_to_skip(session, room, participant, track_number)
        host_id, room_id = room.host_id, room.id
    if vote.decided:
        await playback.skip(resources, room_id, host_id, vote.play_seq)
    return await read_state(resources, room_id)


async def skip_track(resources: Resources, code: str, caller: Caller) -> RoomState:
    """The host skips the playing track (a second click for the same track does nothing)."""
    async with in_room(resources, code, caller) as inside:
        room, participant = inside.room, inside.participant
        require_host(participant, "skip without votes")
        if room.item is None:
            raise Conflict("Nothing is playing in this room.", reason="NOTHING_PLAYING")
        decided = votes.claim_skip(room)
        host_id, room_id, seq = room.host_id, room.id, room.play_seq
    if decided:
        await playback.skip(resources, room_id, host_id, seq)
    return await read_state(resources, room_id)


async def set_playing(resources: Resources, code: str, caller: Caller, playing: bool) -> RoomState:
    """Pause or resume: the host, and guests when the host lets them."""
    async with in_room(resources, code, caller) as inside:
        room, participant = inside.room, inside.participant
        if not participant.is_host and not room.guest_can_pause:
            raise Forbidden("The host does not let guests pause.", reason="GUEST_CANNOT_PAUSE")
        host_id, room_id = room.host_id, room.id
    path = "me/player/play" if playing else "me/player/pause"
    problem = await playback.command(resources, host_id, "PUT", path)
    await playback.set_problem(resources, room_id, problem)
    return await read_state(resources, room_id)


async def add_to_queue(
    resources: Resources, code: str, caller: Caller, *, song_id: int | None, uri: str | None
) -> RoomState:
    """Queue a catalog song or a Spotify track URI."""
    if (song_id is None) == (uri is None):
        raise BadUserInput("Give exactly one of songId and uri.", argument="songId")
    spotify_track = await _spotify_track(resources, code, queue.check_uri(uri)) if uri else None
    async with in_room(resources, code, caller) as inside:
        room, participant, session = inside.room, inside.participant, inside.session
        if spotify_track is not None:
            track = spotify_track
        else:
            assert song_id is not None
            track = await queue.catalog_track(session, song_id, caller.viewer_id)
        await queue.add(session, room, participant, track)
        room_id = room.id
    return await read_state(resources, room_id)


async def _spotify_track(resources: Resources, code: str, uri: str) -> Track:
    """The track a URI names, as Spotify describes it to the room's host."""
    async with resources.reader() as session:
        room = await room_by_code(session, code)
    client = resources.spotify.client_for(room.host_id)
    try:
        body = await client.get(f"tracks/{uri.rsplit(':', 1)[1]}")
    except MixtapeError as error:
        raise BadUserInput(
            "Spotify has no such track.", argument="uri", reason="BAD_URI"
        ) from error
    artists = ", ".join(str(a.get("name") or "") for a in (body or {}).get("artists") or [])
    return Track(
        uri, str((body or {}).get("name") or uri), artists, (body or {}).get("duration_ms")
    )


async def vote_queue_item(
    resources: Resources, code: str, caller: Caller, item_id: int
) -> RoomState:
    async with in_room(resources, code, caller) as inside:
        room, participant, session = inside.room, inside.participant, inside.session
        await queue.vote(session, room, participant, item_id)
        room_id = room.id
    return await read_state(resources, room_id)


async def remove_queue_item(
    resources: Resources, code: str, caller: Caller, item_id: int
) -> RoomState:
    async with in_room(resources, code, caller) as inside:
        room, participant, session = inside.room, inside.participant, inside.session
        require_host(participant, "remove songs from the queue")
        await queue.remove(session, room, item_id)
        room_id = room.id
    return await read_state(resources, room_id)
