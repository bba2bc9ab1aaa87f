"""A fresh, migrated database for one benchmark run: a SQLite file or a PostgreSQL database.

PostgreSQL is the local server (``MIXTAPE_TEST_POSTGRES_URL``, default
postgresql://postgres@127.0.0.1:5432/test); its database is dropped afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

from graphql_api.db.migrations import upgrade
from graphql_api.settings import Settings

ADMIN_URL = os.environ.get("MIXTAPE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
ENGINES = ("sqlite", "postgresql")


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def fresh_database(engine: str) -> AsyncIterator[str]:
    """Yields the SQLAlchemy URL of a new database of ``engine``, migrated to head."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            await asyncio.to_thread(upgrade, Settings(database_url=url))
            yield url
        return
    name = f"mixtape_bench_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    try:
        await asyncio.to_thread(upgrade, Settings(database_url=url))
        yield url
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
