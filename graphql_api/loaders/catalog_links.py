"""Ordered artists of songs and albums, and genres of artists, for many owners at once."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import Artist, Genre, artist_genres
from graphql_api.library.bulk import chunks


async def load_credited_artists(
    sessionmaker: async_sessionmaker[AsyncSession], link: Table, ids: Sequence[int]
) -> list[list[Artist]]:
    """For each owner id (a song or an album, per ``link``), its artists in credit order."""
    owner = link.c.song_id if "song_id" in link.c else link.c.album_id
    credited: dict[int, list[Artist]] = {i: [] for i in ids}
    async with sessionmaker() as session:
        for chunk in chunks(sorted(set(ids))):
            result = await session.execute(
                select(owner, Artist)
                .join(link, link.c.artist_id == Artist.id)
                .where(owner.in_(chunk))
                .order_by(owner, link.c.position)
            )
            for owner_id, artist in result:
                credited[owner_id].append(artist)
    return [credited[i] for i in ids]


async def load_artist_genres(
    sessionmaker: async_sessionmaker[AsyncSession], ids: Sequence[int]
) -> list[list[str]]:
    """For each artist id, its genre names sorted."""
    genres: dict[int, list[str]] = {i: [] for i in ids}
    async with sessionmaker() as session:
        for chunk in chunks(sorted(set(ids))):
            result = await session.execute(
                select(artist_genres.c.artist_id, Genre.name)
                .join(Genre, Genre.id == artist_genres.c.genre_id)
                .where(artist_genres.c.artist_id.in_(chunk))
                .order_by(Genre.name)
            )
            for artist_id, name in result:
                genres[artist_id].append(name)
    return [genres[i] for i in ids]
