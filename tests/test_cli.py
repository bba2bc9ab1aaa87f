"""The ``mixtape`` command."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphql_api.cli import main
from graphql_api.settings import get_settings


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliRunner]:
    monkeypatch.setenv("MIXTAPE_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    monkeypatch.delenv("MIXTAPE_REDIS_URL", raising=False)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_migrate_up_and_down(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["migrate"])
    assert result.exit_code == 0, result.output
    tables = _tables(tmp_path / "cli.db")
    assert {"users", "songs", "library_snapshots", "alembic_version"} <= tables
    result = runner.invoke(main, ["migrate", "--down", "base"])
    assert result.exit_code == 0, result.output
    assert _tables(tmp_path / "cli.db") <= {"alembic_version"}


def test_worker_without_redis_says_why(runner: CliRunner) -> None:
    result = runner.invoke(main, ["worker"])
    assert result.exit_code != 0
    assert "MIXTAPE_REDIS_URL is not set" in result.output


def test_emulator_is_a_subcommand(runner: CliRunner) -> None:
    result = runner.invoke(main, ["spotify-emulator", "--help"])
    assert result.exit_code == 0
    assert "generate" in result.output


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    return {row[0] for row in rows}
