"""Account-wide operations: unlinking Spotify, deleting an account."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.auth.identities import can_unlink_spotify, lock_user
from graphql_api.db.models import SpotifyAccount, User
from graphql_api.errors import Forbidden, NotFound


async def unlink_spotify(session: AsyncSession, user_id: int) -> bool:
    """Forget the user's Spotify link and tokens; False when there was none.

    A user who can log in only through Spotify (no password, no provider identity) keeps
    the link: unlinking would lock them out (they can delete the account instead).
    """
    user = await lock_user(session, user_id)
    if not await can_unlink_spotify(session, user):
        raise Forbidden(
            "This account logs in with Spotify only; unlinking would lock you out.",
            reason="SPOTIFY_ONLY_ACCOUNT",
        )
    result = await session.execute(delete(SpotifyAccount).where(SpotifyAccount.user_id == user_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def delete_account(session: AsyncSession, user_id: int) -> None:
    """Delete the user. Every row that is only theirs references ``users.id`` with
    ``ON DELETE CASCADE`` (sessions, Spotify link, library, plays, follows), so it goes too;
    shared catalog rows (songs, albums, artists) stay."""
    result = await session.execute(delete(User).where(User.id == user_id))
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFound("No such user.")
