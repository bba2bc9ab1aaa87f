"""Alembic environment: async engines, SQLite batch mode, URL from Mixtape's settings."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from graphql_api.db import models  # noqa: F401  (registers every table)
from graphql_api.db.base import Base
from graphql_api.db.engine import create_engine
from graphql_api.db.search_ddl import include_name
from graphql_api.settings import get_settings

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url")
    return str(url) if url else get_settings().database_url


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # A batch migration rebuilds a table and drops the old one; with foreign keys on,
    # that DROP deletes the rows of every table referencing it (ON DELETE CASCADE).
    # The pragma is ignored inside a transaction, so it goes straight to the driver.
    raw = connection.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    cursor.close()


def _configure(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(connection, on=False)
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=sqlite,
        compare_type=True,
        # The catalog's search indexes are made by SQL of their own, not by the models.
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        _sqlite_foreign_keys(connection, on=True)


def _pgbouncer() -> bool:
    flag = config.attributes.get("database_pgbouncer")
    return bool(flag) if flag is not None else get_settings().database_pgbouncer


async def _run_online() -> None:
    engine = create_engine(_url(), pgbouncer=_pgbouncer())
    async with engine.connect() as connection:
        await connection.run_sync(_configure)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
