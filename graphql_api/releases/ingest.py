"""The ingest: new releases into the catalog, or, where Spotify refuses them, the recent
albums of the artists Mixtape's users follow or saved; then the artists' details.

One run is recorded in ``release_ingests`` (what it did, or why it failed). Each step
commits on its own, so what a failed run already wrote stays, and running again finds
it there. The API never calls Spotify: it reads what runs wrote.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import update

from graphql_api.db.base import utcnow
from graphql_api.db.models import IngestStatus, ReleaseIngest, ReleaseSource
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import MixtapeError
from graphql_api.releases import spotify_calls
from graphql_api.releases.events import announce
from graphql_api.releases.interest import artists_to_check
from graphql_api.releases.spotify_calls import CountingClient
from graphql_api.releases.store import (
    artists_needing_details,
    mark_artists,
    record_albums,
    record_artist_details,
    recorded_at,
)
from graphql_api.resources import Resources
from graphql_api.spotify.errors import SpotifyForbidden

log = logging.getLogger(__name__)

# (phase, done, total): "new releases", "artists' albums", "artist details".
Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    """What one run did."""

    source: ReleaseSource | None = None
    albums_seen: int = 0
    releases_added: int = 0
    artists_refreshed: int = 0
    requests: int = 0
    error_code: str | None = None
    error_message: str | None = None
    artist_ids: set[int] = field(default_factory=set)

    @property
    def succeeded(self) -> bool:
        return self.error_code is None


def _report(progress: Progress | None, phase: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(phase, done, total)


async def run_ingest(resources: Resources, *, progress: Progress | None = None) -> IngestReport:
    """One run of the ingest. Spotify's failures (down, rate limited, refusing) end the run
    as FAILED with their code, never as an exception: the API keeps serving what it has."""
    report = IngestReport()
    run_id = await _start(resources)
    client = CountingClient(resources.spotify.app_client())
    try:
        try:
            await _new_releases(resources, client, report, progress)
        except SpotifyForbidden:
            log.info("Spotify refuses new releases (development mode): checking artists instead")
            await _followed_artists(resources, client, report, progress)
        await _artist_details(resources, client, report, progress)
    except MixtapeError as error:
        report.error_code, report.error_message = error.code, error.message
        log.warning("release ingest failed: %s (%s)", error.message, error.code)
    report.requests = client.requests
    await _finish(resources, run_id, report)
    return report


async def _new_releases(
    resources: Resources, client: CountingClient, report: IngestReport, progress: Progress | None
) -> None:
    markets: list[str | None] = [*resources.settings.releases_markets] or [None]
    for market in markets:
        albums = await spotify_calls.new_releases(client, market, _report(progress, "new releases"))
        report.source = ReleaseSource.NEW_RELEASES
        now = utcnow()
        async with unit_of_work(resources.sessionmaker) as uow:
            ids, added = await record_albums(
                uow.session, albums, ReleaseSource.NEW_RELEASES, market=market, now=now
            )
            if added:
                fresh = await recorded_at(uow.session, ids.albums.values(), now)
                announce(uow, resources.pubsub, fresh)
        report.albums_seen += len(albums)
        report.releases_added += added
        report.artist_ids.update(ids.artists.values())


async def _followed_artists(
    resources: Resources, client: CountingClient, report: IngestReport, progress: Progress | None
) -> None:
    settings = resources.settings
    report.source = ReleaseSource.ARTIST_ALBUMS
    now = utcnow()
    async with resources.reader() as session:
        due = await artists_to_check(
            session,
            checked_before=now - dt.timedelta(seconds=settings.releases_fallback_recheck_s),
            limit=settings.releases_fallback_artists_per_run,
        )
    oldest = (now - dt.timedelta(days=settings.releases_window_days)).date().isoformat()
    for done, (artist_id, spotify_id) in enumerate(due, start=1):
        albums = await spotify_calls.recent_albums(client, spotify_id, oldest)
        # Each artist commits on its own: a run cut short keeps what it checked.
        checked_at = utcnow()
        async with unit_of_work(resources.sessionmaker) as uow:
            ids, added = await record_albums(
                uow.session, albums, ReleaseSource.ARTIST_ALBUMS, now=checked_at
            )
            await mark_artists(uow.session, [artist_id], albums_checked_at=checked_at)
            if added:
                fresh = await recorded_at(uow.session, ids.albums.values(), checked_at)
                announce(uow, resources.pubsub, fresh)
        report.albums_seen += len(albums)
        report.releases_added += added
        report.artist_ids.update(ids.artists.values())
        if progress is not None:
            progress("artists' albums", done, len(due))


async def _artist_details(
    resources: Resources, client: CountingClient, report: IngestReport, progress: Progress | None
) -> None:
    settings = resources.settings
    now = utcnow()
    async with resources.reader() as session:
        due = await artists_needing_details(
            session,
            report.artist_ids,
            older_than=now - dt.timedelta(seconds=settings.releases_artist_max_age_s),
            limit=settings.releases_artist_details_per_run,
        )
    if not due:
        return
    found = await spotify_calls.artists(client, [spotify_id for _, spotify_id in due])
    async with unit_of_work(resources.sessionmaker) as uow:
        report.artists_refreshed = await record_artist_details(uow.session, found, now=now)
    if progress is not None:
        progress("artist details", len(due), len(due))


async def _start(resources: Resources) -> int:
    async with unit_of_work(resources.sessionmaker) as uow:
        run = ReleaseIngest(status=IngestStatus.RUNNING, started_at=utcnow())
        uow.session.add(run)
        await uow.session.flush()
        return run.id


async def _finish(resources: Resources, run_id: int, report: IngestReport) -> None:
    async with unit_of_work(resources.sessionmaker) as uow:
        await uow.session.execute(
            update(ReleaseIngest)
            .where(ReleaseIngest.id == run_id)
            .values(
                status=IngestStatus.SUCCEEDED if report.succeeded else IngestStatus.FAILED,
                source=report.source,
                finished_at=utcnow(),
                albums_seen=report.albums_seen,
                releases_added=report.releases_added,
                artists_refreshed=report.artists_refreshed,
                requests=report.requests,
                error_code=report.error_code,
                error_message=report.error_message,
            )
        )
