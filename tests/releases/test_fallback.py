"""Development mode: new releases refused, the ingest checks the artists users follow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from graphql_api.composition import open_app_resources
from graphql_api.db.models import Album, Artist, Release, ReleaseArtist, ReleaseSource
from graphql_api.releases.ingest import run_ingest
from graphql_api.releases.interest import take_turns
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.releases.conftest import follow, new_user


def followed(emulator: EmulatorHandle, user: str) -> list[dict[str, Any]]:
    return list(emulator.state.users[user].followed_artists.values())


def expected_releases(emulator: EmulatorHandle, artist_ids: set[str], oldest: str) -> set[str]:
    """Albums and singles by ``artist_ids`` released on or after ``oldest``."""
    return {
        album_id
        for album_id, album in emulator.state.catalog.albums.items()
        if album.get("album_type") in ("album", "single")
        and any(a.get("id") in artist_ids for a in album.get("artists") or [])
        and (album.get("release_date") or "")[:10] >= oldest[: len(album.get("release_date") or "")]
    }


async def released_albums(resources: Resources) -> set[str]:
    async with resources.sessionmaker() as session:
        rows = await session.scalars(
            select(Album.spotify_id).join(Release, Release.album_id == Album.id)
        )
        return {str(spotify_id) for spotify_id in rows}


async def checked_artists(resources: Resources) -> set[str]:
    async with resources.sessionmaker() as session:
        rows = await session.scalars(
            select(Artist.spotify_id)
            .join(ReleaseArtist, ReleaseArtist.artist_id == Artist.id)
            .where(ReleaseArtist.albums_checked_at.is_not(None))
        )
        return {str(spotify_id) for spotify_id in rows}


async def test_development_mode_records_recent_releases_of_followed_artists(
    releases_resources: Resources, releases_emulator: EmulatorHandle
) -> None:
    await releases_emulator.configure(dev_mode=True)
    alice = await new_user(releases_resources, "alice")
    artists = followed(releases_emulator, "alice")
    await follow(releases_resources, alice, artists)
    report = await run_ingest(releases_resources)
    assert report.succeeded, report.error_message
    assert report.source is ReleaseSource.ARTIST_ALBUMS
    window = releases_resources.settings.releases_window_days
    oldest = (dt.datetime.now(dt.UTC) - dt.timedelta(days=window)).date().isoformat()
    expected = expected_releases(releases_emulator, {a["id"] for a in artists}, oldest)
    assert expected
    assert await released_albums(releases_resources) == expected


async def test_fallback_shares_its_budget_between_users_and_remembers_what_it_checked(
    releases_settings: Settings, releases_emulator: EmulatorHandle
) -> None:
    await releases_emulator.configure(dev_mode=True)
    settings = releases_settings.model_copy(update={"releases_fallback_artists_per_run": 4})
    async with open_app_resources(settings) as resources:
        alice, bruno = await new_user(resources, "alice"), await new_user(resources, "bruno")
        alice_artists = {a["id"] for a in followed(releases_emulator, "alice")}
        bruno_only = [
            a for a in followed(releases_emulator, "bruno") if a["id"] not in alice_artists
        ]
        await follow(resources, alice, followed(releases_emulator, "alice"))
        await follow(resources, bruno, bruno_only)
        await run_ingest(resources)
        first = await checked_artists(resources)
        await run_ingest(resources)
        second = await checked_artists(resources) - first
    assert len(first) == len(second) == 4
    # Turns alternate between the two users: two artists of each in the first run.
    assert len(first & alice_artists) == 2


def test_take_turns_alternates_between_queues_and_skips_artists_already_taken() -> None:
    one = [(1, "a"), (2, "b"), (3, "c")]
    two = [(2, "b"), (4, "d")]
    assert take_turns([one, two], 3) == [(1, "a"), (2, "b"), (3, "c")]
    assert take_turns([two, one], 10) == [(2, "b"), (1, "a"), (4, "d"), (3, "c")]
