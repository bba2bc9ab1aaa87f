"""Dialect-aware bulk ``INSERT … ON CONFLICT``, chunked under the bind-parameter limit.

SQLite and PostgreSQL both speak ``ON CONFLICT``; SQLAlchemy spells it through each
dialect's own ``insert``. Both cap the bind parameters of one statement (SQLite at
32,766, asyncpg at 32,767), so rows go in chunks sized by their column count.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Table, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

Row = dict[str, Any]
MAX_PARAMETERS = 30_000
MAX_ROWS = 2_000


def chunks(rows: Sequence[Any], columns: int = 1) -> Iterator[Sequence[Any]]:
    """``rows`` in slices whose bind parameters stay under both backends' limits."""
    size = max(1, min(MAX_ROWS, MAX_PARAMETERS // max(1, columns)))
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def table_of(model: type[Any]) -> Table:
    """The Core table behind an ORM model."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _insert(session: AsyncSession, table: Table) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def upsert(
    session: AsyncSession,
    table: Table,
    rows: Sequence[Row],
    *,
    keys: Sequence[str],
    update: Sequence[str] = (),
    touch: str | None = None,
    index_where: Any = None,
) -> int:
    """Insert ``rows``; on a conflict over ``keys`` update the ``update`` columns.

    A conflicting row is only rewritten when one of the ``update`` columns differs, so
    upserting an unchanged catalog writes nothing (``touch`` names a timestamp column
    set along with a real change; ``index_where`` names a partial unique index's
    predicate when ``keys`` are unique only under it). Rows are sorted by key first:
    concurrent upserts then lock rows in the same order and cannot deadlock each other.
    Returns the number of rows written.
    """
    if not rows:
        return 0
    ordered = sorted(rows, key=lambda row: tuple(str(row[key]) for key in keys))
    written = 0
    for chunk in chunks(ordered, len(ordered[0])):
        statement = _insert(session, table).values(list(chunk))
        if update:
            excluded = statement.excluded
            values = {column: excluded[column] for column in update}
            if touch is not None:
                values[touch] = excluded[touch]
            statement = statement.on_conflict_do_update(
                index_elements=list(keys),
                index_where=index_where,
                set_=values,
                where=or_(
                    *(table.c[column].is_distinct_from(excluded[column]) for column in update)
                ),
            )
        else:
            statement = statement.on_conflict_do_nothing(
                index_elements=list(keys), index_where=index_where
            )
        result = await session.execute(statement)
        written += max(0, getattr(result, "rowcount", 0) or 0)
    return written
