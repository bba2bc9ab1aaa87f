"""``mixtape releases ingest``: a run now, against the demo emulator (no Spotify settings)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphql_api.cli import main
from graphql_api.settings import get_settings


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliRunner]:
    monkeypatch.setenv("MIXTAPE_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("MIXTAPE_DEMO_STATE_PATH", str(tmp_path / "emulator.json"))
    for name in ("MIXTAPE_REDIS_URL", "MIXTAPE_SPOTIFY_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def added(output: str) -> int:
    found = re.search(r"(\d+) new releases", output)
    assert found is not None, output
    return int(found.group(1))


def test_releases_ingest_records_new_releases_once(runner: CliRunner) -> None:
    assert runner.invoke(main, ["migrate"]).exit_code == 0
    first = runner.invoke(main, ["releases", "ingest"])
    assert first.exit_code == 0, first.output
    assert added(first.output) > 0
    again = runner.invoke(main, ["releases", "ingest", "--quiet"])
    assert again.exit_code == 0, again.output
    assert added(again.output) == 0
