"""Likes and follows root fields (``graphql_api/resolvers/social.py`` does the work)."""

from __future__ import annotations

import strawberry
from strawberry.relay import GlobalID

from graphql_api.db.models import LikeTarget
from graphql_api.errors import BadUserInput
from graphql_api.kit.ids import decode_global_id, parse_db_int
from graphql_api.resolvers import social
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.artists import Artist
from graphql_api.schema.types.likeable import Likeable, likeable_of, likeable_type_names
from graphql_api.schema.types.playlists import Playlist


def _target(value: GlobalID) -> tuple[LikeTarget, int]:
    """What a global id names, when it can be liked; else BAD_USER_INPUT."""
    names = likeable_type_names()
    target = names.get(value.type_name)
    db_id = parse_db_int(value.node_id)
    if target is None or db_id is None:
        raise BadUserInput(f"Expected the id of a {', '.join(sorted(names))}.", argument="id")
    return target, db_id


@strawberry.type
class SocialMutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Like a song, album, artist or playlist you may see (idempotent)."
    )
    async def like(self, info: Info, id: GlobalID) -> Likeable:
        target, db_id = _target(id)
        return likeable_of(target, await social.like(info.context, target, db_id))

    @strawberry.mutation(description="Stop liking it (idempotent).")  # type: ignore[untyped-decorator]
    async def unlike(self, info: Info, id: GlobalID) -> Likeable:
        target, db_id = _target(id)
        return likeable_of(target, await social.unlike(info.context, target, db_id))

    @strawberry.mutation(description="Follow an artist you may see (idempotent).")  # type: ignore[untyped-decorator]
    async def follow_artist(self, info: Info, id: GlobalID) -> Artist:
        row = await social.follow_artist(info.context, decode_global_id(id, "Artist"))
        return Artist.from_row(row)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Stop following an artist in Mixtape (a follow made on Spotify stays)."
    )
    async def unfollow_artist(self, info: Info, id: GlobalID) -> Artist:
        row = await social.unfollow_artist(info.context, decode_global_id(id, "Artist"))
        return Artist.from_row(row)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Follow a playlist you may see: a member's, or a PUBLIC one (idempotent)."
    )
    async def follow_playlist(self, info: Info, id: GlobalID) -> Playlist:
        row = await social.follow_playlist(info.context, decode_global_id(id, "Playlist"))
        return Playlist.from_row(row)

    @strawberry.mutation(description="Stop following a playlist (idempotent).")  # type: ignore[untyped-decorator]
    async def unfollow_playlist(self, info: Info, id: GlobalID) -> Playlist:
        row = await social.unfollow_playlist(info.context, decode_global_id(id, "Playlist"))
        return Playlist.from_row(row)
