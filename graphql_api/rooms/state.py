"""A room's whole state as every participant sees it: read once, published whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import (
    Room,
    RoomParticipant,
    RoomPlay,
    RoomQueueItem,
    RoomSkipVote,
    SpotifyAccount,
)
from graphql_api.rooms import presence
from graphql_api.rooms.settings import RoomSettings, skip_threshold

RELINK_REQUIRED = "SPOTIFY_RELINK_REQUIRED"


@dataclass(frozen=True)
class QueueEntry:
    id: int
    uri: str
    name: str
    artists: str
    duration_ms: int | None
    votes: int
    added_at: str
    added_by: str


@dataclass(frozen=True)
class Participant:
    id: int
    display_name: str
    is_host: bool
    is_member: bool
    present: bool


@dataclass(frozen=True)
class RoomState:
    room_id: int
    code: str
    name: str
    version: int
    closed: bool
    settings: RoomSettings
    item: dict[str, Any] | None
    is_playing: bool
    progress_ms: int | None
    observed_at: str | None
    play_seq: int
    skip_votes: int
    skip_threshold: int
    guests_present: int
    queue: tuple[QueueEntry, ...]
    participants: tuple[Participant, ...]
    problems: tuple[str, ...]
    played_count: int

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RoomState:
        values = dict(data)
        values["settings"] = RoomSettings(**values["settings"])
        values["queue"] = tuple(QueueEntry(**entry) for entry in values["queue"])
        values["participants"] = tuple(Participant(**p) for p in values["participants"])
        values["problems"] = tuple(values["problems"])
        return cls(**values)

    @property
    def observed(self) -> dt.datetime | None:
        return dt.datetime.fromisoformat(self.observed_at) if self.observed_at else None


def queue_order() -> tuple[Any, ...]:
    """The room's queue order: most votes first, then first added."""
    return (RoomQueueItem.votes.desc(), RoomQueueItem.added_at, RoomQueueItem.id)


async def load_state(session: AsyncSession, room: Room) -> RoomState:
    """The state of ``room`` as stored now."""
    names = {
        p.id: p
        for p in await session.scalars(
            select(RoomParticipant).where(RoomParticipant.room_id == room.id)
        )
    }
    present = await presence.present_ids(session, room.id)
    items = await session.scalars(
        select(RoomQueueItem)
        .where(
            RoomQueueItem.room_id == room.id,
            RoomQueueItem.handed_at.is_(None),
            RoomQueueItem.removed_at.is_(None),
        )
        .order_by(*queue_order())
    )
    votes = await session.scalar(
        select(func.count()).where(
            RoomSkipVote.room_id == room.id, RoomSkipVote.play_seq == room.play_seq
        )
    )
    played = await session.scalar(select(func.count()).where(RoomPlay.room_id == room.id))
    relink = await session.scalar(
        select(SpotifyAccount.needs_relink).where(SpotifyAccount.user_id == room.host_id)
    )
    guests_present = await presence.present_guests(session, room.id)
    problems = tuple(p for p in (room.problem, RELINK_REQUIRED if relink else None) if p)
    return RoomState(
        room_id=room.id,
        code=room.code,
        name=room.name,
        version=room.version,
        closed=room.closed_at is not None,
        settings=RoomSettings.of(room),
        item=room.item,
        is_playing=room.is_playing,
        progress_ms=room.progress_ms,
        observed_at=room.observed_at.isoformat() if room.observed_at else None,
        play_seq=room.play_seq,
        skip_votes=int(votes or 0),
        skip_threshold=skip_threshold(room.votes_to_skip, room.skip_share, guests_present),
        guests_present=guests_present,
        queue=tuple(
            QueueEntry(
                id=item.id,
                uri=item.uri,
                name=item.name,
                artists=item.artists,
                duration_ms=item.duration_ms,
                votes=item.votes,
                added_at=item.added_at.isoformat(),
                added_by=names[item.added_by].display_name if item.added_by in names else "",
            )
            for item in items
        ),
        participants=tuple(
            Participant(
                id=p.id,
                display_name=p.display_name,
                is_host=p.is_host,
                is_member=p.user_id is not None,
                present=p.id in present,
            )
            for p in names.values()
            if p.kicked_at is None and p.left_at is None
        ),
        problems=problems,
        played_count=int(played or 0),
    )
