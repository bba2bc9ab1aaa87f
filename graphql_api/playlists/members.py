"""A playlist's members: invite, change a role, remove, leave, hand ownership on.

A playlist always has exactly one OWNER: ownership only moves by a transfer, which
demotes the owner and promotes the new one in one transaction (and a partial unique
index refuses a second owner whatever happens). Member changes do not touch the items,
so they take no version; they are published so that open subscriptions check access.
Each change reads the playlist row for update, so two concurrent changes of one
playlist's members (two invites of one user, an invite during a transfer) run one after
the other: the second sees what the first did and answers CONFLICT, never a 500.
"""

from __future__ import annotations

from sqlalchemy import update

from graphql_api.db.models import PlaylistMember, PlaylistRole, User
from graphql_api.db.uow import UnitOfWork
from graphql_api.errors import BadUserInput, Conflict, NotFound
from graphql_api.events import PubSub
from graphql_api.playlists.access import access
from graphql_api.playlists.events import ChangeKind, publish_after_commit


def _announce(uow: UnitOfWork, pubsub: PubSub, playlist_id: int, version: int, actor: int) -> None:
    publish_after_commit(
        uow, pubsub, playlist_id, version, ChangeKind.MEMBERS_CHANGED, actor_id=actor
    )


def _not_owner_role(role: PlaylistRole) -> None:
    if role is PlaylistRole.OWNER:
        raise BadUserInput(
            "A playlist has one owner: use transferPlaylistOwnership.", argument="role"
        )


async def _member(uow: UnitOfWork, playlist_id: int, user_id: int) -> PlaylistMember:
    member = await uow.session.get(PlaylistMember, (playlist_id, user_id))
    if member is None:
        raise NotFound("That user is not a member of this playlist.", argument="userId")
    return member


async def invite(
    uow: UnitOfWork,
    pubsub: PubSub,
    viewer_id: int,
    playlist_id: int,
    user_id: int,
    role: PlaylistRole,
) -> PlaylistMember:
    """Make ``user_id`` a member with ``role`` (EDITOR or VIEWER). The owner only."""
    found = (await access(uow.session, playlist_id, viewer_id, for_update=True)).require(
        PlaylistRole.OWNER, "invite members"
    )
    if user_id == viewer_id:
        raise BadUserInput("You cannot invite yourself.", argument="userId")
    _not_owner_role(role)
    if await uow.session.get(User, user_id) is None:
        raise NotFound("No such user.", argument="userId")
    if await uow.session.get(PlaylistMember, (playlist_id, user_id)) is not None:
        raise Conflict("That user is a member already.", argument="userId")
    member = PlaylistMember(playlist_id=playlist_id, user_id=user_id, role=role)
    uow.session.add(member)
    await uow.session.flush()
    _announce(uow, pubsub, playlist_id, found.playlist.version, viewer_id)
    return member


async def set_role(
    uow: UnitOfWork,
    pubsub: PubSub,
    viewer_id: int,
    playlist_id: int,
    user_id: int,
    role: PlaylistRole,
) -> PlaylistMember:
    """Change a member's role between EDITOR and VIEWER. The owner only."""
    found = (await access(uow.session, playlist_id, viewer_id, for_update=True)).require(
        PlaylistRole.OWNER, "change roles"
    )
    _not_owner_role(role)
    member = await _member(uow, playlist_id, user_id)
    if member.role is PlaylistRole.OWNER:
        raise BadUserInput(
            "The owner's role changes only by transferPlaylistOwnership.", argument="userId"
        )
    member.role = role
    await uow.session.flush()
    _announce(uow, pubsub, playlist_id, found.playlist.version, viewer_id)
    return member


async def remove(
    uow: UnitOfWork, pubsub: PubSub, viewer_id: int, playlist_id: int, user_id: int
) -> None:
    """Take a member (not the owner) out of the playlist. The owner only."""
    found = (await access(uow.session, playlist_id, viewer_id, for_update=True)).require(
        PlaylistRole.OWNER, "remove members"
    )
    member = await _member(uow, playlist_id, user_id)
    if member.role is PlaylistRole.OWNER:
        raise BadUserInput("The owner cannot be removed.", argument="userId")
    await uow.session.delete(member)
    _announce(uow, pubsub, playlist_id, found.playlist.version, viewer_id)


async def leave(uow: UnitOfWork, pubsub: PubSub, viewer_id: int, playlist_id: int) -> None:
    """Stop being a member. The owner must transfer ownership first."""
    found = await access(uow.session, playlist_id, viewer_id, for_update=True)
    if found.role is None:
        raise BadUserInput("You are not a member of this playlist.", argument="playlistId")
    if found.role is PlaylistRole.OWNER:
        raise BadUserInput(
            "The owner cannot leave: transfer the ownership first.", argument="playlistId"
        )
    await uow.session.delete(await _member(uow, playlist_id, viewer_id))
    _announce(uow, pubsub, playlist_id, found.playlist.version, viewer_id)


async def transfer(
    uow: UnitOfWork, pubsub: PubSub, viewer_id: int, playlist_id: int, user_id: int
) -> PlaylistMember:
    """Make member ``user_id`` the owner; the owner becomes an EDITOR. The owner only."""
    session = uow.session
    found = (await access(session, playlist_id, viewer_id, for_update=True)).require(
        PlaylistRole.OWNER, "transfer the ownership"
    )
    if user_id == viewer_id:
        raise BadUserInput("You own this playlist already.", argument="userId")
    successor = await _member(uow, playlist_id, user_id)
    # Demote first: the one-owner index is checked per statement.
    await session.execute(
        update(PlaylistMember)
        .where(PlaylistMember.playlist_id == playlist_id, PlaylistMember.user_id == viewer_id)
        .values(role=PlaylistRole.EDITOR)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(PlaylistMember)
        .where(PlaylistMember.playlist_id == playlist_id, PlaylistMember.user_id == user_id)
        .values(role=PlaylistRole.OWNER)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(successor)
    _announce(uow, pubsub, playlist_id, found.playlist.version, viewer_id)
    return successor
