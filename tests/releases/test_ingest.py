"""The ingest against the emulator: new releases once, artist details once, idempotent."""

from __future__ import annotations

import asyncio

import pytest

from graphql_api.composition import open_app_resources
from graphql_api.db.models import IngestStatus, Release, ReleaseIngest, ReleaseSource
from graphql_api.releases.ingest import run_ingest
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.releases.conftest import NEW_RELEASES, count, release_rows


async def test_ingest_records_every_new_release_once_with_its_artists_details(
    releases_resources: Resources, releases_emulator: EmulatorHandle
) -> None:
    report = await run_ingest(releases_resources)
    assert report.succeeded, report.error_message
    assert (report.source, report.albums_seen) == (ReleaseSource.NEW_RELEASES, NEW_RELEASES)
    assert report.releases_added == NEW_RELEASES == await count(releases_resources, Release)
    rows = await release_rows(releases_resources)
    # Every artist got its details (popularity) and the time they were fetched.
    assert all(row[7] is not None and row[8] is not None for row in rows)


async def test_ingest_twice_adds_nothing_and_fetches_no_artist_again(
    releases_resources: Resources, releases_emulator: EmulatorHandle
) -> None:
    await run_ingest(releases_resources)
    before = await release_rows(releases_resources)
    await releases_emulator.reset_stats()
    again = await run_ingest(releases_resources)
    assert (again.releases_added, again.artists_refreshed) == (0, 0)
    assert await release_rows(releases_resources) == before
    endpoints = (await releases_emulator.stats())["endpoints"]
    assert not any("/artists" in endpoint for endpoint in endpoints)


async def test_artist_details_older_than_the_configured_age_are_fetched_again(
    releases_settings: Settings, releases_emulator: EmulatorHandle
) -> None:
    settings = releases_settings.model_copy(update={"releases_artist_max_age_s": 0})
    async with open_app_resources(settings) as resources:
        await run_ingest(resources)
        again = await run_ingest(resources)
    assert again.artists_refreshed > 0


async def test_spotify_down_ends_the_run_failed_and_recorded_with_its_code(
    releases_settings: Settings,
) -> None:
    # Nothing listens on port 1: the Web API is down (the accounts service is not).
    down = {"spotify_api_url": "http://127.0.0.1:1/v1", "spotify_max_retries": 1}
    async with open_app_resources(releases_settings.model_copy(update=down)) as resources:
        report = await run_ingest(resources)
        assert report.error_code == "SERVICE_UNAVAILABLE"
        async with resources.sessionmaker() as session:
            run = await session.get(ReleaseIngest, 1)
        assert run is not None
        assert (run.status, run.error_code) == (IngestStatus.FAILED, "SERVICE_UNAVAILABLE")
        assert await count(resources, Release) == 0


@pytest.mark.postgres
async def test_two_ingests_at_once_record_each_release_once(
    releases_settings: Settings, releases_emulator: EmulatorHandle
) -> None:
    async with (
        open_app_resources(releases_settings) as one,
        open_app_resources(releases_settings) as two,
    ):
        reports = await asyncio.gather(run_ingest(one), run_ingest(two))
        assert all(report.succeeded for report in reports), reports
        assert sum(report.releases_added for report in reports) == NEW_RELEASES
        assert await count(one, Release) == NEW_RELEASES
