"""Fixtures of the catalog tests: two users, Spotify mirrors written by ingestion."""

from __future__ import annotations

from typing import Any

import pytest

from graphql_api.db.engine import create_engine, create_sessionmaker
from graphql_api.library.catalog import write_catalog
from graphql_api.library.ingest import CatalogBatch
from graphql_api.settings import Settings
from tests.auth.conftest import register
from tests.support.graphql_client import GraphQLClient


def spotify_track(
    n: int, *, album: int, artists: list[int], duration: int, year: int
) -> dict[str, Any]:
    return {
        "uri": f"spotify:track:t{n}",
        "id": f"t{n}",
        "type": "track",
        "name": f"Mirror Song {n}",
        "duration_ms": duration,
        "track_number": n,
        "disc_number": 1,
        "popularity": n,
        "album": {
            "id": f"al{album}",
            "name": f"Mirror Album {album}",
            "release_date": f"{year}-01-01",
            "release_date_precision": "day",
            "artists": [{"id": f"ar{artists[0]}", "name": f"Mirror Artist {artists[0]}"}],
        },
        "artists": [{"id": f"ar{a}", "name": f"Mirror Artist {a}"} for a in artists],
    }


def spotify_artist(n: int, genres: list[str]) -> dict[str, Any]:
    """A full artist (as followed artists come), with Spotify's genres."""
    return {"id": f"ar{n}", "name": f"Mirror Artist {n}", "genres": genres, "popularity": n}


async def ingest(
    settings: Settings,
    tracks: list[dict[str, Any]],
    artists: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> None:
    """Write Spotify tracks (and full artists) to the catalog the way a snapshot does."""
    engine = create_engine(settings.database_url)
    batch = CatalogBatch()
    batch.add_songs(tracks)
    for artist in artists:
        batch.add_full_artist(artist)
    async with create_sessionmaker(engine)() as session:
        await write_catalog(session, batch)
        await session.commit()
    await engine.dispose()


@pytest.fixture
async def ada(gql: GraphQLClient) -> GraphQLClient:
    payload = await register(gql, "ada@example.com", "Ada")
    return gql.with_token(payload["accessToken"])


@pytest.fixture
async def bob(gql: GraphQLClient) -> GraphQLClient:
    payload = await register(gql, "bob@example.com", "Bob")
    return gql.with_token(payload["accessToken"])
