"""Who did what on the viewer's own songs: their credits, by role and in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.catalog.access import check_visible, own_row
from graphql_api.db.models import Artist, CreditRole, Song, song_credits
from graphql_api.errors import BadUserInput

MAX_CREDITS = 100


@dataclass(frozen=True)
class Credit:
    artist_id: int
    role: CreditRole


async def set_song_credits(
    session: AsyncSession, viewer: int, song_id: int, credits: Sequence[Credit]
) -> Song:
    """Replace the credits of one of the viewer's songs; positions follow the list's order
    within each role."""
    if len(credits) > MAX_CREDITS:
        raise BadUserInput(f"At most {MAX_CREDITS} credits per song.", argument="credits")
    if len({(c.artist_id, c.role) for c in credits}) != len(credits):
        raise BadUserInput("An artist is credited twice in the same role.", argument="credits")
    song = await own_row(session, Song, song_id, viewer)
    await check_visible(session, Artist, [c.artist_id for c in credits], viewer, "credits")
    positions: dict[CreditRole, int] = {}
    rows = []
    for credit in credits:
        position = positions.get(credit.role, 0)
        positions[credit.role] = position + 1
        rows.append(
            {
                "song_id": song.id,
                "role": credit.role.value,
                "position": position,
                "artist_id": credit.artist_id,
            }
        )
    await session.execute(delete(song_credits).where(song_credits.c.song_id == song.id))
    if rows:
        await session.execute(insert(song_credits), rows)
    return song
