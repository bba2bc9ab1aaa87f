"""Per-test databases, cloned from a template migrated once per session.

SQLite: the migrated file is copied. PostgreSQL: ``CREATE DATABASE … TEMPLATE``.
Either way every test gets a database of its own, built by Alembic, and drops it.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import asyncpg

from graphql_api.db.migrations import upgrade
from graphql_api.settings import Settings
from tests.support.services import POSTGRES_ADMIN_URL

T = TypeVar("T")


def in_thread(function: Callable[[], T]) -> T:
    """Run blocking set-up that uses its own event loop (Alembic's env.py does).

    Session fixtures may be first requested from inside a running test loop.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def postgres_url(database: str) -> str:
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{database}"


def make_sqlite_template(directory: Path) -> Path:
    path = directory / "template.db"
    in_thread(lambda: upgrade(Settings(database_url=sqlite_url(path))))
    return path


def clone_sqlite(template: Path, directory: Path) -> str:
    path = directory / f"test-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(template, path)
    return sqlite_url(path)


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def make_postgres_template() -> str:
    name = f"mixtape_tpl_{uuid.uuid4().hex[:10]}"
    in_thread(lambda: asyncio.run(_admin(f'CREATE DATABASE "{name}"')))
    in_thread(lambda: upgrade(Settings(database_url=postgres_url(name))))
    return name


async def clone_postgres(template: str) -> str:
    name = f"mixtape_t_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name


async def drop_postgres(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_postgres_sync(name: str) -> None:
    in_thread(lambda: asyncio.run(drop_postgres(name)))
