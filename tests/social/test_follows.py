"""Following artists: idempotent, and one list spanning Spotify's follows and Mixtape's."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from graphql_api.db import models
from graphql_api.errors import BadUserInput, NotFound
from graphql_api.resources import Resources
from graphql_api.social import follows, queries


async def _user_with_spotify_follows(
    resources: Resources, artist_names: list[str]
) -> tuple[int, list[int]]:
    """A user whose latest snapshot follows the first half of ``artist_names``; the ids of all."""
    async with resources.sessionmaker() as session:
        user = models.User(display_name="fan")
        artists = [models.Artist(name=name) for name in artist_names]
        session.add_all([user, *artists])
        await session.flush()
        session.add(
            models.LibrarySnapshot(
                user_id=user.id, version=1, status=models.SnapshotStatus.SUCCEEDED
            )
        )
        half = len(artists) // 2
        session.add_all(
            models.FollowedArtist(user_id=user.id, first_version=1, artist_id=a.id, position=n)
            for n, a in enumerate(artists[:half])
        )
        await session.commit()
    return user.id, [a.id for a in artists]


async def test_followed_artists_span_spotify_and_mixtape_each_once_by_name(
    resources: Resources,
) -> None:
    names = ["delta", "alpha", "echo", "charlie", "bravo", "foxtrot"]
    user_id, ids = await _user_with_spotify_follows(resources, names)
    # One already followed on Spotify (no duplicate), one not.
    async with resources.sessionmaker() as session:
        await follows.follow_artist(session, user_id, ids[0])
        await follows.follow_artist(session, user_id, ids[4])
        await session.commit()
    async with resources.sessionmaker() as session:
        pages, after = [], None
        while True:
            page = await queries.followed_artists(session, user_id, first=2, after=after)
            pages.append(page)
            if not page.has_next:
                break
            after = page.edges[-1][0]
    followed = [node for page in pages for node in page.nodes]
    assert [f.artist.name for f in followed] == ["alpha", "bravo", "delta", "echo"]
    assert {f.artist.name: (f.on_spotify, f.followed_at is not None) for f in followed} == {
        "alpha": (True, False),
        "bravo": (False, True),
        "delta": (True, True),
        "echo": (True, False),
    }
    assert {page.total for page in pages} == {4}


async def test_following_twice_keeps_one_follow_and_unfollowing_twice_is_harmless(
    resources: Resources,
) -> None:
    user_id, ids = await _user_with_spotify_follows(resources, ["solo"])
    async with resources.sessionmaker() as session:
        for _ in range(2):
            await follows.follow_artist(session, user_id, ids[0])
        await session.commit()
        count = select(func.count()).select_from(models.ArtistFollow)
        assert await session.scalar(count) == 1
        for _ in range(2):
            await follows.unfollow_artist(session, user_id, ids[0])
        await session.commit()
        assert await session.scalar(count) == 0
        page = await queries.followed_artists(session, user_id, first=10, after=None)
        assert page.total == 0


async def test_following_an_unknown_artist_is_not_found(resources: Resources) -> None:
    user_id, _ = await _user_with_spotify_follows(resources, [])
    async with resources.sessionmaker() as session:
        with pytest.raises(NotFound):
            await follows.follow_artist(session, user_id, 10**12)


@pytest.mark.parametrize("cursor", ["garbage", "ZmE6YXwx", "ZmE6WVE9PXx4", "ZmE6WVE9PQ=="])
async def test_a_bad_followed_artists_cursor_is_bad_user_input(
    resources: Resources, cursor: str
) -> None:
    user_id, _ = await _user_with_spotify_follows(resources, ["a"])
    async with resources.sessionmaker() as session:
        with pytest.raises(BadUserInput):
            await queries.followed_artists(session, user_id, first=10, after=cursor)
