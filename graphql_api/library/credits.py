"""Who is credited on songs and albums, and artists' genres, read for many at once."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import FromClause, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Artist, Genre, artist_genres
from graphql_api.library.bulk import chunks


async def credited_artists(
    session: AsyncSession, link: FromClause, ids: Iterable[int]
) -> dict[int, list[Artist]]:
    """For each owner id (a song or an album, per ``link``), its artists in credit order.

    Owners with no credited artist are absent from the result.
    """
    owner = link.c.song_id if "song_id" in link.c else link.c.album_id
    credited: dict[int, list[Artist]] = {}
    for chunk in chunks(sorted(set(ids))):
        result = await session.execute(
            select(owner, Artist)
            .join(link, link.c.artist_id == Artist.id)
            .where(owner.in_(chunk))
            .order_by(owner, link.c.position)
        )
        for owner_id, artist in result:
            credited.setdefault(owner_id, []).append(artist)
    return credited


async def artist_genre_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, list[str]]:
    """For each artist id, its genre names sorted; artists without genres are absent."""
    genres: dict[int, list[str]] = {}
    for chunk in chunks(sorted(set(ids))):
        result = await session.execute(
            select(artist_genres.c.artist_id, Genre.name)
            .join(Genre, Genre.id == artist_genres.c.genre_id)
            .where(artist_genres.c.artist_id.in_(chunk))
            .order_by(Genre.name)
        )
        for artist_id, name in result:
            genres.setdefault(artist_id, []).append(name)
    return genres
