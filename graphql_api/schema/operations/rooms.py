"""Listening room root fields (``graphql_api/resolvers/rooms.py`` does the work).

Rooms are named by their code; a guest without an account authenticates with the guest
token ``joinRoomAsGuest`` gave (header ``X-Room-Token``, or ``roomToken`` over websockets).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.relay import GlobalID

from graphql_api.kit.ids import decode_global_id
from graphql_api.resolvers import rooms
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.playlists import Playlist
from graphql_api.schema.types.rooms import (
    PARTICIPANT,
    QUEUE_ITEM,
    Room,
    RoomJoin,
    RoomSettingsInput,
)


@strawberry.type
class RoomQuery:
    @strawberry.field(description="A room you are in, by its code.")  # type: ignore[untyped-decorator]
    async def room(self, info: Info, code: str) -> Room:
        return Room.from_state(await rooms.room(info.context, code))


@strawberry.type
class RoomMutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Open a room that follows your Spotify player; guests join with its code."
    )
    async def create_room(
        self, info: Info, name: str, settings: RoomSettingsInput | None = None
    ) -> Room:
        data = (settings or RoomSettingsInput()).to_data()
        return Room.from_state(await rooms.create_room(info.context, name, data))

    @strawberry.mutation(description="Replace the room's settings (the host).")  # type: ignore[untyped-decorator]
    async def update_room_settings(
        self, info: Info, code: str, settings: RoomSettingsInput
    ) -> Room:
        return Room.from_state(await rooms.update_settings(info.context, code, settings.to_data()))

    @strawberry.mutation(description="Close the room (the host); its guest tokens end.")  # type: ignore[untyped-decorator]
    async def close_room(self, info: Info, code: str) -> Room:
        return Room.from_state(await rooms.close_room(info.context, code))

    @strawberry.mutation(description="Join a room with your account.")  # type: ignore[untyped-decorator]
    async def join_room(self, info: Info, code: str) -> RoomJoin:
        return RoomJoin.from_joined(await rooms.join_room(info.context, code))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Join a room without an account; the answer holds your guest token."
    )
    async def join_room_as_guest(self, info: Info, code: str, display_name: str) -> RoomJoin:
        return RoomJoin.from_joined(await rooms.join_as_guest(info.context, code, display_name))

    @strawberry.mutation(description="Leave the room.")  # type: ignore[untyped-decorator]
    async def leave_room(self, info: Info, code: str) -> Room:
        return Room.from_state(await rooms.leave_room(info.context, code))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description=(
            "Vote to skip the playing track (once per track); enough votes skip it. Pass the "
            "trackNumber you saw: a vote for a track that is over is refused (TRACK_CHANGED)."
        )
    )
    async def vote_to_skip(self, info: Info, code: str, track_number: int | None = None) -> Room:
        return Room.from_state(await rooms.vote_to_skip(info.context, code, track_number))

    @strawberry.mutation(description="Pause (the host; guests when allowed).")  # type: ignore[untyped-decorator]
    async def pause_room(self, info: Info, code: str) -> Room:
        return Room.from_state(await rooms.set_playing(info.context, code, False))

    @strawberry.mutation(description="Resume (the host; guests when allowed).")  # type: ignore[untyped-decorator]
    async def resume_room(self, info: Info, code: str) -> Room:
        return Room.from_state(await rooms.set_playing(info.context, code, True))

    @strawberry.mutation(description="Skip the playing track without votes (the host).")  # type: ignore[untyped-decorator]
    async def skip_track(self, info: Info, code: str) -> Room:
        return Room.from_state(await rooms.skip_track(info.context, code))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Queue a catalog song (songId) or a Spotify track (uri): one of them."
    )
    async def add_to_room_queue(
        self, info: Info, code: str, song_id: GlobalID | None = None, uri: str | None = None
    ) -> Room:
        song = decode_global_id(song_id, "Song") if song_id is not None else None
        return Room.from_state(await rooms.add_to_queue(info.context, code, song, uri))

    @strawberry.mutation(description="Vote a queued song up (once).")  # type: ignore[untyped-decorator]
    async def vote_queue_item(self, info: Info, code: str, item_id: GlobalID) -> Room:
        item = decode_global_id(item_id, QUEUE_ITEM)
        return Room.from_state(await rooms.vote_queue_item(info.context, code, item))

    @strawberry.mutation(description="Take a song out of the queue (the host).")  # type: ignore[untyped-decorator]
    async def remove_queue_item(self, info: Info, code: str, item_id: GlobalID) -> Room:
        item = decode_global_id(item_id, QUEUE_ITEM)
        return Room.from_state(await rooms.remove_queue_item(info.context, code, item))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Remove someone from the room for good (the host); their token ends."
    )
    async def kick_guest(self, info: Info, code: str, participant_id: GlobalID) -> Room:
        target = decode_global_id(participant_id, PARTICIPANT)
        return Room.from_state(await rooms.kick(info.context, code, target))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="A private Mixtape playlist of everything the room played, in order."
    )
    async def save_room_as_playlist(
        self, info: Info, code: str, name: str | None = None
    ) -> Playlist:
        return Playlist.from_row(await rooms.save_as_playlist(info.context, code, name))


@strawberry.type
class RoomSubscription:
    @strawberry.subscription(  # type: ignore[untyped-decorator]
        description="The room's whole state, then every change; you count as present meanwhile."
    )
    async def room(self, info: Info, code: str) -> AsyncGenerator[Room, None]:
        async for state in rooms.room_updates(info.context, code):
            yield Room.from_state(state)
