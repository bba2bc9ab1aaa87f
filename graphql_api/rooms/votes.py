"""Votes to skip: one per participant per playing track, and the skip decided once.

Votes of one room run one after another (``changes.lock_room`` locks the room row first),
so each vote counts every vote committed before it; the vote that reaches the threshold
sets ``skipped_seq`` to the playing track's ``play_seq``, and a later vote for that track
finds it set. Only the transaction that set it calls Spotify: exactly one skip, however
many votes arrive at once on however many API processes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Room, RoomParticipant, RoomSkipVote
from graphql_api.errors import Conflict
from graphql_api.rooms import presence
from graphql_api.rooms.settings import skip_threshold


@dataclass(frozen=True)
class SkipVote:
    """The outcome of one vote: whether it decided the skip of track ``play_seq``."""

    play_seq: int
    votes: int
    threshold: int
    decided: bool


def claim_skip(room: Room) -> bool:
    """Mark the playing track skipped (on a locked room); False when it already was."""
    if room.skipped_seq == room.play_seq:
        return False
    room.skipped_seq = room.play_seq
    return True


async def vote_to_skip(
    session: AsyncSession, room: Room, participant: RoomParticipant, track_number: int | None
) -> SkipVote:
    """Count ``participant``'s vote against the playing track of the (locked) ``room``.

    ``track_number``: the track the voter saw (the state's ``play_seq``). A vote that
    arrives once that track is over is refused (``TRACK_CHANGED``) instead of counting
    against a track the voter never heard: one burst of clicks skips one track.
    """
    if room.item is None:
        raise Conflict("Nothing is playing in this room.", reason="NOTHING_PLAYING")
    seq = room.play_seq
    if track_number is not None and (track_number != seq or room.skipped_seq == seq):
        raise Conflict("That track is over; vote again if you like.", reason="TRACK_CHANGED")
    already = await session.scalar(
        select(RoomSkipVote.id).where(
            RoomSkipVote.room_id == room.id,
            RoomSkipVote.play_seq == seq,
            RoomSkipVote.participant_id == participant.id,
        )
    )
    if already is not None:
        raise Conflict("You already voted to skip this track.", reason="ALREADY_VOTED")
    session.add(RoomSkipVote(room_id=room.id, play_seq=seq, participant_id=participant.id))
    await session.flush()
    votes = int(
        await session.scalar(
            select(func.count()).where(
                RoomSkipVote.room_id == room.id, RoomSkipVote.play_seq == seq
            )
        )
        or 0
    )
    present = await presence.present_guests(session, room.id)
    threshold = skip_threshold(room.votes_to_skip, room.skip_share, present)
    decided = votes >= threshold and claim_skip(room)
    return SkipVote(play_seq=seq, votes=votes, threshold=threshold, decided=decided)
