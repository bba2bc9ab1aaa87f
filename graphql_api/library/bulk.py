"""Dialect-aware bulk ``INSERT … ON CONFLICT``, chunked under the bind-parameter limit.

SQLite and PostgreSQL both speak ``ON CONFLICT``; SQLAlchemy spells it through each
dialect's own ``insert``. Both cap the bind parameters of one statement (SQLite at
32,766, asyncpg at 32,767), so rows go in chunks sized by their column count.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Table, and_, func, or_
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


def _sortable(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else 0)


def in_key_order(rows: Sequence[Row], keys: Sequence[str]) -> list[Row]:
    """``rows`` sorted by their natural key (``keys``' values, NULLs last).

    Every writer of a shared table writes its rows in this order, and the tables in one
    fixed order (see :mod:`graphql_api.library.catalog`): two transactions then take
    their row locks in the same sequence, so one may wait for the other but they never
    wait for each other (PostgreSQL's ``deadlock detected``).
    """
    return sorted(rows, key=lambda row: tuple(_sortable(row[key]) for key in keys))


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
    keep: Sequence[str] = (),
    index_where: Any = None,
) -> int:
    """Insert ``rows``; on a conflict over ``keys`` update the ``update`` columns.

    A conflicting row is only rewritten when one of the ``update`` columns differs, so
    upserting an unchanged catalog writes nothing (``touch`` names a timestamp column
    set along with a real change; ``keep`` names ``update`` columns where a NULL in the
    new row keeps the stored value, so rows that know a column and rows that do not can
    share one statement; ``index_where`` names a partial unique index's predicate when
    ``keys`` are unique only under it). Rows are sorted by key first (:func:`in_key_order`):
    concurrent upserts then lock rows in the same order and cannot deadlock each other.
    Returns the number of rows written.
    """
    if not rows:
        return 0
    ordered = in_key_order(rows, keys)
    written = 0
    for chunk in chunks(ordered, len(ordered[0])):
        statement = _insert(session, table).values(list(chunk))
        if update:
            excluded = statement.excluded
            values: dict[str, Any] = {}
            changed = []
            for column in update:
                new, stored = excluded[column], table.c[column]
                if column in keep:
                    values[column] = func.coalesce(new, stored)
                    changed.append(and_(new.is_not(None), stored.is_distinct_from(new)))
                else:
                    values[column] = new
                    changed.append(stored.is_distinct_from(new))
            if touch is not None:
                values[touch] = excluded[touch]
            statement = statement.on_conflict_do_update(
                index_elements=list(keys),
                index_where=index_where,
                set_=values,
                where=or_(*changed),
            )
        else:
            statement = statement.on_conflict_do_nothing(
                index_elements=list(keys), index_where=index_where
            )
        result = await session.execute(statement)
        written += max(0, getattr(result, "rowcount", 0) or 0)
    return written
