"""Users' OpenID Connect identities, by user id (oldest first)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import Identity


async def load_identities(
    sessionmaker: async_sessionmaker[AsyncSession], user_ids: Sequence[int]
) -> list[list[Identity]]:
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(Identity).where(Identity.user_id.in_(user_ids)).order_by(Identity.id)
        )
        by_user: dict[int, list[Identity]] = {user_id: [] for user_id in user_ids}
        for row in rows:
            by_user[row.user_id].append(row)
    return [by_user[user_id] for user_id in user_ids]
