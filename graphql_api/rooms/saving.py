"""After the party: everything the room played, in order, as a Mixtape playlist."""

from __future__ import annotations

from sqlalchemy import select

from graphql_api.db.models import Playlist, RoomPlay, Song
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import Forbidden
from graphql_api.playlists import details, entries, versions
from graphql_api.playlists.entries import MAX_ITEMS_PER_CALL
from graphql_api.resources import Resources
from graphql_api.rooms.membership import Caller, participant_of, room_by_code


async def played_song_ids(resources: Resources, room_id: int) -> list[int]:
    """The songs the room played, in order (tracks the catalog does not know are left out)."""
    async with resources.reader() as session:
        rows = await session.execute(
            select(RoomPlay.song_id, Song.id)
            .outerjoin(Song, Song.spotify_uri == RoomPlay.uri)
            .where(RoomPlay.room_id == room_id)
            .order_by(RoomPlay.play_seq)
        )
        return [int(own or found) for own, found in rows if (own or found) is not None]


async def save_as_playlist(
    resources: Resources, code: str, caller: Caller, name: str | None
) -> Playlist:
    """A private Mixtape playlist of the caller (a participant with an account) holding what
    the room played; closed rooms too, for their host and members."""
    async with resources.reader() as session:
        room = await room_by_code(session, code, closed_too=True)
        participant = await participant_of(session, resources.settings, room, caller)
    if participant.user_id is None or caller.viewer_id is None:
        raise Forbidden("Log in to save the room as a playlist.", reason="GUEST_CANNOT_SAVE")
    song_ids = await played_song_ids(resources, room.id)
    async with unit_of_work(resources.sessionmaker) as uow:
        playlist = await details.create_playlist(
            uow, caller.viewer_id, name=name or f"{room.name} (room {room.code})"
        )
        version = playlist.version
        for start in range(0, len(song_ids), MAX_ITEMS_PER_CALL):
            chunk = song_ids[start : start + MAX_ITEMS_PER_CALL]
            await entries.add_items(
                uow,
                resources.pubsub,
                caller.viewer_id,
                playlist.id,
                chunk,
                at=None,
                expected_version=version,
            )
            version = (await versions.fresh(uow.session, playlist.id)).version
        playlist_id = playlist.id
    async with resources.reader() as session:
        saved = await session.get(Playlist, playlist_id)
        assert saved is not None
        return saved
