"""Users by id."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import User


async def load_users(
    sessionmaker: async_sessionmaker[AsyncSession], ids: Sequence[int]
) -> list[User | None]:
    async with sessionmaker() as session:
        rows = (await session.scalars(select(User).where(User.id.in_(ids)))).all()
    by_id = {row.id: row for row in rows}
    return [by_id.get(user_id) for user_id in ids]
