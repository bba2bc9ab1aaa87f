"""Alembic environment: async engines, SQLite batch mode, URL from Mixtape's settings."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from graphql_api.db import models  # noqa: F401  (registers every table)
from graphql_api.db.base import Base
from graphql_api.db.engine import create_engine
from graphql_api.settings import get_settings

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url")
    return str(url) if url else get_settings().database_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


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
