"""Alembic migrations agree with the models, and go up and down on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from graphql_api.db import migrations
from graphql_api.db.base import Base
from graphql_api.db.engine import create_engine
from graphql_api.db.search_ddl import include_name
from graphql_api.settings import Settings
from tests.support.databases import in_thread


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_name}
    )
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_models_and_migrations_agree(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    async with engine.connect() as connection:
        assert await connection.run_sync(_diff) == []
    await engine.dispose()


async def test_downgrade_base_then_upgrade_head(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    in_thread(lambda: migrations.downgrade(settings, "base"))
    async with engine.connect() as connection:
        assert await connection.run_sync(_tables) <= {"alembic_version"}
    in_thread(lambda: migrations.upgrade(settings))
    async with engine.connect() as connection:
        assert set(Base.metadata.tables) <= await connection.run_sync(_tables)
    assert await migrations.current_revisions(engine) == migrations.head_revisions(settings)
    await engine.dispose()


def test_one_head(settings: Settings) -> None:
    assert len(migrations.head_revisions(settings)) == 1
