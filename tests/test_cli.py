"""The ``mixtape`` command."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from graphql_api.cli import main, several_processes_problem
from graphql_api.settings import Settings, get_settings


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


@pytest.fixture
def uvicorn_runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments of every ``uvicorn.run`` call, which returns at once here."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    return calls


def test_serve_with_several_workers_without_redis_refuses_and_says_why(
    runner: CliRunner, uvicorn_runs: list[dict[str, Any]]
) -> None:
    result = runner.invoke(main, ["serve", "--workers", "2"])
    assert result.exit_code == 2, result.output
    assert "--workers 2 needs MIXTAPE_REDIS_URL" in result.output
    assert uvicorn_runs == []


def test_serve_with_several_workers_in_demo_mode_refuses_and_says_why(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, uvicorn_runs: list[dict[str, Any]]
) -> None:
    # Redis is set, but no Spotify credentials: demo mode, one emulator per process.
    monkeypatch.setenv("MIXTAPE_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("MIXTAPE_SPOTIFY_CLIENT_ID", raising=False)
    get_settings.cache_clear()
    result = runner.invoke(main, ["serve", "--workers", "3"])
    assert result.exit_code == 2, result.output
    assert "not possible in demo mode" in result.output
    assert uvicorn_runs == []


def test_serve_with_several_workers_starts_them_with_redis_and_real_spotify(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, uvicorn_runs: list[dict[str, Any]]
) -> None:
    monkeypatch.setenv("MIXTAPE_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("MIXTAPE_SPOTIFY_CLIENT_ID", "id")
    monkeypatch.setenv("MIXTAPE_SPOTIFY_CLIENT_SECRET", "secret")
    get_settings.cache_clear()
    result = runner.invoke(main, ["serve", "--workers", "4"])
    assert result.exit_code == 0, result.output
    assert [call["workers"] for call in uvicorn_runs] == [4]
    # Forwarded headers are the app's business (MIXTAPE_TRUSTED_PROXIES), not uvicorn's.
    assert uvicorn_runs[0]["proxy_headers"] is False


def test_several_workers_are_allowed_with_redis_and_real_spotify() -> None:
    settings = Settings(
        database_url="sqlite+aiosqlite:///:memory:",
        redis_url="redis://127.0.0.1:6379/0",
        spotify_client_id="id",
        spotify_client_secret=SecretStr("secret"),
    )
    assert several_processes_problem(settings, 4) is None
    assert several_processes_problem(settings.model_copy(update={"redis_url": None}), 1) is None


def test_serve_refuses_zero_workers(runner: CliRunner) -> None:
    result = runner.invoke(main, ["serve", "--workers", "0"])
    assert result.exit_code == 2
    assert "--workers" in result.output
