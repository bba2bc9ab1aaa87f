"""Running ``mixtape admin`` against the test's database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner, Result

from graphql_api.cli import main
from graphql_api.composition import open_app_resources
from graphql_api.resources import Resources
from graphql_api.settings import Settings, get_settings

T = TypeVar("T")


class Admin:
    """``mixtape admin …`` in this process, and the database it works on."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        result = self.runner.invoke(main, ["admin", *args], input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    def db(self, work: Callable[[Resources], Awaitable[T]]) -> T:
        """Run ``work`` with resources on the same database, outside the command."""

        async def run() -> T:
            async with open_app_resources(self.settings) as resources:
                return await work(resources)

        return asyncio.run(run())


@pytest.fixture
def admin(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Admin]:
    """The commands run synchronously (each its own event loop), as from a shell."""
    monkeypatch.setenv("MIXTAPE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MIXTAPE_REDIS_PREFIX", settings.redis_prefix)
    monkeypatch.setenv("MIXTAPE_POLL_ENABLED", "false")
    monkeypatch.delenv("MIXTAPE_REDIS_URL", raising=False)
    get_settings.cache_clear()
    yield Admin(settings)
    get_settings.cache_clear()


def env_settings(**update: Any) -> Settings:
    return get_settings().model_copy(update=update)
