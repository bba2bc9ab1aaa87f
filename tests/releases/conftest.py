"""Release test fixtures: an emulator with new releases, resources on it, users' artists."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from sqlalchemy import func, select

from graphql_api.app import create_app
from graphql_api.composition import open_app_resources
from graphql_api.db.models import (
    Album,
    Artist,
    FollowedArtist,
    Release,
    ReleaseArtist,
    SavedAlbum,
    album_artists,
)
from graphql_api.library.catalog import write_catalog
from graphql_api.library.ingest import CatalogBatch
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle, run_emulator
from tests.support.server import serve
from tests.support.spotify import point_at_emulator, small_fixture
from tests.support.users import login, plain_user

new_user = plain_user
__all__ = ["login", "new_user"]

NEW_RELEASES = 24


@pytest.fixture
async def releases_emulator() -> AsyncIterator[EmulatorHandle]:
    async with run_emulator(small_fixture(new_releases=NEW_RELEASES)) as handle:
        yield handle


def releases_settings_for(settings: Settings, emulator: EmulatorHandle, **update: Any) -> Settings:
    # The emulator's library dates from 2026-03-01: a window of ten years reaches it.
    return point_at_emulator(
        settings,
        emulator,
        spotify_requests_per_30s=100_000,
        releases_window_days=3650,
        **update,
    )


@pytest.fixture
def releases_settings(settings: Settings, releases_emulator: EmulatorHandle) -> Settings:
    return releases_settings_for(settings, releases_emulator)


@pytest.fixture
async def releases_resources(releases_settings: Settings) -> AsyncIterator[Resources]:
    async with open_app_resources(releases_settings) as built:
        yield built


async def follow(resources: Resources, user_id: int, artists: Sequence[dict[str, Any]]) -> None:
    """Put ``artists`` (Spotify objects) in the user's current library as followed."""
    batch = CatalogBatch()
    for artist in artists:
        batch.add_full_artist(artist)
    async with resources.sessionmaker() as session:
        ids = await write_catalog(session, batch)
        for position, artist in enumerate(artists):
            session.add(
                FollowedArtist(
                    user_id=user_id,
                    first_version=1,
                    artist_id=ids.artists[artist["id"]],
                    position=position,
                )
            )
        await session.commit()


async def save_album_of(resources: Resources, user_id: int, album_id: int) -> None:
    """Put the catalog album ``album_id`` in the user's current library as saved."""
    async with resources.sessionmaker() as session:
        session.add(SavedAlbum(user_id=user_id, first_version=1, album_id=album_id))
        await session.commit()


async def count(resources: Resources, model: Any) -> int:
    async with resources.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def release_rows(resources: Resources) -> list[tuple[Any, ...]]:
    """Every release with its album and artists, comparable between runs."""
    async with resources.sessionmaker() as session:
        rows = await session.execute(
            select(
                Release.album_id,
                Release.release_sort,
                Release.first_seen_at,
                Album.spotify_id,
                Album.name,
                album_artists.c.artist_id,
                Artist.name,
                Artist.popularity,
                ReleaseArtist.details_fetched_at,
            )
            .join(Album, Album.id == Release.album_id)
            .join(album_artists, album_artists.c.album_id == Album.id)
            .join(Artist, Artist.id == album_artists.c.artist_id)
            .outerjoin(ReleaseArtist, ReleaseArtist.artist_id == Artist.id)
            .order_by(Release.album_id, album_artists.c.position)
        )
        return [tuple(row) for row in rows]


@pytest.fixture
async def releases_app(releases_settings: Settings) -> AsyncIterator[str]:
    """A real app on the releases settings."""
    async with serve(create_app(releases_settings)) as url:
        yield url
