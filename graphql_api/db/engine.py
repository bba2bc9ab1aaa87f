"""Engine and session factory for SQLite (aiosqlite, WAL) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, NullPool


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while the snapshot job writes; foreign keys are off
    # by default in SQLite; busy_timeout waits for a writer instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_autocommit_driver(
    dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry
) -> None:
    # The sqlite3 driver's legacy transaction control skips BEGIN for SELECT and
    # SAVEPOINT: a savepoint opened first then escapes the outer transaction, and its
    # rows survive the outer ROLLBACK. SQLAlchemy emits BEGIN itself instead.
    dbapi_connection.isolation_level = None


# The execution option of a reader's connections (create_reader).
READ_ONLY = "mixtape_read_only"


def _sqlite_begin(connection: Connection) -> None:
    if connection.get_execution_options().get(READ_ONLY):
        # A reader never writes: a deferred BEGIN reads the last commit (WAL) without
        # waiting for the writer of the moment.
        connection.exec_driver_sql("BEGIN")
        return
    # IMMEDIATE takes the write lock up front, waiting out busy_timeout: a deferred
    # BEGIN that reads and then writes fails at once ("database is locked") when
    # another connection wrote in between, because its WAL snapshot is stale.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def install_sqlite_transactions(engine: AsyncEngine) -> None:
    """Real transactions on SQLite: BEGIN at the start of every transaction, so that
    ``begin_nested`` savepoints nest inside it and vanish with its rollback
    (SQLAlchemy's documented recipe for pysqlite / aiosqlite, "Enabling Non-Legacy
    SQLite Transactional Modes"). A writing transaction takes the write lock at BEGIN;
    a reader's (:func:`create_reader`) does not, and never waits for the writer."""
    event.listen(engine.sync_engine, "connect", _sqlite_autocommit_driver)
    event.listen(engine.sync_engine, "begin", _sqlite_begin)


def _unique_statement_name() -> str:
    return f"__asyncpg_{uuid.uuid4().hex}__"


def pgbouncer_options() -> dict[str, Any]:
    """Engine options for asyncpg behind PgBouncer in transaction mode.

    There, consecutive transactions of one client connection may run on different server
    connections: a statement asyncpg prepared and cached on one is missing on the next
    ("prepared statement does not exist"), and its numbered names collide with another
    client's on a shared one ("already exists"). SQLAlchemy's documented settings: no
    statement caches (SQLAlchemy's and asyncpg's own), a unique name per prepared
    statement, and no pool of our own (PgBouncer is the pool).
    """
    return {
        "poolclass": NullPool,
        "connect_args": {
            "prepared_statement_cache_size": 0,
            "statement_cache_size": 0,
            "prepared_statement_name_func": _unique_statement_name,
        },
    }


def create_engine(url: str, *, pgbouncer: bool = False, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url``; SQLite files get WAL and foreign keys. ``pgbouncer``:
    PostgreSQL is reached through PgBouncer in transaction mode (:func:`pgbouncer_options`)."""
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        install_sqlite_transactions(engine)
        return engine
    if pgbouncer:
        return create_async_engine(url, **{**pgbouncer_options(), **kwargs})
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after the unit of work commits,
    # so resolvers never trigger a surprise reload (or a MissingGreenlet).
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def create_reader(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that only read (queries, loaders, exports). On SQLite their transactions
    begin deferred, so a read goes on while a job writes; elsewhere they are plain
    sessions. Never write through one: on SQLite a deferred transaction that writes after
    another connection committed fails ("database is locked")."""
    return async_sessionmaker(
        engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False, autoflush=False
    )


def _ensure_sqlite_dir(url: str) -> None:
    from pathlib import Path

    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
