"""Create, rename, describe, share and delete a playlist."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select

from graphql_api.db.models import Playlist, PlaylistMember, PlaylistRole, PlaylistVisibility
from graphql_api.db.uow import UnitOfWork
from graphql_api.errors import BadUserInput
from graphql_api.events import PubSub
from graphql_api.kit.text import check_text
from graphql_api.playlists import versions
from graphql_api.playlists.access import access
from graphql_api.playlists.events import ChangeKind, publish_after_commit

MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 2000


def check_name(value: str) -> str:
    """A playlist name: trimmed, 1 to :data:`MAX_NAME_LENGTH` characters."""
    name = check_text(value.strip(), MAX_NAME_LENGTH, name="The name", argument="name")
    if not name:
        raise BadUserInput("The name must not be empty.", argument="name")
    return name


def check_description(value: str | None) -> str | None:
    """A description: at most :data:`MAX_DESCRIPTION_LENGTH` characters; blank is none."""
    if value is None or not value.strip():
        return None
    return check_text(
        value.strip(), MAX_DESCRIPTION_LENGTH, name="The description", argument="description"
    )


def new_link_token() -> str:
    """An unguessable token (192 random bits) for a SHARED_LINK playlist's link."""
    return secrets.token_urlsafe(24)


def apply_visibility(playlist: Playlist, visibility: PlaylistVisibility) -> None:
    """Set the visibility; a SHARED_LINK playlist gets a fresh link, any other none (so
    going PRIVATE revokes every link handed out)."""
    if visibility is PlaylistVisibility.SHARED_LINK:
        if playlist.visibility is not PlaylistVisibility.SHARED_LINK or not playlist.link_token:
            playlist.link_token = new_link_token()
    else:
        playlist.link_token = None
    playlist.visibility = visibility


async def create_playlist(
    uow: UnitOfWork,
    viewer_id: int,
    *,
    name: str,
    description: str | None = None,
    visibility: PlaylistVisibility = PlaylistVisibility.PRIVATE,
    source_version_id: int | None = None,
) -> Playlist:
    """A new, empty playlist owned by ``viewer_id``, at version 1."""
    playlist = Playlist(
        name=check_name(name),
        description=check_description(description),
        visibility=PlaylistVisibility.PRIVATE,
        version=1,
        item_count=0,
        total_duration_ms=0,
        like_count=0,
        source_version_id=source_version_id,
        created_by=viewer_id,
    )
    apply_visibility(playlist, visibility)
    uow.session.add(playlist)
    await uow.session.flush()
    uow.session.add(
        PlaylistMember(playlist_id=playlist.id, user_id=viewer_id, role=PlaylistRole.OWNER)
    )
    await uow.session.flush()
    return playlist


@dataclass(frozen=True)
class DetailsChange:
    """What ``updatePlaylist`` changes; None leaves a field as it is."""

    name: str | None = None
    description: str | None = None
    clear_description: bool = False
    visibility: PlaylistVisibility | None = None


async def update_playlist(
    uow: UnitOfWork,
    pubsub: PubSub,
    viewer_id: int,
    playlist_id: int,
    change: DetailsChange,
    *,
    expected_version: int,
) -> Playlist:
    """Rename, describe (editors) or change the visibility (the owner) of a playlist."""
    session = uow.session
    found = await access(session, playlist_id, viewer_id)
    if change.visibility is not None:
        found.require(PlaylistRole.OWNER, "change the visibility")
    found.require(PlaylistRole.EDITOR, "edit the playlist")
    name = check_name(change.name) if change.name is not None else None
    description = check_description(change.description)
    version = await versions.advance(session, playlist_id, expected_version)
    playlist = await versions.fresh(session, playlist_id)
    if name is not None:
        playlist.name = name
    if description is not None or change.clear_description:
        playlist.description = description
    kind = ChangeKind.DETAILS_UPDATED
    if change.visibility is not None and change.visibility is not playlist.visibility:
        apply_visibility(playlist, change.visibility)
        kind = ChangeKind.VISIBILITY_CHANGED
    await session.flush()
    publish_after_commit(uow, pubsub, playlist_id, version, kind, actor_id=viewer_id)
    return playlist


async def delete_playlist(
    uow: UnitOfWork, pubsub: PubSub, viewer_id: int, playlist_id: int
) -> None:
    """Delete a playlist with its entries and members (the owner only)."""
    session = uow.session
    found = (await access(session, playlist_id, viewer_id)).require(
        PlaylistRole.OWNER, "delete the playlist"
    )
    version = found.playlist.version
    await session.execute(
        delete(Playlist)
        .where(Playlist.id == playlist_id)
        .execution_options(synchronize_session=False)
    )
    publish_after_commit(
        uow, pubsub, playlist_id, version + 1, ChangeKind.DELETED, actor_id=viewer_id
    )


async def delete_owned(uow: UnitOfWork, pubsub: PubSub, user_id: int) -> None:
    """Delete every playlist ``user_id`` owns, as their account goes: a playlist never
    lives on without its one owner (the other members' streams end with it)."""
    owned = list(
        await uow.session.execute(
            select(Playlist.id, Playlist.version)
            .join(PlaylistMember, PlaylistMember.playlist_id == Playlist.id)
            .where(PlaylistMember.user_id == user_id, PlaylistMember.role == PlaylistRole.OWNER)
        )
    )
    if not owned:
        return
    await uow.session.execute(
        delete(Playlist)
        .where(Playlist.id.in_([playlist_id for playlist_id, _ in owned]))
        .execution_options(synchronize_session=False)
    )
    for playlist_id, version in owned:
        publish_after_commit(uow, pubsub, playlist_id, version + 1, ChangeKind.DELETED)
