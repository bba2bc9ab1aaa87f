"""Playlists stored once per Spotify ``snapshot_id``, shared by every user who has them.

A version is *complete* once all its items are stored; a complete version is never
fetched again. Items of playlists the user neither owns nor collaborates on are not
readable by a development-mode app: such a version keeps its metadata and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import PlaylistItem, PlaylistVersion, SpotifyPlaylist
from graphql_api.library.bulk import table_of, upsert
from graphql_api.library.catalog import ids_by_key, write_catalog
from graphql_api.library.ingest import CatalogBatch, Json, image_url_of, parse_time

NOT_YOURS = (
    "Spotify lets this app read the items of playlists you own or collaborate on only; "
    "this one is kept with its name and size."
)


@dataclass(frozen=True)
class PlaylistRef:
    """A playlist version of the user's list, and whether its items still need fetching."""

    spotify_id: str
    version_id: int
    needs_items: bool
    items_total: int


def readable_by(playlist: Json, spotify_user_id: str) -> bool:
    owner = playlist.get("owner") or {}
    return bool(playlist.get("collaborative")) or owner.get("id") == spotify_user_id


def items_total(playlist: Json) -> int:
    for key in ("items", "tracks"):
        paging = playlist.get(key)
        if isinstance(paging, dict) and isinstance(paging.get("total"), int):
            return int(paging["total"])
    return 0


async def store_playlist_versions(
    session: AsyncSession, playlists: list[Json], spotify_user_id: str
) -> list[PlaylistRef]:
    """Make sure each playlist's current version exists; returns them in list order."""
    playlists = [p for p in playlists if isinstance(p, dict) and p.get("id")]
    identities = {
        str(p["id"]): {
            "spotify_id": str(p["id"]),
            "owner_spotify_id": (p.get("owner") or {}).get("id"),
            "owner_display_name": (p.get("owner") or {}).get("display_name"),
        }
        for p in playlists
    }
    await upsert(
        session,
        table_of(SpotifyPlaylist),
        list(identities.values()),
        keys=["spotify_id"],
        update=["owner_spotify_id", "owner_display_name"],
    )
    playlist_ids = await ids_by_key(session, table_of(SpotifyPlaylist), "spotify_id", identities)
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for p in playlists:
        readable = readable_by(p, spotify_user_id)
        key = (playlist_ids[str(p["id"])], str(p.get("snapshot_id") or ""))
        rows[key] = {
            "playlist_id": key[0],
            "spotify_snapshot_id": key[1],
            "name": str(p.get("name") or ""),
            "description": p.get("description") or None,
            "public": p.get("public"),
            "collaborative": bool(p.get("collaborative")),
            "image_url": image_url_of(p),
            "items_total": items_total(p),
            "items_readable": readable,
            "unreadable_reason": None if readable else NOT_YOURS,
            # Nothing to fetch for an unreadable or an empty playlist.
            "complete": not readable or items_total(p) == 0,
        }
    await upsert(
        session,
        table_of(PlaylistVersion),
        list(rows.values()),
        keys=["playlist_id", "spotify_snapshot_id"],
    )
    stored = {
        (v.playlist_id, v.spotify_snapshot_id): v
        for v in (
            await session.scalars(
                select(PlaylistVersion).where(PlaylistVersion.playlist_id.in_({k[0] for k in rows}))
            )
        ).all()
    }
    refs = []
    for p in playlists:
        key = (playlist_ids[str(p["id"])], str(p.get("snapshot_id") or ""))
        version = stored[key]
        if not version.items_readable and rows[key]["items_readable"]:
            # Stored first by someone who could not read it; this user can.
            await session.execute(
                update(PlaylistVersion)
                .where(PlaylistVersion.id == version.id)
                .values(items_readable=True, unreadable_reason=None, complete=False)
            )
            version.complete = False
        refs.append(
            PlaylistRef(str(p["id"]), version.id, not version.complete, version.items_total)
        )
    return refs


async def mark_unreadable(session: AsyncSession, version_id: int, reason: str) -> None:
    """Spotify refused the items after all: keep the version as metadata only."""
    await session.execute(
        update(PlaylistVersion)
        .where(PlaylistVersion.id == version_id)
        .values(items_readable=False, unreadable_reason=reason, complete=True)
    )


async def store_item_batch(
    session: AsyncSession, version_id: int, batch: list[tuple[int, Any]]
) -> int:
    """Write ``(position, item)`` pairs of a version (catalog first). Idempotent: a
    version's items are fixed by its ``snapshot_id``, so a position written twice (a
    version redone after an interrupted attempt) keeps its row."""
    catalog = CatalogBatch()
    uris = catalog.add_songs(
        (item.get("item") or item.get("track")) if isinstance(item, dict) else None
        for _, item in batch
    )
    ids = await write_catalog(session, catalog)
    rows = [
        {
            "version_id": version_id,
            "position": position,
            "song_id": ids.songs.get(uri) if uri else None,
            "added_at": parse_time(item.get("added_at")) if isinstance(item, dict) else None,
            "added_by_spotify_id": (item.get("added_by") or {}).get("id")
            if isinstance(item, dict)
            else None,
        }
        for (position, item), uri in zip(batch, uris, strict=True)
    ]
    written = await upsert(session, table_of(PlaylistItem), rows, keys=["version_id", "position"])
    return ids.written + written


async def complete_version(session: AsyncSession, version_id: int, items_total: int) -> None:
    """Every item of the version is stored: it is never fetched again."""
    await session.execute(
        update(PlaylistVersion)
        .where(PlaylistVersion.id == version_id)
        .values(complete=True, items_total=items_total)
    )
