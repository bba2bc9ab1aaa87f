"""Catalog and playlist rows by primary key (songs, albums, artists, playlist versions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.library.bulk import chunks

M = TypeVar("M")


async def load_by_id(
    sessionmaker: async_sessionmaker[AsyncSession], model: type[M], ids: Sequence[int]
) -> list[M | None]:
    """Rows of ``model`` in key order, None for a miss."""
    found: dict[int, M] = {}
    column: Any = getattr(model, "id")  # noqa: B009 - generic over models
    async with sessionmaker() as session:
        for chunk in chunks(sorted(set(ids))):
            for row in await session.scalars(select(model).where(column.in_(chunk))):
                found[getattr(row, "id")] = row  # noqa: B009
    return [found.get(i) for i in ids]
