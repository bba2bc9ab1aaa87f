"""The import job end to end on each backend: counts, re-import, merge, kill and resume."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, update

from graphql_api.db.models import HistoryImport, HistoryImportStatus, Play, Song
from graphql_api.history import runner
from graphql_api.history.runner import run_import
from graphql_api.listening.history import NewPlay, record_play
from graphql_api.resources import Resources
from tests.history.conftest import import_files, import_row, new_user, play_counts, start_import
from tests.support.history_export import write_export


async def test_export_imports_the_plays_and_skips_the_fixture_says(
    resources: Resources, tmp_path: Path
) -> None:
    user_id = await new_user(resources)
    paths, expected = write_export(tmp_path, as_zip=True)
    row = await import_files(resources, user_id, paths)
    assert row.status is HistoryImportStatus.SUCCEEDED, row.error_message
    assert (row.plays_added, row.skips_added) == (expected.plays, expected.skips)
    assert row.entries_read == expected.entries
    assert row.entries_ignored == expected.ignored
    assert await play_counts(resources, user_id) == (expected.plays, expected.skips)
    async with resources.sessionmaker() as session:
        songs = (await session.scalars(select(Song))).all()
    assert {s.spotify_uri for s in songs} <= set(expected.items)
    by_uri = {s.spotify_uri: s for s in songs}
    episode = next(u for u in by_uri if u and ":episode:" in u)
    assert by_uri[episode].kind == "episode"
    assert by_uri[episode].name == expected.items[episode].name


async def test_importing_the_same_files_again_adds_nothing(
    resources: Resources, tmp_path: Path
) -> None:
    user_id = await new_user(resources)
    paths, expected = write_export(tmp_path, files=2, per_file=200)
    await import_files(resources, user_id, paths)
    again = await import_files(resources, user_id, paths)
    assert again.status is HistoryImportStatus.SUCCEEDED
    assert (again.plays_added, again.skips_added) == (0, 0)
    assert await play_counts(resources, user_id) == (expected.plays, expected.skips)
    # Copies of the files under other names: read again (other content hashes are not
    # known), still nothing added, by the (user, song, start) key.
    copies = []
    for path in paths:
        copy = tmp_path / "copies" / path.name
        copy.parent.mkdir(exist_ok=True)
        copy.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        copies.append(copy)
    third = await import_files(resources, user_id, copies)
    assert (third.plays_added, third.skips_added, third.entries_read) == (0, 0, expected.entries)


async def test_plays_the_poller_recorded_are_merged_not_doubled(
    resources: Resources, tmp_path: Path
) -> None:
    user_id = await new_user(resources)
    paths, expected = write_export(tmp_path, files=1, per_file=150)
    overlapping = expected.counted[:10]
    async with resources.sessionmaker() as session:
        for started, uri, _ms in overlapping:
            item = expected.items[uri]
            track = {
                "type": item.kind,
                "uri": uri,
                "id": uri.rsplit(":", 1)[-1],
                "name": item.name,
                "duration_ms": item.duration_ms,
            }
            # The poller saw it start a few seconds off the export's reckoning.
            play = NewPlay(track, started + dt.timedelta(seconds=4), 1000, None, "poller")
            assert await record_play(session, user_id, play)
        await session.commit()
    row = await import_files(resources, user_id, paths)
    assert row.plays_merged == len(overlapping)
    assert row.plays_added == expected.plays - len(overlapping)
    assert await play_counts(resources, user_id) == (expected.plays, expected.skips)
    async with resources.sessionmaker() as session:
        merged = (
            await session.scalars(select(Play).where(Play.source == "poller").order_by(Play.id))
        ).all()
    # The poller's rows keep their start and take the export's details.
    assert [p.ms_played for p in merged] == [ms for _, _, ms in overlapping]
    assert all(p.platform == "Android OS 14" for p in merged)


class Killed(BaseException):
    """Stands for the process dying: nothing catches it."""


async def test_an_import_killed_midway_and_resumed_gives_the_same_result(
    resources: Resources, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id = await new_user(resources)
    paths, expected = write_export(tmp_path, files=3, per_file=300)
    import_id = await start_import(resources, user_id, paths)
    real = runner._write_batch
    written = 0

    async def dying(*args: object) -> None:
        nonlocal written
        if written == 5:
            raise Killed()
        written += 1
        await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "_write_batch", dying)
    with pytest.raises(Killed):
        await run_import(resources, import_id, batch_size=100)
    monkeypatch.setattr(runner, "_write_batch", real)
    row = await import_row(resources, import_id)
    assert row.status is HistoryImportStatus.RUNNING
    assert 0 < row.plays_added < expected.plays
    # Still leased: a second delivery of the job leaves it alone.
    assert await run_import(resources, import_id) is HistoryImportStatus.RUNNING
    async with resources.sessionmaker() as session:
        await session.execute(
            update(HistoryImport).where(HistoryImport.id == import_id).values(lease_until=None)
        )
        await session.commit()
    assert await run_import(resources, import_id, batch_size=100) is HistoryImportStatus.SUCCEEDED
    row = await import_row(resources, import_id)
    assert (row.plays_added, row.skips_added) == (expected.plays, expected.skips)
    assert row.entries_read == expected.entries
    assert await play_counts(resources, user_id) == (expected.plays, expected.skips)
