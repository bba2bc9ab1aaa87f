"""The engine's transactions: savepoints nest on every backend; SQLite keeps its pragmas."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from graphql_api.db.engine import create_engine, create_reader, create_sessionmaker
from graphql_api.db.models import Genre
from graphql_api.settings import Settings


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    built = create_engine(settings.database_url)
    try:
        yield built
    finally:
        await built.dispose()


async def _genres(engine: AsyncEngine) -> set[str]:
    async with create_sessionmaker(engine)() as session:
        return set(await session.scalars(select(Genre.name)))


async def test_released_savepoint_row_disappears_on_outer_rollback(engine: AsyncEngine) -> None:
    async with create_sessionmaker(engine)() as session:
        # The savepoint is the transaction's first statement: with the sqlite3 driver's
        # legacy transaction control it ran outside any transaction and survived.
        async with session.begin_nested():
            session.add(Genre(name="nested"))
        session.add(Genre(name="outer"))
        await session.flush()
        await session.rollback()
    assert await _genres(engine) == set()


async def test_rolled_back_savepoint_keeps_outer_rows(engine: AsyncEngine) -> None:
    async with create_sessionmaker(engine)() as session:
        session.add(Genre(name="outer"))
        await session.flush()
        nested = await session.begin_nested()
        session.add(Genre(name="nested"))
        await session.flush()
        await nested.rollback()
        await session.commit()
    assert await _genres(engine) == {"outer"}


async def test_sqlite_connections_keep_wal_and_foreign_keys(
    settings: Settings, engine: AsyncEngine
) -> None:
    if not settings.is_sqlite:
        pytest.skip("SQLite pragmas")
    async with engine.connect() as connection:
        assert await connection.scalar(text("PRAGMA journal_mode")) == "wal"
        assert await connection.scalar(text("PRAGMA foreign_keys")) == 1
        assert await connection.scalar(text("PRAGMA busy_timeout")) == 10000


async def test_a_reader_reads_the_last_commit_while_a_writer_holds_the_write_lock(
    engine: AsyncEngine,
) -> None:
    async with create_sessionmaker(engine)() as session:
        session.add(Genre(name="committed"))
        await session.commit()
    async with create_sessionmaker(engine)() as writer:
        # On SQLite the writer's BEGIN IMMEDIATE holds the write lock until it ends. A
        # reader that began IMMEDIATE too would wait for it (busy_timeout, 10 s) and then
        # fail with "database is locked", while the writer waits for the reader here.
        writer.add(Genre(name="pending"))
        await writer.flush()
        async with create_reader(engine)() as reader:
            seen = set(await reader.scalars(select(Genre.name)))
        await writer.commit()
    assert seen == {"committed"}
    assert await _genres(engine) == {"committed", "pending"}
