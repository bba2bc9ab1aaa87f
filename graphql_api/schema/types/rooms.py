"""Listening room types: the room's whole state, its queue, its participants, its settings."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry
from strawberry.relay import GlobalID

from graphql_api.listening.playback import PlayingItem as PlayingItemData
from graphql_api.rooms.joining import Joined
from graphql_api.rooms.settings import RoomSettings as RoomSettingsData
from graphql_api.rooms.state import Participant, QueueEntry, RoomState
from graphql_api.schema.types.listening import PlayingItem

QUEUE_ITEM = "RoomQueueItem"
PARTICIPANT = "RoomParticipant"


@strawberry.type(description="How a room decides and what its guests may do.")
class RoomSettings:
    votes_to_skip: int | None = strawberry.field(
        description="Votes that skip the playing track; null when skipShare decides."
    )
    skip_share: float | None = strawberry.field(
        description="Share of the guests present whose votes skip it (rounded up)."
    )
    guest_can_pause: bool
    guest_can_queue: bool
    max_queued_per_guest: int

    @classmethod
    def from_data(cls, data: RoomSettingsData) -> Self:
        return cls(
            votes_to_skip=data.votes_to_skip,
            skip_share=data.skip_share,
            guest_can_pause=data.guest_can_pause,
            guest_can_queue=data.guest_can_queue,
            max_queued_per_guest=data.max_queued_per_guest,
        )


@strawberry.input(
    description="A room's settings: give votesToSkip or skipShare (default: skipShare 0.5)."
)
class RoomSettingsInput:
    votes_to_skip: int | None = None
    skip_share: float | None = None
    guest_can_pause: bool = False
    guest_can_queue: bool = True
    max_queued_per_guest: int = 3

    def to_data(self) -> RoomSettingsData:
        share = self.skip_share
        if self.votes_to_skip is None and share is None:
            share = 0.5
        return RoomSettingsData(
            votes_to_skip=self.votes_to_skip,
            skip_share=share,
            guest_can_pause=self.guest_can_pause,
            guest_can_queue=self.guest_can_queue,
            max_queued_per_guest=self.max_queued_per_guest,
        )


@strawberry.type(description="A song in the room's queue (most votes first, then oldest).")
class RoomQueueEntry:
    id: GlobalID
    uri: str
    name: str
    artists: str
    duration_ms: int | None
    votes: int
    added_at: dt.datetime
    added_by: str = strawberry.field(description="The display name of who queued it.")

    @classmethod
    def from_data(cls, entry: QueueEntry) -> Self:
        return cls(
            id=GlobalID(QUEUE_ITEM, str(entry.id)),
            uri=entry.uri,
            name=entry.name,
            artists=entry.artists,
            duration_ms=entry.duration_ms,
            votes=entry.votes,
            added_at=dt.datetime.fromisoformat(entry.added_at),
            added_by=entry.added_by,
        )


@strawberry.type(description="Someone in the room: the host, a member or a guest.")
class RoomParticipant:
    id: GlobalID
    display_name: str
    is_host: bool
    is_member: bool = strawberry.field(description="Joined with a Mixtape account.")
    present: bool = strawberry.field(description="Has the room open right now.")

    @classmethod
    def from_data(cls, data: Participant) -> Self:
        return cls(
            id=GlobalID(PARTICIPANT, str(data.id)),
            display_name=data.display_name,
            is_host=data.is_host,
            is_member=data.is_member,
            present=data.present,
        )


@strawberry.type(description="A listening room's whole state, the same for every participant.")
class Room:
    code: str
    name: str
    version: int = strawberry.field(description="Grows with every change of the room.")
    closed: bool
    settings: RoomSettings
    track: PlayingItem | None = strawberry.field(description="What the host's player plays.")
    track_number: int = strawberry.field(
        description="Which track of the room this is (1, 2, ...): votes to skip are per track."
    )
    is_playing: bool
    progress_ms: int | None = strawberry.field(description="Progress at observedAt.")
    observed_at: dt.datetime | None
    skip_votes: int = strawberry.field(description="Votes to skip the playing track.")
    skip_threshold: int = strawberry.field(description="Votes that skip it now.")
    guests_present: int = strawberry.field(description="Guests with the room open.")
    problems: list[str] = strawberry.field(
        description=(
            "What keeps the room from playing as asked: PREMIUM_REQUIRED, NO_ACTIVE_DEVICE, "
            "SPOTIFY_RELINK_REQUIRED, SPOTIFY_RATE_LIMITED, SPOTIFY_UNAVAILABLE, SPOTIFY_REFUSED."
        )
    )
    played_count: int = strawberry.field(description="Tracks played in the room so far.")
    # Built only when asked for: 500 subscribers of a room of 500 would each build 500.
    state: strawberry.Private[RoomState]

    @strawberry.field(description="The shared queue: most votes first, then oldest.")  # type: ignore[untyped-decorator]
    def queue(self) -> list[RoomQueueEntry]:
        return [RoomQueueEntry.from_data(entry) for entry in self.state.queue]

    @strawberry.field(description="Who is in the room (not kicked, not gone).")  # type: ignore[untyped-decorator]
    def participants(self) -> list[RoomParticipant]:
        return [RoomParticipant.from_data(p) for p in self.state.participants]

    @classmethod
    def from_state(cls, state: RoomState) -> Self:
        return cls(
            code=state.code,
            name=state.name,
            version=state.version,
            closed=state.closed,
            settings=RoomSettings.from_data(state.settings),
            track=PlayingItem.from_data(PlayingItemData.from_json(state.item))
            if state.item
            else None,
            track_number=state.play_seq,
            is_playing=state.is_playing,
            progress_ms=state.progress_ms,
            observed_at=state.observed,
            skip_votes=state.skip_votes,
            skip_threshold=state.skip_threshold,
            guests_present=state.guests_present,
            state=state,
            problems=list(state.problems),
            played_count=state.played_count,
        )


@strawberry.type(description="A room joined, and who you are in it.")
class RoomJoin:
    room: Room
    participant_id: GlobalID
    guest_token: str | None = strawberry.field(
        description=(
            "For guests without an account: send it as the `X-Room-Token` header (or "
            "`roomToken` in a websocket's connection_init payload). It works for this room "
            "only, and ends with it or when the host kicks you."
        )
    )

    @classmethod
    def from_joined(cls, joined: Joined) -> Self:
        return cls(
            room=Room.from_state(joined.state),
            participant_id=GlobalID(PARTICIPANT, str(joined.participant_id)),
            guest_token=joined.guest_token,
        )
