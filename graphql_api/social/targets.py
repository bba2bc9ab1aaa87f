"""What can be liked, and which of it a viewer may see.

A viewer may like only what they may see; something they may not see answers exactly
as an unknown id does (NOT_FOUND), so a like never tells that a private row exists.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.catalog import visibility
from graphql_api.db.models import Album, Artist, LikeTarget, Playlist, Song
from graphql_api.errors import NotFound
from graphql_api.playlists import access

# The table behind each target type.
MODELS: dict[LikeTarget, type[Any]] = {
    LikeTarget.SONG: Song,
    LikeTarget.ALBUM: Album,
    LikeTarget.ARTIST: Artist,
    LikeTarget.PLAYLIST: Playlist,
}

NOUNS = {
    LikeTarget.SONG: "song",
    LikeTarget.ALBUM: "album",
    LikeTarget.ARTIST: "artist",
    LikeTarget.PLAYLIST: "playlist",
}


def unknown(target: LikeTarget) -> NotFound:
    """The one error for a target that does not exist or that the viewer may not see."""
    return NotFound(f"No such {NOUNS[target]}, or you may not see it.")


def visible(target: LikeTarget, viewer_id: int) -> ColumnElement[bool]:
    """SQL: the rows of ``target``'s table that ``viewer_id`` may see: the catalog's rule
    (mirrors, own and public entries, songs of one's playlists), and for playlists the
    ones listed to them (their members' and PUBLIC ones)."""
    if target is LikeTarget.PLAYLIST:
        return access.visible_to(viewer_id)
    return visibility.visible(MODELS[target], viewer_id)


async def visible_row(
    session: AsyncSession, viewer_id: int, target: LikeTarget, target_id: int
) -> Any:
    """The row ``target_id`` of ``target``'s table, once ``viewer_id`` may see it; else
    NOT_FOUND."""
    model = MODELS[target]
    row = await session.scalar(
        select(model).where(model.id == target_id, visible(target, viewer_id))
    )
    if row is None:
        raise unknown(target)
    return row
