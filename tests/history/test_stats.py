"""Statistics over an imported export, checked against values worked out from the fixture."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections import Counter
from pathlib import Path

from graphql_api.history import stats
from graphql_api.history.local_time import offset_changes
from graphql_api.history.stats import StatsScope
from graphql_api.resources import Resources
from tests.history.conftest import import_files, new_user
from tests.support.history_export import Expected, write_export

ZONE = "America/New_York"


async def _imported(resources: Resources, tmp_path: Path) -> tuple[int, Expected]:
    user_id = await new_user(resources)
    paths, expected = write_export(tmp_path, files=3, per_file=300)
    row = await import_files(resources, user_id, paths)
    assert row.plays_added == expected.plays
    return user_id, expected


def _scope(resources: Resources, user_id: int, since: dt.datetime | None = None) -> StatsScope:
    dialect = "sqlite" if resources.settings.is_sqlite else "postgresql"
    return StatsScope.of(dialect, user_id, user_id, since, None, ZONE)


async def test_totals_top_lists_and_skip_rate_match_the_fixture(
    resources: Resources, tmp_path: Path
) -> None:
    user_id, expected = await _imported(resources, tmp_path)
    scope = _scope(resources, user_id)
    async with resources.reader() as session:
        totals = await stats.totals(session, scope)
        songs = await stats.top_songs(session, scope, 5)
        artists = await stats.top_artists(session, scope, 3)
        albums = await stats.top_albums(session, scope, 3)
    assert totals.plays == expected.plays
    assert totals.ms_played == sum(ms for _, _, ms in expected.counted)
    assert totals.skips == expected.skips
    assert totals.skip_rate == expected.skips / (expected.plays + expected.skips)
    by_song = Counter(uri for _, uri, _ in expected.counted)
    time_of = Counter[str]()
    for _, uri, ms in expected.counted:
        time_of[uri] += ms
    assert [r.plays for r in songs] == sorted(by_song.values(), reverse=True)[:5]
    assert all(r.plays == by_song[r.row.spotify_uri] for r in songs)
    assert all(r.ms_played == time_of[r.row.spotify_uri] for r in songs)
    by_artist = Counter(
        expected.items[uri].artist
        for _, uri, _ in expected.counted
        if expected.items[uri].kind == "track"
    )
    assert [r.plays for r in artists] == sorted(by_artist.values(), reverse=True)[:3]
    assert all(r.plays == by_artist[r.row.name] for r in artists)
    by_album = Counter(
        expected.items[uri].album for _, uri, _ in expected.counted if expected.items[uri].album
    )
    assert [r.plays for r in albums] == sorted(by_album.values(), reverse=True)[:3]


async def test_heatmap_and_months_are_in_the_local_time_of_the_zone_across_dst(
    resources: Resources, tmp_path: Path
) -> None:
    user_id, expected = await _imported(resources, tmp_path)
    scope = _scope(resources, user_id)
    zone = zoneinfo.ZoneInfo(ZONE)
    local = [started.astimezone(zone) for started, _, _ in expected.counted]
    async with resources.reader() as session:
        scope = await scope.fitted(session)
        cells = await stats.heatmap(session, scope)
        months = await stats.periods(session, scope, "month")
        weeks = await stats.periods(session, scope, "week")
        days = await stats.periods(session, scope, "day")
        streaks = await stats.streaks(session, scope, dt.date(2030, 1, 1))
    assert {(c.weekday, c.hour): c.plays for c in cells} == Counter(
        (at.isoweekday(), at.hour) for at in local
    )
    assert {p.start: p.plays for p in months} == Counter(at.date().replace(day=1) for at in local)
    assert {p.start: p.plays for p in weeks} == Counter(
        at.date() - dt.timedelta(days=at.weekday()) for at in local
    )
    played_days = sorted({at.date() for at in local})
    assert [p.start for p in days] == played_days
    longest, run = 1, 1
    for before, after in itertools.pairwise(played_days):
        run = run + 1 if after - before == dt.timedelta(days=1) else 1
        longest = max(longest, run)
    assert streaks.longest_days == longest
    assert streaks.current_days == 0


async def test_discoveries_are_artists_first_played_within_the_range(
    resources: Resources, tmp_path: Path
) -> None:
    user_id, expected = await _imported(resources, tmp_path)
    since = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    first: dict[str, dt.datetime] = {}
    for started, uri, _ in sorted(expected.counted):
        item = expected.items[uri]
        if item.kind == "track":
            first.setdefault(item.artist, started)
    wanted = sorted((at, name) for name, at in first.items() if at >= since)
    async with resources.reader() as session:
        found, total = await stats.discoveries(session, _scope(resources, user_id, since), 100)
    assert total == len(wanted)
    assert [(d.first_played_at, d.artist.name) for d in found] == wanted


def test_offset_changes_are_found_to_the_second() -> None:
    zone = zoneinfo.ZoneInfo("Europe/Berlin")
    pieces = offset_changes(
        zone, dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    assert pieces == [
        (dt.datetime(2024, 1, 1, tzinfo=dt.UTC), 3600),
        (dt.datetime(2024, 3, 31, 1, tzinfo=dt.UTC), 7200),
        (dt.datetime(2024, 10, 27, 1, tzinfo=dt.UTC), 3600),
    ]
