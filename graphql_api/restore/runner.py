"""The restore job: compare the snapshot with the account, then write the difference.

Order of work, so that a job killed at any moment and delivered again writes nothing
twice:

1. *reading*: read the snapshot's sections from the database and the account's from
   Spotify, and compare them (``plan.py``). The first attempt stores this plan; a dry
   run ends here.
2. *writing*: per section, save what is missing, then (MIRROR) remove what the snapshot
   lacks, in Spotify's batch sizes (``writes.py``), each confirmed batch added to the
   result as it commits. Library saves and removals are idempotent, and a resumed job
   compares again, so what an earlier attempt wrote is not in its way. Playlists to
   recreate are recorded before and after Spotify creates them (``playlists.py``).
3. SUCCEEDED. Items Spotify no longer has are in the result, not failures.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from graphql_api.db.base import utcnow
from graphql_api.db.models import (
    LibrarySnapshot,
    Restore,
    RestoreMode,
    RestoreStatus,
    SpotifyAccount,
)
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import MixtapeError, NotFound, SpotifyRelinkRequired
from graphql_api.library.fetch import LibraryReader
from graphql_api.resources import Resources
from graphql_api.restore.account import Account, playlist_uris, read_account
from graphql_api.restore.plan import compare
from graphql_api.restore.playlists import Recreation, recreated_playlists
from graphql_api.restore.progress import LeaseLost, RestoreProgress, lease_expiry
from graphql_api.restore.requests import claimable
from graphql_api.restore.sections import Item, Plan, Section, parse_sections
from graphql_api.restore.stored import (
    StoredLibrary,
    StoredPlaylist,
    playable,
    playlist_items,
    read_snapshot,
)
from graphql_api.restore.writes import (
    PLAYLIST_BATCH,
    add_to_playlist,
    batches,
    change_library,
    remove_from_playlist,
)
from graphql_api.spotify.budget import Priority
from graphql_api.spotify.client import SpotifyClient
from graphql_api.spotify.concurrency import AdaptiveLimit

log = logging.getLogger(__name__)
TERMINAL = (RestoreStatus.SUCCEEDED, RestoreStatus.FAILED)


@dataclass
class _Job:
    resources: Resources
    row: Restore
    progress: RestoreProgress
    client: SpotifyClient
    reader: LibraryReader
    sections: list[Section]


async def _claim(resources: Resources, restore_id: int) -> tuple[Restore, int, str | None] | None:
    async with unit_of_work(resources.sessionmaker) as uow:
        row = await uow.session.get(Restore, restore_id, with_for_update=True)
        if row is None or not claimable(row, utcnow()):
            return None
        row.status = RestoreStatus.RUNNING
        row.attempts = (row.attempts or 0) + 1
        row.lease_until = lease_expiry(resources.settings)
        account = await uow.session.get(SpotifyAccount, row.user_id)
        return row, row.attempts, account.spotify_user_id if account else None


async def run_restore(resources: Resources, restore_id: int) -> RestoreStatus | None:
    """Run (or resume) restore ``restore_id``; its status afterwards. A restore another
    job runs under a live lease, or one finished, is left alone."""
    claimed = await _claim(resources, restore_id)
    if claimed is None:
        async with resources.reader() as session:
            row = await session.get(Restore, restore_id)
        return row.status if row is not None else None
    row, attempt, spotify_user_id = claimed
    progress = RestoreProgress(resources, row, attempt)
    try:
        if spotify_user_id is None:
            raise SpotifyRelinkRequired("Link your Spotify account to restore a snapshot.")
        client = resources.spotify.client_for(row.user_id).with_priority(Priority.BULK)
        concurrency = resources.settings.snapshot_concurrency
        reader = LibraryReader(client, concurrency, AdaptiveLimit(concurrency))
        job = _Job(resources, row, progress, client, reader, parse_sections(row.sections))
        plan, stored, account = await _read(job, spotify_user_id)
        await progress.planned(plan)
        if not row.dry_run:
            await _write(job, plan, stored, account)
    except LeaseLost:
        log.warning("restore %s: attempt %s was taken over; stopping", restore_id, attempt)
        return RestoreStatus.RUNNING
    except MixtapeError as error:
        await progress.finish(RestoreStatus.FAILED, error.code, error.message)
        return RestoreStatus.FAILED
    except Exception:
        log.exception("restore %s failed", restore_id)
        await progress.finish(
            RestoreStatus.FAILED,
            "INTERNAL_SERVER_ERROR",
            "The restore stopped on an unexpected error; resume it to carry on.",
        )
        return RestoreStatus.FAILED
    await progress.finish(RestoreStatus.SUCCEEDED)
    return RestoreStatus.SUCCEEDED


async def _read(job: _Job, spotify_user_id: str) -> tuple[Plan, StoredLibrary, Account]:
    resources, row = job.resources, job.row
    await job.progress.phase("reading", len(job.sections))
    async with resources.reader() as session:
        snapshot = await session.get(LibrarySnapshot, row.snapshot_id)
        if snapshot is None:
            raise NotFound("The snapshot was deleted.")
        stored = await read_snapshot(session, snapshot, job.sections)
        recreated = await recreated_playlists(session, row.user_id)
    reader = job.reader
    account = await read_account(reader, job.sections)
    edited: set[int] = set()
    if row.mode is RestoreMode.MIRROR and Section.PLAYLISTS in job.sections:
        edited = await _edited(job, reader, stored, account, spotify_user_id)
    plan = compare(stored, account, job.sections, row.mode, spotify_user_id, recreated, edited)
    return plan, stored, account


async def _edited(
    job: _Job,
    reader: LibraryReader,
    stored: StoredLibrary,
    account: Account,
    spotify_user_id: str,
) -> set[int]:
    """The user's own playlists of the snapshot still in the account with other items
    (compared as multisets of what Spotify can add, as ``libraryDiff`` does; an unchanged
    ``snapshot_id`` means unchanged items: those are not read)."""
    now = {p.spotify_id: p.snapshot_id for p in account.playlists}
    edited: set[int] = set()
    for playlist in stored.playlists:
        if playlist.owner_spotify_id != spotify_user_id or playlist.spotify_id not in now:
            continue
        if now[playlist.spotify_id] == playlist.snapshot_id:
            continue
        wanted, current = await _both(job, reader, playlist)
        if current != wanted:
            edited.add(playlist.source_id)
    return edited


async def _both(
    job: _Job, reader: LibraryReader, playlist: StoredPlaylist
) -> tuple[Counter[str], Counter[str]]:
    """(the snapshot's, the account's) playable items of one playlist, counted."""
    async with job.resources.reader() as session:
        stored_items = await playlist_items(session, playlist.version_id)
    wanted = Counter(i.uri for i in stored_items if playable(i))
    now = await playlist_uris(reader, playlist.spotify_id)
    return wanted, Counter(u for u in now if playable(Item(u, "")))


async def _write(job: _Job, plan: Plan, stored: StoredLibrary, account: Account) -> None:
    total = sum(len(part.add) + len(part.remove) for part in plan.values())
    await job.progress.phase("writing", total)
    for section, part in plan.items():
        unavailable = stored.unavailable.get(section, [])
        if unavailable and not _reported(job.row, section):
            # What the snapshot holds that no Spotify call could put back (local files).
            await job.progress.record(section, unavailable=unavailable)
        if section is Section.PLAYLISTS:
            await _playlists(job, part.add, stored, account)
        else:
            saved = partial(_confirmed, job, section, "added")
            await change_library(job.client, "PUT", part.add, saved)
        removed = partial(_confirmed, job, section, "removed")
        await change_library(job.client, "DELETE", part.remove, removed)


def _reported(row: Restore, section: Section) -> bool:
    part = (row.result or {}).get(section.value) or {}
    return bool(part.get("unavailable"))


async def _confirmed(
    job: _Job, section: Section, side: str, done: Sequence[Item], gone: Sequence[Item]
) -> None:
    counts = {side: len(done)}
    await job.progress.record(
        section, **counts, unavailable=list(gone), units=len(done) + len(gone)
    )


async def _playlists(
    job: _Job, additions: list[Item], stored: StoredLibrary, account: Account
) -> None:
    by_source = {p.source_id: p for p in stored.playlists}
    follows = [item for item in additions if item.playlist is None]
    await change_library(
        job.client, "PUT", follows, partial(_confirmed, job, Section.PLAYLISTS, "added")
    )
    for item in additions:
        if item.playlist is None:
            continue
        playlist = by_source[item.playlist]
        if item.replace:
            await _replace(job, playlist)
            continue
        recreation = Recreation(job.resources.sessionmaker, job.client, job.row.id, playlist)
        spotify_id = await recreation.created(account.playlists)
        async with job.resources.reader() as session:
            items = await playlist_items(session, playlist.version_id)
        _, missing = await recreation.fill(spotify_id, items)
        gone = [Item(i.uri, f"{i.name} (in {playlist.name})") for i in missing]
        await job.progress.record(Section.PLAYLISTS, added=1, unavailable=gone, units=1)


async def _replace(job: _Job, playlist: StoredPlaylist) -> None:
    """MIRROR: give the user's own playlist the snapshot's items again: remove the songs
    it holds more copies of than the snapshot, then append what it lacks. Worked out
    from the playlist as it is now, so a resumed job adds nothing twice; its local files
    (which no call can add back) are left alone."""
    async with job.resources.reader() as session:
        items = await playlist_items(session, playlist.version_id)
    wanted, current = await _both(job, job.reader, playlist)
    extra = sorted(uri for uri, count in current.items() if count > wanted[uri])
    await remove_from_playlist(job.client, playlist.spotify_id, extra)
    have = Counter({uri: count for uri, count in current.items() if uri not in extra})
    missing = [i for i in items if not playable(i)]
    additions = []
    for item in items:
        if not playable(item):
            continue
        if have[item.uri] > 0:
            have[item.uri] -= 1
        else:
            additions.append(item)

    async def confirmed(_done: Sequence[Item], gone: Sequence[Item]) -> None:
        missing.extend(gone)

    for batch in batches(additions, PLAYLIST_BATCH):
        await add_to_playlist(job.client, playlist.spotify_id, batch, confirmed)
    gone = [Item(i.uri, f"{i.name} (in {playlist.name})") for i in missing]
    await job.progress.record(Section.PLAYLISTS, added=1, unavailable=gone, units=1)
