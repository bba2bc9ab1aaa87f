"""Mixtape playlists' root fields (``graphql_api/resolvers/playlists.py`` does the work)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable

import strawberry
from strawberry import relay

from graphql_api.db import models
from graphql_api.kit.ids import decode_global_id
from graphql_api.kit.pagination import Page, Window
from graphql_api.playlists import queries
from graphql_api.playlists.details import DetailsChange
from graphql_api.resolvers import playlists as resolve
from graphql_api.resolvers.context import Context, Info
from graphql_api.schema.types.paging import After, First, SortDirection
from graphql_api.schema.types.playlist_changes import PlaylistChange
from graphql_api.schema.types.playlists import (
    Playlist,
    PlaylistConnection,
    PlaylistItem,
    PlaylistItemsPayload,
    PlaylistMember,
    PlaylistRole,
    PlaylistVisibility,
)

PlaylistSortKey = strawberry.enum(queries.PlaylistSort, name="PlaylistSortKey")


@strawberry.input(description="Narrow the playlists down.")
class PlaylistFilter:
    text: str | None = strawberry.field(default=None, description="Part of the name.")
    owned_by_me: bool = False
    editable_by_me: bool = strawberry.field(
        default=False, description="Playlists the viewer owns or edits."
    )
    liked_by_me: bool = strawberry.field(default=False, description="Playlists you like.")
    visibility: PlaylistVisibility | None = None  # type: ignore[valid-type]


@strawberry.input(description="Ties are broken by id, in the same direction.")
class PlaylistSort:
    key: PlaylistSortKey = queries.PlaylistSort.UPDATED  # type: ignore[valid-type]
    direction: SortDirection = SortDirection.DESC


def _playlist_id(value: relay.GlobalID) -> int:
    return decode_global_id(value, "Playlist")


def _item_ids(values: list[relay.GlobalID]) -> list[int]:
    return [decode_global_id(value, "PlaylistItem") for value in values]


MemberChange = Callable[[Context, int, int, models.PlaylistRole], Awaitable[models.PlaylistMember]]


async def _member(
    change: MemberChange,
    info: Info,
    playlist_id: relay.GlobalID,
    user_id: relay.GlobalID,
    role: PlaylistRole,  # type: ignore[valid-type]
) -> PlaylistMember:
    """Invite a member, or change a member's role: the same arguments, one answer."""
    user = decode_global_id(user_id, "User")
    row = await change(info.context, _playlist_id(playlist_id), user, models.PlaylistRole(role))
    return PlaylistMember(row=row)


def _filter(found: PlaylistFilter | None) -> queries.PlaylistFilter:
    if found is None:
        return queries.PlaylistFilter()
    text = found.text.strip() if found.text else None
    return queries.PlaylistFilter(
        text=text or None,
        owned_by_me=found.owned_by_me,
        editable_by_me=found.editable_by_me,
        liked_by_me=found.liked_by_me,
        visibility=models.PlaylistVisibility(found.visibility) if found.visibility else None,
    )


@strawberry.type
class PlaylistQuery:
    @strawberry.field(
        description="Playlists the viewer may see: their own, shared with them, public."
    )  # type: ignore[untyped-decorator]
    async def playlists(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: PlaylistFilter | None = None,
        sort: PlaylistSort | None = None,
    ) -> PlaylistConnection:
        window = Window.of(first, after)
        key = queries.PlaylistSort(sort.key) if sort else queries.PlaylistSort.UPDATED
        descending = sort.direction is SortDirection.DESC if sort else True
        found = await resolve.playlists(
            info.context, window, _filter(filter), key, descending=descending
        )
        return PlaylistConnection.of(Page.at(window, found.rows, found.total))

    @strawberry.field(description="A SHARED_LINK playlist, for anyone holding its link token.")  # type: ignore[untyped-decorator]
    async def playlist_by_link(self, info: Info, token: str) -> Playlist:
        return Playlist.from_row(await resolve.playlist_by_link(info.context, token))


