"""Token persistence: with a state path, issued tokens outlive a restart of the emulator."""

from __future__ import annotations

import logging
import stat
from pathlib import Path
from typing import Any

import pytest

from spotify_emulator.testing import run_emulator
from tests.spotify_emulator.conftest import ALICE
from tests.spotify_emulator.test_oauth import me, token


async def test_tokens_issued_before_a_restart_still_work_after_it(
    tmp_path: Path, fixture_data: dict[str, Any]
) -> None:
    state = tmp_path / "var" / "emulator.json"
    async with run_emulator(fixture_data, state_path=str(state)) as first:
        issued = await first.issue_tokens(ALICE)
        code = await first.authorize(ALICE, redirect_uri="http://127.0.0.1:5000/cb", state="s")
    assert stat.S_IMODE(state.stat().st_mode) == 0o600

    async with run_emulator(fixture_data, state_path=str(state)) as second:
        assert (await me(second, issued["access_token"])).json()["id"] == ALICE
        refreshed = await token(
            second, {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
        )
        assert refreshed.status_code == 200, refreshed.text
        rotated = refreshed.json()["refresh_token"]
        # An unredeemed authorization code survives too.
        assert second.state.tokens.live_code(code) is not None

    async with run_emulator(fixture_data, state_path=str(state)) as third:
        # The rotation was saved: the old refresh token is gone, the new one works.
        old = await token(
            third, {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
        )
        assert old.status_code == 400
        new = await token(third, {"grant_type": "refresh_token", "refresh_token": rotated})
        assert new.status_code == 200, new.text


async def test_an_expired_token_is_still_expired_after_a_restart(
    tmp_path: Path, fixture_data: dict[str, Any]
) -> None:
    state = tmp_path / "emulator.json"
    async with run_emulator(fixture_data, state_path=str(state)) as first:
        issued = await first.issue_tokens(ALICE)
        await first.expire_tokens(ALICE)
    async with run_emulator(fixture_data, state_path=str(state)) as second:
        assert (await me(second, issued["access_token"])).status_code == 401


async def test_without_a_state_path_nothing_survives(fixture_data: dict[str, Any]) -> None:
    async with run_emulator(fixture_data) as first:
        issued = await first.issue_tokens(ALICE)
    async with run_emulator(fixture_data) as second:
        assert (await me(second, issued["access_token"])).status_code == 401


async def test_a_damaged_state_file_starts_empty_with_a_warning(
    tmp_path: Path, fixture_data: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "emulator.json"
    state.write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="spotify_emulator.tokens"):
        async with run_emulator(fixture_data, state_path=str(state)) as emulator:
            assert emulator.state.tokens.access == {}
            issued = await emulator.issue_tokens(ALICE)
            assert (await me(emulator, issued["access_token"])).status_code == 200
    assert "ignoring the emulator state" in caplog.text
