"""Who may do what with a playlist.

Roles rank OWNER > EDITOR > VIEWER. Members see their playlist whatever its visibility;
anyone (logged in or not) sees a PUBLIC one, and a SHARED_LINK one through its link
token. Viewers view, editors also edit items, name and description, and only the owner
deletes, changes roles or visibility. Someone who may not see a playlist learns nothing
about it: NOT_FOUND, exactly as for an id that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Playlist, PlaylistMember, PlaylistRole, PlaylistVisibility
from graphql_api.errors import Forbidden, NotFound

RANK = {PlaylistRole.VIEWER: 1, PlaylistRole.EDITOR: 2, PlaylistRole.OWNER: 3}


def unknown_playlist() -> NotFound:
    return NotFound("No such playlist.")


@dataclass(frozen=True)
class Access:
    """A playlist as one viewer reaches it: their role (None: not a member)."""

    playlist: Playlist
    role: PlaylistRole | None

    def at_least(self, role: PlaylistRole) -> bool:
        return self.role is not None and RANK[self.role] >= RANK[role]

    def require(self, role: PlaylistRole, action: str) -> Access:
        """This access when it reaches ``role``; FORBIDDEN naming ``action`` otherwise."""
        if not self.at_least(role):
            raise Forbidden(
                f"Only {'the owner' if role is PlaylistRole.OWNER else 'editors'} may {action}.",
                role=self.role.value if self.role else None,
            )
        return self


def may_view(playlist: Playlist, role: PlaylistRole | None, link_token: str | None = None) -> bool:
    """Whether someone with ``role`` (and maybe a link token) may see ``playlist``."""
    if role is not None or playlist.visibility is PlaylistVisibility.PUBLIC:
        return True
    return (
        playlist.visibility is PlaylistVisibility.SHARED_LINK
        and link_token is not None
        and playlist.link_token == link_token
    )


async def role_of(
    session: AsyncSession, playlist_id: int, user_id: int | None
) -> PlaylistRole | None:
    """``user_id``'s role in the playlist, None when not a member."""
    if user_id is None:
        return None
    member = await session.get(PlaylistMember, (playlist_id, user_id))
    return member.role if member is not None else None


async def access(
    session: AsyncSession,
    playlist_id: int,
    viewer_id: int | None,
    *,
    for_update: bool = False,
) -> Access:
    """The playlist as ``viewer_id`` may see it; NOT_FOUND when they may not.

    ``for_update`` reads the row for a write (locked on PostgreSQL; SQLite's writer holds
    the database already).
    """
    statement = select(Playlist).where(Playlist.id == playlist_id)
    if for_update:
        statement = statement.with_for_update()
    playlist = (await session.scalars(statement)).one_or_none()
    if playlist is None:
        raise unknown_playlist()
    role = await role_of(session, playlist_id, viewer_id)
    if not may_view(playlist, role):
        raise unknown_playlist()
    return Access(playlist, role)


def visible_to(viewer_id: int | None) -> ColumnElement[bool]:
    """SQL: the playlists ``viewer_id`` may list (members' own, and every PUBLIC one).

    A SHARED_LINK playlist is listed to its members only: others reach it by its link.
    """
    public = Playlist.visibility == PlaylistVisibility.PUBLIC
    if viewer_id is None:
        return public
    member = exists().where(
        PlaylistMember.playlist_id == Playlist.id, PlaylistMember.user_id == viewer_id
    )
    return or_(public, member)


def has_role(viewer_id: int, roles: tuple[PlaylistRole, ...]) -> ColumnElement[bool]:
    """SQL: playlists in which ``viewer_id`` holds one of ``roles``."""
    return exists().where(
        PlaylistMember.playlist_id == Playlist.id,
        PlaylistMember.user_id == viewer_id,
        PlaylistMember.role.in_(roles),
    )
