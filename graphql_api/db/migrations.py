"""Alembic, driven from code: upgrade, downgrade, and "is the database at head?"."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from graphql_api.settings import Settings


def _alembic_dir() -> Path:
    # The repository's alembic/ folder, beside the package in a checkout or an image.
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (base / "alembic" / "env.py").exists():
            return base / "alembic"
    raise FileNotFoundError("alembic/ not found beside the package or in the working directory")


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_alembic_dir()))
    # env.py reads the URL from here, so a test can migrate a database of its own.
    config.attributes["database_url"] = settings.database_url
    config.attributes["database_pgbouncer"] = settings.database_pgbouncer
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)


def head_revisions(settings: Settings) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(settings)).get_heads())


async def current_revisions(engine: AsyncEngine) -> set[str]:
    """The revisions the database is at; empty when it was never migrated."""
    async with engine.connect() as connection:
        try:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
        except Exception:
            return set()
        return {row[0] for row in rows}
