"""Who may see what a user plays, and their profile: their sharing level, and who follows whom.

Nothing here tells a user who exists: an unknown id and a user who does not share with the
viewer get the same answer (:data:`UNKNOWN_USER`), and a user's profile (display name,
creation date) is shown only to those who may see what they play.
"""

from __future__ import annotations

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from graphql_api.db.models import SharingLevel, User, UserFollow
from graphql_api.errors import BadUserInput, NotFound

# One message for "no such user" and "not visible to you", so neither tells the other apart.
UNKNOWN_USER = "No such user, or they do not share with you."


def unknown_user() -> NotFound:
    """The one error for a user who does not exist or whom the viewer may not see."""
    return NotFound(UNKNOWN_USER)


def shares_with(level: SharingLevel, *, is_owner: bool, follows: bool) -> bool:
    """Whether a user at sharing ``level`` shares with a viewer (themselves, or one who
    follows them or not). :func:`visible_to` is the same rule in SQL."""
    return (
        is_owner or level is SharingLevel.EVERYONE or (level is SharingLevel.FOLLOWERS and follows)
    )


def visible_to(viewer_id: int) -> ColumnElement[bool]:
    """SQL: the ``users`` rows whose now playing ``viewer_id`` may see."""
    follows = exists().where(UserFollow.follower_id == viewer_id, UserFollow.followee_id == User.id)
    return (
        (User.id == viewer_id)
        | (User.now_playing_sharing == SharingLevel.EVERYONE)
        | ((User.now_playing_sharing == SharingLevel.FOLLOWERS) & follows)
    )


async def can_view(session: AsyncSession, viewer_id: int, owner_id: int) -> bool:
    """Whether ``viewer_id`` may see what ``owner_id`` plays (False for unknown users)."""
    if viewer_id == owner_id:
        return True
    allowed = await session.scalar(
        select(User.id).where(User.id == owner_id, visible_to(viewer_id))
    )
    return allowed is not None


async def is_following(session: AsyncSession, follower_id: int, followee_id: int) -> bool:
    row = await session.get(UserFollow, (follower_id, followee_id))
    return row is not None


async def _reachable(session: AsyncSession, viewer_id: int, user_id: int) -> User | None:
    """``user_id`` when the viewer may follow or unfollow them: they take followers
    (``FOLLOWERS`` or ``EVERYONE``), or the viewer follows them already."""
    user = await session.get(User, user_id)
    if user is None:
        return None
    if user.now_playing_sharing is not SharingLevel.NOBODY:
        return user
    return user if await is_following(session, viewer_id, user_id) else None


async def follow(session: AsyncSession, follower_id: int, followee_id: int) -> User:
    """``follower_id`` follows ``followee_id`` (idempotent); returns the followee.

    A user who shares with nobody cannot be followed, and answers as an unknown id does.
    """
    if follower_id == followee_id:
        raise BadUserInput("You cannot follow yourself.")
    followee = await _reachable(session, follower_id, followee_id)
    if followee is None:
        raise unknown_user()
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    await session.execute(
        insert(UserFollow)
        .values(follower_id=follower_id, followee_id=followee_id)
        .on_conflict_do_nothing()
    )
    return followee


async def unfollow(session: AsyncSession, follower_id: int, followee_id: int) -> User:
    """Stop following (idempotent); returns the user no longer followed."""
    followee = await _reachable(session, follower_id, followee_id)
    if followee is None:
        raise unknown_user()
    await session.execute(
        delete(UserFollow).where(
            UserFollow.follower_id == follower_id, UserFollow.followee_id == followee_id
        )
    )
    return followee


async def set_sharing(session: AsyncSession, user_id: int, level: SharingLevel) -> User:
    """Set who may see what ``user_id`` plays."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    user.now_playing_sharing = level
    await session.flush()
    return user
