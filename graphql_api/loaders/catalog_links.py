"""Ordered artists of songs and albums, and genres of artists, for many owners at once."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import FromClause
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import Artist
from graphql_api.library.credits import artist_genre_names, credited_artists


async def load_credited_artists(
    sessionmaker: async_sessionmaker[AsyncSession], link: FromClause, ids: Sequence[int]
) -> list[list[Artist]]:
    """For each owner id (a song or an album, per ``link``), its artists in credit order."""
    async with sessionmaker() as session:
        credited = await credited_artists(session, link, ids)
    return [credited.get(i, []) for i in ids]


async def load_artist_genres(
    sessionmaker: async_sessionmaker[AsyncSession], ids: Sequence[int]
) -> list[list[str]]:
    """For each artist id, its genre names sorted."""
    async with sessionmaker() as session:
        genres = await artist_genre_names(session, ids)
    return [genres.get(i, []) for i in ids]
