"""Row writes the social tables share: insert a row unless it exists, telling which."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_new(session: AsyncSession, model: type[Any], **values: Any) -> bool:
    """Insert a row of ``model`` unless one with its primary key exists; True when inserted.

    The database decides (ON CONFLICT DO NOTHING ... RETURNING): of two concurrent inserts
    of the same row, exactly one says True, whatever the isolation level.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    keys = [column.name for column in model.__table__.primary_key.columns]
    statement = (
        insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=keys)
        .returning(*[getattr(model, key) for key in keys[:1]])
    )
    return (await session.execute(statement)).first() is not None
