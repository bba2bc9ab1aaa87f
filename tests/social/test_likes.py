"""Likes: idempotent, counted once even when sent concurrently, and only of what one may see."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from graphql_api.db import models
from graphql_api.db.models import LikeTarget
from graphql_api.errors import BadUserInput, NotFound
from graphql_api.resources import Resources
from graphql_api.social import likes, queries


async def _users(resources: Resources, count: int) -> list[int]:
    async with resources.sessionmaker() as session:
        users = [models.User(display_name=f"user {n}") for n in range(count)]
        session.add_all(users)
        await session.commit()
    return [user.id for user in users]


async def _catalog(resources: Resources, owner_id: int | None = None) -> dict[LikeTarget, Any]:
    """One song, album and artist (Spotify mirrors, or private entries of ``owner_id``)."""
    async with resources.sessionmaker() as session:
        rows = {
            LikeTarget.SONG: models.Song(name="song", owner_id=owner_id),
            LikeTarget.ALBUM: models.Album(name="album", owner_id=owner_id),
            LikeTarget.ARTIST: models.Artist(name="artist", owner_id=owner_id),
        }
        session.add_all(rows.values())
        await session.commit()
    return rows


async def _like_count(resources: Resources, target: LikeTarget, row: Any) -> int:
    model = type(row)
    async with resources.sessionmaker() as session:
        return int(await session.scalar(select(model.like_count).where(model.id == row.id)) or 0)


async def _like_rows(resources: Resources) -> int:
    async with resources.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(models.Like)) or 0)


async def _run(
    resources: Resources, action: Any, user_id: int, target: LikeTarget, row: Any
) -> Any:
    async with resources.sessionmaker() as session:
        found = await action(session, user_id, target, row.id)
        await session.commit()
    return found


@pytest.mark.parametrize("target", list(LikeTarget)[:3])
async def test_liking_twice_counts_once_and_unliking_twice_uncounts_once(
    resources: Resources, target: LikeTarget
) -> None:
    (user,) = await _users(resources, 1)
    row = (await _catalog(resources))[target]
    for _ in range(2):
        found = await _run(resources, likes.like, user, target, row)
        assert found.like_count == 1
    assert await _like_count(resources, target, row) == 1
    for _ in range(2):
        found = await _run(resources, likes.unlike, user, target, row)
        assert found.like_count == 0
    assert await _like_count(resources, target, row) == 0
    assert await _like_rows(resources) == 0


async def test_concurrent_likes_by_one_user_count_once_and_by_many_count_each(
    resources: Resources,
) -> None:
    users = await _users(resources, 4)
    song = (await _catalog(resources))[LikeTarget.SONG]
    await asyncio.gather(
        *[_run(resources, likes.like, users[0], LikeTarget.SONG, song) for _ in range(4)]
    )
    assert await _like_count(resources, LikeTarget.SONG, song) == 1
    await asyncio.gather(
        *[_run(resources, likes.like, user, LikeTarget.SONG, song) for user in users]
    )
    assert await _like_count(resources, LikeTarget.SONG, song) == 4
    await asyncio.gather(
        *[_run(resources, likes.unlike, users[1], LikeTarget.SONG, song) for _ in range(4)]
    )
    assert await _like_count(resources, LikeTarget.SONG, song) == 3
    assert await _like_rows(resources) == 3


async def test_another_users_private_entry_cannot_be_liked_and_answers_as_unknown(
    resources: Resources,
) -> None:
    owner, other = await _users(resources, 2)
    private = await _catalog(resources, owner_id=owner)
    for target, row in private.items():
        with pytest.raises(NotFound) as refused:
            await _run(resources, likes.like, other, target, row)
        with pytest.raises(NotFound) as unknown:
            async with resources.sessionmaker() as session:
                await likes.like(session, other, target, 10**12)
        assert refused.value.message == unknown.value.message
        await _run(resources, likes.like, owner, target, row)  # the owner may
    assert await _like_rows(resources) == 3


async def test_likes_page_newest_first_by_key_without_overlap(resources: Resources) -> None:
    (user,) = await _users(resources, 1)
    rows = [await _catalog(resources) for _ in range(3)]
    liked = []
    for catalog in rows:
        for target, row in catalog.items():
            await _run(resources, likes.like, user, target, row)
            liked.append((target, row.id))
    async with resources.sessionmaker() as session:
        seen, after = [], None
        while True:
            page = await queries.likes(session, user, None, first=4, after=after)
            assert page.total == 9
            seen += [(node.target, node.row.id) for node in page.nodes]
            if not page.has_next:
                break
            after = page.edges[-1][0]
        songs = await queries.likes(session, user, LikeTarget.SONG, first=10, after=None)
    assert seen == list(reversed(liked))
    assert [node.row.id for node in songs.nodes] == [c[LikeTarget.SONG].id for c in reversed(rows)]
    assert songs.total == 3


async def test_a_like_whose_target_turned_private_leaves_the_likers_list(
    resources: Resources,
) -> None:
    owner, fan = await _users(resources, 2)
    async with resources.sessionmaker() as session:
        song = models.Song(name="shared", owner_id=owner, is_public=True)
        session.add(song)
        await session.commit()
    await _run(resources, likes.like, fan, LikeTarget.SONG, song)
    async with resources.sessionmaker() as session:
        assert (await queries.likes(session, fan, None, first=5, after=None)).total == 1
        stored = await session.get(models.Song, song.id)
        assert stored is not None
        stored.is_public = False
        await session.commit()
        page = await queries.likes(session, fan, None, first=5, after=None)
    assert (page.total, page.nodes) == (0, [])


@pytest.mark.parametrize("cursor", ["garbage", "bGs6eHx5fHo=", "bGs6MjAyNi0wMS0wMXxTT05HfDE="])
async def test_a_bad_likes_cursor_is_bad_user_input(resources: Resources, cursor: str) -> None:
    (user,) = await _users(resources, 1)
    async with resources.sessionmaker() as session:
        with pytest.raises(BadUserInput):
            await queries.likes(session, user, None, first=5, after=cursor)
