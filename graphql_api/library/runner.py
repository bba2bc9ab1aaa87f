"""The snapshot job: read the library from Spotify, then write it as version *N*.

Order of work, chosen so that a job killed at any moment and run again gives the
same snapshot and no duplicate rows:

1. Fetch saved tracks, saved albums, followed artists and the list of playlists,
   writing their catalog rows batch by batch as the pages arrive (``stream.py``: the
   job's memory does not grow with the library); keep only ids for the memberships.
2. Store each playlist's current version (shared, keyed by Spotify ``snapshot_id``).
3. Fetch and store the items of versions not yet complete, batch by batch, then mark
   the version complete: a complete version is never fetched again, an incomplete one
   is redone whole (its item rows are keyed by position, so that writes nothing twice).
4. In ONE transaction: undo any earlier attempt at version *N*, write the membership
   changes, and mark the snapshot SUCCEEDED. Readers only ever look at SUCCEEDED
   versions, so nobody sees half a snapshot.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import (
    FollowedArtist,
    LibraryPlaylist,
    LibrarySnapshot,
    SavedAlbum,
    SavedTrack,
    SnapshotStatus,
    SpotifyAccount,
)
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import MixtapeError, RateLimited, SpotifyRelinkRequired
from graphql_api.library.fetch import LibraryReader
from graphql_api.library.ingest import Json
from graphql_api.library.lease import claim, claimable, heartbeat, still_owned
from graphql_api.library.memberships import undo_version, write_memberships
from graphql_api.library.playlists import (
    PlaylistRef,
    complete_version,
    mark_unreadable,
    store_item_batch,
    store_playlist_versions,
)
from graphql_api.library.progress import ProgressReporter, publish_state
from graphql_api.library.retry import in_transaction
from graphql_api.library.stream import Collected, PageSink
from graphql_api.resources import Resources
from graphql_api.spotify.budget import Priority
from graphql_api.spotify.concurrency import AdaptiveLimit
from graphql_api.spotify.errors import SpotifyForbidden, SpotifyNotFound
from graphql_api.taskgroups import run_all

log = logging.getLogger(__name__)
TERMINAL = (SnapshotStatus.SUCCEEDED, SnapshotStatus.FAILED)


@dataclass
class Fetched:
    """What step 4 needs: ids (not Spotify's JSON, except the list of playlists) and counts."""

    collected: Collected = field(default_factory=Collected)
    playlists: list[Json] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


class LeaseLost(Exception):
    """Another attempt runs this snapshot now (ours was taken for lost): stop, write nothing."""


async def run_snapshot(resources: Resources, snapshot_id: int) -> SnapshotStatus | None:
    """Run (or finish, or re-run) snapshot ``snapshot_id``; returns its final status.

    A snapshot another job is running under a live lease is left alone (its status is
    returned): a second delivery of the job must not run it twice at once.
    """
    async with unit_of_work(resources.sessionmaker) as uow:
        snapshot = await uow.session.get(LibrarySnapshot, snapshot_id, with_for_update=True)
        if snapshot is None or not claimable(snapshot, utcnow()):
            return snapshot.status if snapshot else None
        account = await uow.session.get(SpotifyAccount, snapshot.user_id)
        attempt = claim(resources.settings, snapshot, utcnow())
        spotify_user_id = account.spotify_user_id if account else None
    await publish_state(resources, snapshot)
    # SQLite has one writer: the job's own writes go one at a time, fetches overlap them.
    writing = asyncio.Lock()
    progress = ProgressReporter(resources, snapshot, writing)
    try:
        async with heartbeat(resources, snapshot_id, attempt, writing):
            if spotify_user_id is None:
                raise SpotifyRelinkRequired("Link your Spotify account to save your library.")
            await _run(resources, snapshot, attempt, spotify_user_id, progress, writing)
    except LeaseLost:
        log.warning("snapshot %s: attempt %s was taken over; stopping", snapshot_id, attempt)
    except MixtapeError as error:
        await _fail(resources, snapshot, attempt, error.code, error.message, _retry_at(error))
    except Exception:
        log.exception("snapshot %s failed", snapshot_id)
        await _fail(
            resources, snapshot, attempt, "INTERNAL_ERROR", "Saving failed unexpectedly; try again."
        )
    return snapshot.status


async def _run(
    resources: Resources,
    snapshot: LibrarySnapshot,
    attempt: int,
    spotify_user_id: str,
    progress: ProgressReporter,
    writing: asyncio.Lock,
) -> None:
    # Bulk: the snapshot's paging leaves headroom in the shared budget for people and polling.
    # Fewer calls in flight while Spotify answers 429, back up to the setting while it answers.
    slots = AdaptiveLimit(resources.settings.snapshot_concurrency)
    client = resources.spotify.client_for(snapshot.user_id).with_priority(Priority.BULK, slots)
    reader = LibraryReader(client, resources.settings.snapshot_concurrency, slots)
    fetched = await _fetch_lists(resources, reader, progress, writing)
    refs = await in_transaction(
        resources.sessionmaker,
        lambda uow: store_playlist_versions(uow.session, fetched.playlists, spotify_user_id),
    )
    fetched.counts["playlists"] = len(refs)
    fetched.playlists = []
    await _fetch_items(resources, reader, [r for r in refs if r.needs_items], progress, writing)
    await progress.start("writing", 1)
    row = await in_transaction(
        resources.sessionmaker, lambda uow: _finish(uow.session, snapshot, attempt, fetched, refs)
    )
    _copy_state(row, snapshot)
    await publish_state(resources, snapshot)


async def _finish(
    session: AsyncSession,
    snapshot: LibrarySnapshot,
    attempt: int,
    fetched: Fetched,
    refs: list[PlaylistRef],
) -> LibrarySnapshot:
    """Write version N and mark the snapshot SUCCEEDED, all in the caller's transaction
    (only while this attempt still holds the snapshot: the row is locked first)."""
    row = await session.get(
        LibrarySnapshot, snapshot.id, with_for_update=True, populate_existing=True
    )
    if row is None or not still_owned(row, attempt):
        raise LeaseLost
    await _write_version(session, snapshot, fetched, refs)
    row.lease_until = None
    row.status = SnapshotStatus.SUCCEEDED
    row.phase, row.progress_done, row.progress_total = "done", 1, 1
    row.progress_fraction = 1.0
    row.finished_at = utcnow()
    row.error_code = row.error_message = None
    row.saved_tracks_count = fetched.counts["tracks"]
    row.saved_albums_count = fetched.counts["albums"]
    row.followed_artists_count = fetched.counts["artists"]
    row.playlists_count = len(refs)
    return row


async def _fetch_lists(
    resources: Resources, reader: LibraryReader, progress: ProgressReporter, writing: asyncio.Lock
) -> Fetched:
    fetched = Fetched()
    firsts = await run_all(
        reader.first_page("me/tracks"),
        reader.first_page("me/albums"),
        reader.first_page("me/playlists"),
    )
    total = sum(int(f.get("total") or 0) for f in firsts)
    await progress.start("library", total)
    write = functools.partial(in_transaction, resources.sessionmaker)
    collected = fetched.collected
    tracks = PageSink(write, writing, collected.saved_tracks)
    albums = PageSink(write, writing, collected.saved_albums)
    artists = PageSink(write, writing, collected.followed_artists)
    playlists: dict[int, Any] = {}

    async def keep_playlists(offset: int, items: list[Any]) -> None:
        playlists.update((offset + n, item) for n, item in enumerate(items))

    await run_all(
        reader.stream("me/tracks", tracks, progress.advance, firsts[0]),
        reader.stream("me/albums", albums, progress.advance, firsts[1]),
        reader.stream("me/playlists", keep_playlists, progress.advance, firsts[2]),
        reader.stream_followed_artists(artists, progress.advance),
    )
    for sink in (tracks, albums, artists):
        await sink.flush()
    fetched.counts = {"tracks": tracks.count, "albums": albums.count, "artists": artists.count}
    fetched.playlists = [
        p for _, p in sorted(playlists.items()) if isinstance(p, dict) and p.get("id")
    ]
    return fetched


async def _fetch_items(
    resources: Resources,
    reader: LibraryReader,
    refs: list[PlaylistRef],
    progress: ProgressReporter,
    writing: asyncio.Lock,
) -> None:
    await progress.start("playlist_items", sum(r.items_total for r in refs))
    write = functools.partial(in_transaction, resources.sessionmaker)
    # Playlists are read a few at a time: each holds a sink's buffer while it is read.
    at_once = asyncio.Semaphore(reader.concurrency)

    async def one(ref: PlaylistRef) -> None:
        path = f"playlists/{ref.spotify_id}/items"
        sink = PageSink(write, writing, functools.partial(_store_batch, ref.version_id))
        async with at_once:
            try:
                count = await reader.stream(path, sink, progress.advance)
            except (SpotifyForbidden, SpotifyNotFound) as error:
                reason = error.message
                async with writing:
                    await write(lambda uow: mark_unreadable(uow.session, ref.version_id, reason))
                return
            await sink.flush()
        async with writing:
            await write(lambda uow: complete_version(uow.session, ref.version_id, count))

    # One playlist failing fails the snapshot: the others stop fetching and writing.
    await run_all(*(one(ref) for ref in refs))


async def _store_batch(version_id: int, session: AsyncSession, batch: list[Any]) -> None:
    await store_item_batch(session, version_id, batch)


async def _write_version(
    session: AsyncSession, snapshot: LibrarySnapshot, fetched: Fetched, refs: list[PlaylistRef]
) -> None:
    user_id, version = snapshot.user_id, snapshot.version
    await undo_version(session, user_id, version)
    collected = fetched.collected
    playlists = {ref.version_id: n for n, ref in enumerate(refs)}
    write = functools.partial(write_memberships, session)
    await write(
        SavedTrack, "song_id", user_id, version, collected.tracks, column="added_at", compare=True
    )
    await write(
        SavedAlbum, "album_id", user_id, version, collected.albums, column="added_at", compare=True
    )
    await write(FollowedArtist, "artist_id", user_id, version, collected.artists, column="position")
    await write(LibraryPlaylist, "version_id", user_id, version, playlists, column="position")


async def _fail(
    resources: Resources,
    snapshot: LibrarySnapshot,
    attempt: int,
    code: str,
    message: str,
    retry_after: dt.datetime | None = None,
) -> None:
    async with unit_of_work(resources.sessionmaker) as uow:
        row = await uow.session.get(
            LibrarySnapshot, snapshot.id, with_for_update=True, populate_existing=True
        )
        if row is None or not still_owned(row, attempt):
            return
        row.status = SnapshotStatus.FAILED
        row.lease_until = None
        row.error_code, row.error_message, row.retry_after = code, message, retry_after
        row.finished_at = utcnow()
    _copy_state(row, snapshot)
    await publish_state(resources, snapshot)


def _retry_at(error: MixtapeError) -> dt.datetime | None:
    if isinstance(error, RateLimited):
        return utcnow() + dt.timedelta(seconds=error.retry_after)
    return None


def _copy_state(source: LibrarySnapshot, target: LibrarySnapshot) -> None:
    for column in LibrarySnapshot.__table__.columns:
        setattr(target, column.key, getattr(source, column.key))


__all__ = ["run_snapshot"]
