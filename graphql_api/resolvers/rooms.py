"""Listening rooms: thin calls into ``graphql_api/rooms/`` with the caller of the request.

The caller is the viewer (logged in) and/or the room guest token the request carries; the
rooms domain authorizes every room operation (``rooms/membership.py``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from graphql_api.db.models import Playlist
from graphql_api.resolvers.context import Context
from graphql_api.rooms import actions, hosting, joining, live, saving
from graphql_api.rooms.joining import Joined
from graphql_api.rooms.membership import Caller
from graphql_api.rooms.settings import RoomSettings
from graphql_api.rooms.state import RoomState


def caller(context: Context) -> Caller:
    return Caller(viewer_id=context.viewer_id, guest_token=context.room_token)


def _address(context: Context) -> str | None:
    client = context.request.client
    return client.host if client else None


async def create_room(context: Context, name: str, settings: RoomSettings) -> RoomState:
    viewer_id = context.require_viewer()
    return await hosting.create_room(context.resources, viewer_id, name, settings)


async def update_settings(context: Context, code: str, settings: RoomSettings) -> RoomState:
    return await hosting.update_settings(context.resources, code, caller(context), settings)


async def close_room(context: Context, code: str) -> RoomState:
    return await hosting.close_room(context.resources, code, caller(context))


async def join_room(context: Context, code: str) -> Joined:
    return await joining.join(context.resources, code, context.viewer_id, _address(context))


async def join_as_guest(context: Context, code: str, display_name: str) -> Joined:
    return await joining.join_as_guest(context.resources, code, display_name, _address(context))


async def leave_room(context: Context, code: str) -> RoomState:
    return await joining.leave(context.resources, code, caller(context))


async def kick(context: Context, code: str, participant_id: int) -> RoomState:
    return await joining.kick(context.resources, code, caller(context), participant_id)


async def vote_to_skip(context: Context, code: str, track_number: int | None) -> RoomState:
    return await actions.vote_to_skip(context.resources, code, caller(context), track_number)


async def skip_track(context: Context, code: str) -> RoomState:
    return await actions.skip_track(context.resources, code, caller(context))


async def set_playing(context: Context, code: str, playing: bool) -> RoomState:
    return await actions.set_playing(context.resources, code, caller(context), playing)


async def add_to_queue(
    context: Context, code: str, song_id: int | None, uri: str | None
) -> RoomState:
    return await actions.add_to_queue(
        context.resources, code, caller(context), song_id=song_id, uri=uri
    )


async def vote_queue_item(context: Context, code: str, item_id: int) -> RoomState:
    return await actions.vote_queue_item(context.resources, code, caller(context), item_id)


async def remove_queue_item(context: Context, code: str, item_id: int) -> RoomState:
    return await actions.remove_queue_item(context.resources, code, caller(context), item_id)


async def save_as_playlist(context: Context, code: str, name: str | None) -> Playlist:
    return await saving.save_as_playlist(context.resources, code, caller(context), name)


async def room(context: Context, code: str) -> RoomState:
    return await live.room_state(context.resources, code, caller(context))


def room_updates(context: Context, code: str) -> AsyncGenerator[RoomState, None]:
    return live.room_updates(context.resources, code, caller(context))
