"""Every catalog writer locks rows in one order, so none deadlocks another on PostgreSQL.

A snapshot's batches, now-playing polls (the current item and a recently-played page)
and the release ingest (new releases, artist details) write overlapping catalog rows at
the same moment, round after round. Each writer renames the rows it touches, so every
upsert really updates and holds its row locks until its transaction commits: writers that
took the same rows in different orders would deadlock (``40P01``) within a few rounds.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asyncpg.exceptions import DeadlockDetectedError
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from graphql_api.db.base import utcnow
from graphql_api.db.models import ReleaseSource, Song
from graphql_api.db.uow import unit_of_work
from graphql_api.library.stream import Collected
from graphql_api.listening.playback import parse_currently_playing
from graphql_api.listening.poller import store_poll
from graphql_api.releases.store import record_albums, record_artist_details
from graphql_api.resources import Resources
from tests.support.users import plain_user

ROUNDS = 25
TRACKS_PER_ROUND = 24
ARTISTS = 12
ALBUMS = 8
POLLERS = 3
Json = dict[str, Any]


def _artist(k: int, label: str, *, full: bool = False) -> Json:
    artist: Json = {"id": f"dlartist{k:04d}", "type": "artist", "name": f"Artist {k} {label}"}
    if full:
        artist |= {"genres": [f"genre {k % 5}", f"genre {(k + 1) % 5}"], "popularity": k}
    return artist


def _album(j: int, label: str, *, full: bool = False) -> Json:
    album: Json = {
        "id": f"dlalbum{j:04d}",
        "type": "album",
        "name": f"Album {j} {label}",
        "album_type": "album",
        "release_date": "2026-01-02",
        "release_date_precision": "day",
        "total_tracks": TRACKS_PER_ROUND,
        "artists": [_artist(j % ARTISTS, label), _artist((j + 5) % ARTISTS, label)],
    }
    if full:
        album |= {"label": f"Label {label}", "genres": [f"genre {j % 5}"]}
    return album


def _track(r: int, i: int, label: str) -> Json:
    return {
        "type": "track",
        "id": f"dl{r:03d}track{i:04d}",
        "uri": f"spotify:track:dl{r:03d}track{i:04d}",
        "name": f"Track {r}.{i} {label}",
        "duration_ms": 200_000,
        "disc_number": 1,
        "track_number": i + 1,
        "album": _album(i % ALBUMS, label),
        "artists": [_artist(i % ARTISTS, label), _artist((i * 7 + 3) % ARTISTS, label)],
    }


def _shuffled(rng: random.Random, items: list[Any]) -> list[Any]:
    rng.shuffle(items)
    return items


def _writers(resources: Resources, r: int, users: list[int]) -> list[Awaitable[Any]]:
    """This round's concurrent writers, each with its own transaction and row order."""
    rng = random.Random(r)
    tracks = range(TRACKS_PER_ROUND)

    async def in_transaction(write: Callable[[Any], Awaitable[Any]]) -> None:
        async with unit_of_work(resources.sessionmaker) as uow:
            await write(uow.session)

    saved = _shuffled(rng, [(i, {"added_at": None, "track": _track(r, i, "s")}) for i in tracks])
    albums = _shuffled(rng, [(j, {"album": _album(j, "sa", full=True)}) for j in range(ALBUMS)])
    released = _shuffled(rng, [_album(j, "rel") for j in range(ALBUMS)])
    detailed = _shuffled(rng, [_artist(k, "det", full=True) for k in range(ARTISTS)])
    writers: list[Awaitable[Any]] = [
        in_transaction(lambda s: Collected().saved_tracks(s, saved)),
        in_transaction(lambda s: Collected().saved_albums(s, albums)),
        in_transaction(
            lambda s: record_albums(s, released, ReleaseSource.NEW_RELEASES, now=utcnow())
        ),
        in_transaction(lambda s: record_artist_details(s, detailed, now=utcnow())),
    ]
    for n, user_id in enumerate(users):
        label = f"p{n}"
        order = _shuffled(rng, list(tracks))
        body = {"item": _track(r, order[0], label), "is_playing": True, "progress_ms": 1000}
        history = [
            {"played_at": f"2026-03-01T12:{minute:02d}:00Z", "track": _track(r, i, label)}
            for minute, i in enumerate(order[1:])
        ]
        current = parse_currently_playing(body, utcnow())
        writers.append(store_poll(resources, user_id, current, body, history, 1.0))
    return writers


async def test_snapshot_polls_and_release_ingest_never_deadlock_on_postgresql(
    resources: Resources,
) -> None:
    if resources.settings.is_sqlite:
        pytest.skip("SQLite has one writer at a time: nothing to deadlock")
    users = [await plain_user(resources, f"listener {n}") for n in range(POLLERS)]
    failures: list[BaseException] = []
    for r in range(ROUNDS):
        results = await asyncio.gather(*_writers(resources, r, users), return_exceptions=True)
        failures += [result for result in results if isinstance(result, BaseException)]
    deadlocks = [f for f in failures if isinstance(_cause(f), DeadlockDetectedError)]
    assert not deadlocks, f"{len(deadlocks)} deadlocks in {ROUNDS} rounds: {deadlocks[0]!r}"
    assert not failures, failures[0]
    async with resources.sessionmaker() as session:
        songs = await session.scalar(
            select(func.count()).select_from(Song).where(Song.spotify_uri.like("spotify:track:dl%"))
        )
    assert songs == ROUNDS * TRACKS_PER_ROUND


def _cause(failure: BaseException) -> BaseException | None:
    """The driver's own exception behind SQLAlchemy's wrapper."""
    orig = failure.orig if isinstance(failure, DBAPIError) else None
    return orig.__cause__ if orig is not None else None
