"""Whether a user likes a song, album, artist or playlist, by (user, type, id) keys."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.social.likes import LikeKey, liked


async def load_likes(
    sessionmaker: async_sessionmaker[AsyncSession], keys: Sequence[LikeKey]
) -> list[bool]:
    """One statement per batch, whatever the number of keys."""
    async with sessionmaker() as session:
        return await liked(session, keys)
