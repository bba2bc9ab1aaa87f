"""Whether one user follows another, by (follower, followee) pairs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import UserFollow


async def load_follows(
    sessionmaker: async_sessionmaker[AsyncSession], pairs: Sequence[tuple[int, int]]
) -> list[bool]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(UserFollow.follower_id, UserFollow.followee_id).where(
                tuple_(UserFollow.follower_id, UserFollow.followee_id).in_(pairs)
            )
        )
    found = {(follower, followee) for follower, followee in rows}
    return [pair in found for pair in pairs]
