"""Bad files: clear errors, nothing lost before them, and a way to carry on."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graphql_api.cli import main
from graphql_api.db.models import HistoryImportStatus
from graphql_api.history.formats import HistoryFileError
from graphql_api.history.sources import list_sources
from graphql_api.resources import Resources
from tests.history.conftest import import_files, new_user, play_counts
from tests.support.history_export import write_export


async def test_a_bad_file_in_the_middle_keeps_what_came_before_and_a_rerun_finishes(
    resources: Resources, tmp_path: Path
) -> None:
    user_id = await new_user(resources)
    paths, expected = write_export(tmp_path, files=3, per_file=200)
    good = paths[1].read_text(encoding="utf-8")
    # Cut the middle file off halfway through an entry.
    paths[1].write_text(good[: len(good) // 2], encoding="utf-8")
    row = await import_files(resources, user_id, paths)
    assert row.status is HistoryImportStatus.FAILED
    assert row.error_code == "BAD_USER_INPUT"
    assert paths[1].name in (row.error_message or "")
    assert "not valid JSON" in (row.error_message or "")
    first_file_and_some = row.plays_added + row.skips_added
    assert first_file_and_some > 0
    assert await play_counts(resources, user_id) == (row.plays_added, row.skips_added)
    # The whole file again (a fixed download): the rerun adds exactly what was missing.
    paths[1].write_text(good, encoding="utf-8")
    rerun = await import_files(resources, user_id, paths)
    assert rerun.status is HistoryImportStatus.SUCCEEDED
    assert rerun.plays_added + rerun.skips_added + first_file_and_some == (
        expected.plays + expected.skips
    )
    assert await play_counts(resources, user_id) == (expected.plays, expected.skips)


async def test_another_spotify_users_export_is_refused_before_anything_is_written(
    resources: Resources, tmp_path: Path
) -> None:
    user_id = await new_user(resources, spotify="me-on-spotify")
    paths, _ = write_export(tmp_path, files=2, per_file=50, user="somebody-else")
    row = await import_files(resources, user_id, paths)
    assert row.status is HistoryImportStatus.FAILED
    assert "somebody-else" in (row.error_message or "")
    assert await play_counts(resources, user_id) == (0, 0)


async def test_files_of_two_spotify_users_in_one_import_are_refused(
    resources: Resources, tmp_path: Path
) -> None:
    user_id = await new_user(resources)
    first, _ = write_export(tmp_path / "a", files=1, per_file=20, user="ann")
    second, _ = write_export(tmp_path / "b", files=1, per_file=20, user="bob", seed=8)
    second[0].rename(tmp_path / "b" / "Streaming_History_Audio_2030_9.json")
    row = await import_files(
        resources, user_id, [*first, tmp_path / "b" / "Streaming_History_Audio_2030_9.json"]
    )
    assert row.status is HistoryImportStatus.FAILED
    assert "several Spotify accounts" in (row.error_message or "")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ({"ts": "x"}, "not a JSON array"),
        ([{"endTime": "2024-01-01 10:00", "msPlayed": 1000}], "Extended streaming history"),
        ([{"foo": 1}], "no `ts`"),
        ([{"ts": "yesterday", "ms_played": 1}], "not a timestamp"),
        ([{"ts": "2024-01-01T00:00:00Z", "ms_played": "long"}], "not a duration"),
    ],
)
async def test_wrong_formats_fail_the_import_with_the_reason(
    resources: Resources, tmp_path: Path, content: object, words: str
) -> None:
    user_id = await new_user(resources)
    path = tmp_path / "Streaming_History_Audio_2024.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    row = await import_files(resources, user_id, [path])
    assert row.status is HistoryImportStatus.FAILED
    assert words in (row.error_message or "")


def test_account_data_history_and_empty_zips_are_refused_by_name(tmp_path: Path) -> None:
    account = tmp_path / "StreamingHistory_music_0.json"
    account.write_text("[]", encoding="utf-8")
    with pytest.raises(HistoryFileError, match="Extended streaming history"):
        list_sources([account])
    (empty,), _ = write_export(tmp_path / "z", files=0, as_zip=True)
    with pytest.raises(HistoryFileError, match="no extended streaming history"):
        list_sources([empty])
    with pytest.raises(HistoryFileError, match="no such file"):
        list_sources([tmp_path / "missing.json"])


async def test_cli_imports_files_for_a_user_and_says_what_it_added(
    resources: Resources, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id = await new_user(resources)
    paths, expected = write_export(tmp_path / "export", files=2, per_file=60)
    monkeypatch.setenv("MIXTAPE_DATABASE_URL", resources.settings.database_url)
    monkeypatch.setenv("MIXTAPE_POLL_ENABLED", "false")
    from graphql_api.settings import get_settings

    get_settings.cache_clear()
    try:
        result = await _in_thread(
            lambda: CliRunner().invoke(
                main, ["history", "import", "--user", str(user_id), str(tmp_path / "export")]
            )
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert f"{expected.plays:,} plays added" in result.output
    assert await play_counts(resources, user_id) == (expected.plays, expected.skips)
    missing = await _in_thread(
        lambda: CliRunner().invoke(main, ["history", "import", "--user", "nobody", str(paths[0])])
    )
    assert missing.exit_code == 1
    assert "No user 'nobody'" in missing.output


async def _in_thread(call: Callable[[], Result]) -> Result:
    """The command in a thread: it runs an event loop of its own."""
    return await asyncio.to_thread(call)
