"""The songs the poller sees, added to the shared catalog (insert-if-missing, race-safe).

Only what currently-playing tells us is written: the song and its artists. A library
snapshot later fills in the rest (album, ISRC, ...) with its own upserts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Artist, Song, song_artists

Json = dict[str, Any]


def _insert_ignore(session: AsyncSession, table: Table) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` for the session's backend: two processes may
    see the same new song at once."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing()


async def ensure_song(session: AsyncSession, item: Json) -> int:
    """The id of the song for a Spotify track/episode object, adding it when new."""
    uri = str(item["uri"])
    kind = str(item.get("type") or "track")
    await session.execute(
        _insert_ignore(session, Song.__table__),  # type: ignore[arg-type]
        [
            {
                "spotify_uri": uri,
                "spotify_id": item.get("id"),
                "kind": kind if kind in ("track", "episode") else "track",
                "name": str(item.get("name") or ""),
                "duration_ms": int(item.get("duration_ms") or 0),
                "explicit": bool(item.get("explicit")),
                "is_local": bool(item.get("is_local")),
            }
        ],
    )
    song_id = (await session.scalars(select(Song.id).where(Song.spotify_uri == uri))).one()
    artists = [a for a in item.get("artists") or [] if a and a.get("id") and a.get("name")]
    if artists:
        await _link_artists(session, song_id, artists)
    return song_id


async def _link_artists(session: AsyncSession, song_id: int, artists: list[Json]) -> None:
    spotify_ids = [str(a["id"]) for a in artists]
    await session.execute(
        _insert_ignore(session, Artist.__table__),  # type: ignore[arg-type]
        [{"spotify_id": str(a["id"]), "name": str(a["name"])} for a in artists],
    )
    rows = await session.execute(
        select(Artist.spotify_id, Artist.id).where(Artist.spotify_id.in_(spotify_ids))
    )
    ids = {str(row[0]): int(row[1]) for row in rows}
    links = [
        {"song_id": song_id, "position": position, "artist_id": ids[spotify_id]}
        for position, spotify_id in enumerate(spotify_ids)
        if spotify_id in ids
    ]
    await session.execute(_insert_ignore(session, song_artists), links)