@strawberry.type
class PlaylistMutation:
    @strawberry.mutation(description="A new, empty playlist owned by the viewer.")  # type: ignore[untyped-decorator]
    async def create_playlist(
        self,
        info: Info,
        name: str,
        description: str | None = None,
        visibility: PlaylistVisibility = models.PlaylistVisibility.PRIVATE,  # type: ignore[valid-type]
    ) -> Playlist:
        row = await resolve.create_playlist(
            info.context,
            name=name,
            description=description,
            visibility=models.PlaylistVisibility(visibility),
        )
        return Playlist.from_row(row)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description=(
            "Rename or describe (editors; an empty description clears it), or change the "
            "visibility (the owner), based on `expectedVersion`."
        )
    )
    async def update_playlist(
        self,
        info: Info,
        id: relay.GlobalID,
        expected_version: int,
        name: str | None = None,
        description: str | None = None,
        visibility: PlaylistVisibility | None = None,  # type: ignore[valid-type]
    ) -> Playlist:
        change = DetailsChange(
            name=name,
            description=description,
            clear_description=description is not None and not description.strip(),
            visibility=models.PlaylistVisibility(visibility) if visibility else None,
        )
        row = await resolve.update_playlist(
            info.context, _playlist_id(id), change, expected_version
        )
        return Playlist.from_row(row)

    @strawberry.mutation(description="Delete a playlist (the owner only). Returns its id.")  # type: ignore[untyped-decorator]
    async def delete_playlist(self, info: Info, id: relay.GlobalID) -> relay.GlobalID:
        await resolve.delete_playlist(info.context, _playlist_id(id))
        return id

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description=(
            "Add songs, in order, at position `at` (0: the start; default: the end), based "
            "on `expectedVersion`. At most 1,000 per call."
        )
    )
    async def add_playlist_items(
        self,
        info: Info,
        playlist_id: relay.GlobalID,
        song_ids: list[relay.GlobalID],
        expected_version: int,
        at: int | None = None,
    ) -> PlaylistItemsPayload:
        songs = [decode_global_id(value, "Song") for value in song_ids]
        edited = await resolve.add_items(
            info.context, _playlist_id(playlist_id), songs, at, expected_version
        )
        return PlaylistItemsPayload(
            playlist=Playlist.from_row(edited.playlist),
            items=[PlaylistItem.from_row(row) for row in edited.entries],
        )

    @strawberry.mutation(description="Remove items (of one playlist), based on `expectedVersion`.")  # type: ignore[untyped-decorator]
    async def remove_playlist_items(
        self, info: Info, item_ids: list[relay.GlobalID], expected_version: int
    ) -> Playlist:
        row = await resolve.remove_items(info.context, _item_ids(item_ids), expected_version)
        return Playlist.from_row(row)

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description=(
            "Move items (of one playlist), in the order given, to position `to` of the "
            "playlist without them, based on `expectedVersion`."
        )
    )
    async def move_playlist_items(
        self, info: Info, item_ids: list[relay.GlobalID], to: int, expected_version: int
    ) -> Playlist:
        row = await resolve.move_items(info.context, _item_ids(item_ids), to, expected_version)
        return Playlist.from_row(row)

    @strawberry.mutation(
        description="Copy a playlist of one of your snapshots into a new playlist of your own."
    )  # type: ignore[untyped-decorator]
    async def copy_to_mixtape(self, info: Info, playlist_version_id: relay.GlobalID) -> Playlist:
        version_id = decode_global_id(playlist_version_id, "PlaylistVersion")
        return Playlist.from_row(await resolve.copy_to_mixtape(info.context, version_id))

    @strawberry.mutation(description="Make a user a member (EDITOR or VIEWER). The owner only.")  # type: ignore[untyped-decorator]
    async def invite_playlist_member(
        self,
        info: Info,
        playlist_id: relay.GlobalID,
        user_id: relay.GlobalID,
        role: PlaylistRole,  # type: ignore[valid-type]
    ) -> PlaylistMember:
        return await _member(resolve.invite_member, info, playlist_id, user_id, role)

    @strawberry.mutation(description="Change a member's role (EDITOR or VIEWER). The owner only.")  # type: ignore[untyped-decorator]
    async def set_playlist_member_role(
        self,
        info: Info,
        playlist_id: relay.GlobalID,
        user_id: relay.GlobalID,
        role: PlaylistRole,  # type: ignore[valid-type]
    ) -> PlaylistMember:
        return await _member(resolve.set_member_role, info, playlist_id, user_id, role)

    @strawberry.mutation(description="Take a member out of the playlist. The owner only.")  # type: ignore[untyped-decorator]
    async def remove_playlist_member(
        self, info: Info, playlist_id: relay.GlobalID, user_id: relay.GlobalID
    ) -> Playlist:
        row = await resolve.remove_member(
            info.context, _playlist_id(playlist_id), decode_global_id(user_id, "User")
        )
        return Playlist.from_row(row)

    @strawberry.mutation(
        description="Stop being a member (the owner transfers first). Returns the playlist's id."
    )  # type: ignore[untyped-decorator]
    async def leave_playlist(self, info: Info, playlist_id: relay.GlobalID) -> relay.GlobalID:
        await resolve.leave_playlist(info.context, _playlist_id(playlist_id))
        return playlist_id

    @strawberry.mutation(description="Make a member the owner; you become an EDITOR.")  # type: ignore[untyped-decorator]
    async def transfer_playlist_ownership(
        self, info: Info, playlist_id: relay.GlobalID, user_id: relay.GlobalID
    ) -> PlaylistMember:
        row = await resolve.transfer_ownership(
            info.context, _playlist_id(playlist_id), decode_global_id(user_id, "User")
        )
        return PlaylistMember(row=row)


@strawberry.type
class PlaylistSubscription:
    @strawberry.subscription(  # type: ignore[untyped-decorator]
        description=(
            "The playlist's version (kind CURRENT), then each change any member makes; "
            "ends when it is deleted, with FORBIDDEN when you lose access."
        )
    )
    async def playlist_changed(
        self, info: Info, id: relay.GlobalID
    ) -> AsyncGenerator[PlaylistChange, None]:
        async for event in resolve.playlist_changes(info.context, _playlist_id(id)):
            yield PlaylistChange(event=event)
