"""Deleting a liked thing deletes its likes; deleting a user takes their likes off the counts."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from graphql_api.db import models
from graphql_api.db.models import LikeTarget
from graphql_api.resources import Resources
from graphql_api.social import likes


async def test_deleting_targets_deletes_their_likes_and_users_their_counts(
    resources: Resources,
) -> None:
    async with resources.sessionmaker() as session:
        fan, other = models.User(display_name="fan"), models.User(display_name="other")
        rows = {
            LikeTarget.SONG: models.Song(name="s"),
            LikeTarget.ALBUM: models.Album(name="a"),
            LikeTarget.ARTIST: models.Artist(name="r"),
            LikeTarget.PLAYLIST: models.Playlist(
                name="p", visibility=models.PlaylistVisibility.PUBLIC
            ),
        }
        kept = models.Song(name="kept")
        session.add_all([fan, other, kept, *rows.values()])
        await session.flush()
        for target, row in rows.items():
            await likes.like(session, fan.id, target, row.id)
        for user in (fan, other):
            await likes.like(session, user.id, LikeTarget.SONG, kept.id)
        await session.commit()

    count = select(func.count()).select_from(models.Like)
    async with resources.sessionmaker() as session:
        assert await session.scalar(count) == 6
        for row in rows.values():
            model = type(row)
            await session.execute(delete(model).where(model.id == row.id))
        await session.commit()
        assert await session.scalar(count) == 2
        await session.execute(delete(models.User).where(models.User.id == fan.id))
        await session.commit()
        assert await session.scalar(count) == 1
        assert (
            await session.scalar(select(models.Song.like_count).where(models.Song.id == kept.id))
            == 1
        )
