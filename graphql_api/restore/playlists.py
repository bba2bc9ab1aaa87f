"""Recreating a playlist of the snapshot as a new playlist of the user, exactly once.

Before Spotify is asked to create it, a :class:`RestorePlaylist` row keyed by (restore,
source playlist) is committed with a marker the new playlist's description carries;
after, the row gets the new playlist's id. A job killed between the two finds the
playlist by its marker in the account's list, so no retry creates a second one.

Items go in order, in calls of up to 100; after each call Spotify confirmed, the row
counts the source items handled (``items_added``, unavailable ones included as
``items_skipped``). Only the one call in flight when a job dies can be unrecorded: its
items are the next ones of the source, all available, so a resumed job reads how many
items the new playlist has and moves past those Spotify already took.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import Restore, RestorePlaylist
from graphql_api.restore.account import AccountPlaylist
from graphql_api.restore.sections import Item
from graphql_api.restore.stored import StoredPlaylist, playable
from graphql_api.restore.writes import PLAYLIST_BATCH, add_to_playlist
from graphql_api.spotify.client import SpotifyClient

MARKER_PREFIX = "mixtape-restore"


def marker_of(restore_id: int, source_id: int) -> str:
    return f"{MARKER_PREFIX}:{restore_id}:{source_id}"


def description_of(playlist: StoredPlaylist, marker: str) -> str:
    original = (playlist.description or "").strip()
    note = f"Restored by Mixtape ({marker})"
    return f"{original} · {note}" if original else note


async def recreated_playlists(session: AsyncSession, user_id: int) -> dict[int, dict[str, bool]]:
    """Source playlist id -> {Spotify id: whether its items are all in} of the playlists
    the user's restores made of it."""
    rows = await session.execute(
        select(RestorePlaylist.source_playlist_id, RestorePlaylist.spotify_id, RestorePlaylist.done)
        .join(Restore, Restore.id == RestorePlaylist.restore_id)
        .where(Restore.user_id == user_id, RestorePlaylist.spotify_id.is_not(None))
    )
    found: dict[int, dict[str, bool]] = {}
    for source, spotify_id, done in rows:
        found.setdefault(int(source), {})[str(spotify_id)] = bool(done)
    return found


@dataclass
class Recreation:
    """One playlist being recreated by one restore."""

    sessionmaker: async_sessionmaker[AsyncSession]
    client: SpotifyClient
    restore_id: int
    playlist: StoredPlaylist
    row: RestorePlaylist | None = None

    async def _save(self, **values: object) -> None:
        async with self.sessionmaker() as session:
            await session.execute(
                update(RestorePlaylist)
                .where(
                    RestorePlaylist.restore_id == self.restore_id,
                    RestorePlaylist.source_playlist_id == self.playlist.source_id,
                )
                .values(values)
            )
            await session.commit()
        for key, value in values.items():
            setattr(self.row, key, value)

    async def _load(self) -> RestorePlaylist:
        async with self.sessionmaker() as session:
            row = await session.get(RestorePlaylist, (self.restore_id, self.playlist.source_id))
            if row is None:
                row = RestorePlaylist(
                    restore_id=self.restore_id,
                    source_playlist_id=self.playlist.source_id,
                    marker=marker_of(self.restore_id, self.playlist.source_id),
                    items_added=0,
                    items_skipped=0,
                    done=False,
                )
                session.add(row)
                await session.commit()
        return row

    async def created(self, account: list[AccountPlaylist]) -> str:
        """The new playlist's Spotify id: recorded, found by marker, or created now."""
        self.row = row = await self._load()
        if row.spotify_id is not None:
            return row.spotify_id
        found = next((p for p in account if row.marker in p.description), None)
        if found is not None:
            spotify_id = found.spotify_id
        else:
            playlist = self.playlist
            body = await self.client.post(
                "me/playlists",
                json={
                    "name": playlist.name,
                    "description": description_of(playlist, row.marker),
                    # Spotify refuses collaborative playlists that are public.
                    "public": bool(playlist.public) and not playlist.collaborative,
                    "collaborative": playlist.collaborative,
                },
            )
            spotify_id = str(body["id"])
        await self._save(spotify_id=spotify_id)
        return spotify_id

    async def fill(self, spotify_id: str, items: Sequence[Item]) -> tuple[int, list[Item]]:
        """Add the source ``items`` not added yet; (items added now, unavailable ones)."""
        row = self.row
        assert row is not None
        if row.done:
            return 0, []
        page = await self.client.get(f"playlists/{spotify_id}/items", {"limit": 1, "offset": 0})
        total = int((page or {}).get("total") or 0)
        expected = row.items_added - row.items_skipped
        if total > expected:
            # The call in flight when an earlier attempt died had landed.
            await self._save(items_added=row.items_added + (total - expected))
        added = 0
        missing: list[Item] = []

        async def confirmed(done: Sequence[Item], gone: Sequence[Item]) -> None:
            nonlocal added
            added += len(done)
            missing.extend(gone)
            await self._save(
                items_added=row.items_added + len(done) + len(gone),
                items_skipped=row.items_skipped + len(gone),
            )

        while row.items_added < len(items):
            start = row.items_added
            if not playable(items[start]):
                # Nothing Spotify could add (a local file, removed content).
                gone = [items[start]]
                missing.extend(gone)
                await self._save(items_added=start + 1, items_skipped=row.items_skipped + 1)
                continue
            end = start
            while end < len(items) and end - start < PLAYLIST_BATCH and playable(items[end]):
                end += 1
            await add_to_playlist(self.client, spotify_id, items[start:end], confirmed)
        await self._save(done=True)
        return added, missing
