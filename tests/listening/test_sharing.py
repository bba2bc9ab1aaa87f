"""Sharing: each level against a stranger, a follower and the user; follows; listeningNow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graphql_api.db.models import NowPlaying, SharingLevel, User
from graphql_api.kit.pagination import encode_cursor
from graphql_api.listening.playback import PlayingItem
from graphql_api.listening.queries import USER_CURSOR
from graphql_api.resources import Resources
from tests.listening.conftest import global_id, login, plain_user
from tests.support.graphql_client import GraphQLClient

QUERY = "query($id: ID) { nowPlaying(userId: $id) { isPlaying item { name } } }"
SUBSCRIBE = "subscription($id: ID) { nowPlaying(userId: $id) { isPlaying item { name } } }"
FOLLOW = "mutation($id: ID!) { followUser(id: $id) { displayName } }"
UNFOLLOW = "mutation($id: ID!) { unfollowUser(id: $id) { displayName } }"
SHARE = """mutation($level: NowPlayingSharing!) {
  setNowPlayingSharing(level: $level) { nowPlayingSharing }
}"""
LISTENING_NOW = """query($first: Int!, $after: String) {
  listeningNow(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { user { displayName } item { name } } }
  }
}"""


def code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors")
    return str(errors[0]["extensions"]["code"]) if errors else None


async def _playing(resources: Resources, user_id: int, name: str) -> None:
    item = PlayingItem(uri=f"spotify:track:{name}", kind="track", name=name, duration_ms=200_000)
    async with resources.sessionmaker() as session:
        session.add(
            NowPlaying(
                user_id=user_id,
                item=item.as_json(),
                is_playing=True,
                progress_ms=1000,
                observed_at=dt.datetime.now(dt.UTC),
            )
        )
        await session.commit()


async def _as(gql: GraphQLClient, resources: Resources, user_id: int) -> GraphQLClient:
    return gql.with_token(await login(resources, user_id))


async def _can_see(gql: GraphQLClient, owner: int) -> bool:
    body = await gql.execute(QUERY, {"id": global_id(owner)})
    assert code(body) in (None, "NOT_FOUND"), body
    async with gql.websocket() as ws:
        op = await ws.subscribe(SUBSCRIBE, {"id": global_id(owner)})
        message = await ws.receive()
    streamed = message["type"] == "next" and not message["payload"].get("errors")
    # The query and the subscription always agree.
    assert streamed == (code(body) is None), (body, message)
    return streamed and op == message["id"]


@pytest.mark.parametrize(
    ("level", "stranger", "follower"),
    [("NOBODY", False, False), ("FOLLOWERS", False, True), ("EVERYONE", True, True)],
)
async def test_each_level_against_a_stranger_a_follower_and_the_user(
    resources: Resources, gql: GraphQLClient, level: str, stranger: bool, follower: bool
) -> None:
    owner_id = await plain_user(resources, "Owner")
    follower_id = await plain_user(resources, "Follower")
    stranger_id = await plain_user(resources, "Stranger")
    await _playing(resources, owner_id, "Tune")
    owner = await _as(gql, resources, owner_id)
    fan = await _as(gql, resources, follower_id)
    # Only a user who takes followers can be followed; the level changes afterwards.
    await owner.query(SHARE, {"level": "FOLLOWERS"})
    await fan.query(FOLLOW, {"id": global_id(owner_id)})
    shared = await owner.query(SHARE, {"level": level})
    assert shared["setNowPlayingSharing"]["nowPlayingSharing"] == level

    assert await _can_see(owner, owner_id)
    assert await _can_see(fan, owner_id) is follower
    assert await _can_see(await _as(gql, resources, stranger_id), owner_id) is stranger


async def test_follows_are_checked_and_undone(resources: Resources, gql: GraphQLClient) -> None:
    me = await plain_user(resources, "Me")
    them = await plain_user(resources, "Them")
    client = await _as(gql, resources, me)
    assert code(await client.execute(FOLLOW, {"id": global_id(me)})) == "BAD_USER_INPUT"
    assert code(await client.execute(FOLLOW, {"id": global_id(10_000)})) == "NOT_FOUND"
    assert code(await client.execute(FOLLOW, {"id": "not-an-id"})) == "BAD_USER_INPUT"
    assert code(await gql.execute(FOLLOW, {"id": global_id(them)})) == "UNAUTHENTICATED"
    await _playing(resources, them, "Theirs")
    async with resources.sessionmaker() as session:
        row = await session.get(User, them)
        assert row is not None
        row.now_playing_sharing = SharingLevel.FOLLOWERS
        await session.commit()
    await client.query(FOLLOW, {"id": global_id(them)})
    await client.query(FOLLOW, {"id": global_id(them)})  # idempotent
    assert await _can_see(client, them)
    await client.query(UNFOLLOW, {"id": global_id(them)})
    assert not await _can_see(client, them)


async def test_listening_now_lists_only_who_the_viewer_may_see(
    resources: Resources, gql: GraphQLClient
) -> None:
    viewer = await plain_user(resources, "Viewer")
    levels = {"Open": SharingLevel.EVERYONE, "Friends": SharingLevel.FOLLOWERS}
    levels |= {"Private": SharingLevel.NOBODY, "Stranger": SharingLevel.FOLLOWERS}
    ids = {}
    async with resources.sessionmaker() as session:
        for name, level in levels.items():
            user = User(display_name=name, now_playing_sharing=level)
            session.add(user)
            await session.flush()
            ids[name] = user.id
        await session.commit()
    for name, user_id in ids.items():
        await _playing(resources, user_id, f"{name} song")
    await _playing(resources, viewer, "My song")
    client = await _as(gql, resources, viewer)
    await client.query(FOLLOW, {"id": global_id(ids["Friends"])})

    names, after = [], None
    while True:
        page = (await client.query(LISTENING_NOW, {"first": 2, "after": after}))["listeningNow"]
        assert page["totalCount"] == 3
        names += [edge["node"]["user"]["displayName"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(names) == ["Friends", "Open", "Viewer"]
    for first in (-1, 201):
        assert code(await client.execute(LISTENING_NOW, {"first": first})) == "BAD_USER_INPUT"
    assert code(await client.execute(LISTENING_NOW, {"first": 2, "after": "@@"})) == (
        "BAD_USER_INPUT"
    )
    for key in ("9" * 30, "\u00b2"):
        odd = encode_cursor(USER_CURSOR, key)
        body = await client.execute(LISTENING_NOW, {"first": 2, "after": odd})
        assert code(body) == "BAD_USER_INPUT", body


async def _stream_refused(ws: Any, op: str) -> bool:
    """Whether the open subscription ``op`` now ends with NOT_FOUND (as for an unknown user)."""
    message = await ws.receive(timeout=15)
    assert message.get("id") == op, message
    errors = message["payload"]["errors"] if message["type"] in ("next", "error") else []
    return bool(errors) and errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_an_open_stream_ends_when_sharing_is_taken_back(
    resources: Resources, gql: GraphQLClient
) -> None:
    owner_id = await plain_user(resources, "Owner")
    fan_id = await plain_user(resources, "Fan")
    await _playing(resources, owner_id, "Secret")
    owner = await _as(gql, resources, owner_id)
    await owner.query(SHARE, {"level": "EVERYONE"})
    fan = await _as(gql, resources, fan_id)
    async with fan.websocket() as ws:
        op = await ws.subscribe(SUBSCRIBE, {"id": global_id(owner_id)})
        first = await ws.next_payload(op)
        assert first["data"]["nowPlaying"]["item"]["name"] == "Secret"
        await owner.query(SHARE, {"level": "NOBODY"})
        assert await _stream_refused(ws, op)


async def test_an_open_stream_ends_on_unfollow_when_shared_with_followers(
    resources: Resources, gql: GraphQLClient
) -> None:
    owner_id = await plain_user(resources, "Owner")
    fan_id = await plain_user(resources, "Fan")
    await _playing(resources, owner_id, "Friends only")
    await (await _as(gql, resources, owner_id)).query(SHARE, {"level": "FOLLOWERS"})
    fan = await _as(gql, resources, fan_id)
    await fan.query(FOLLOW, {"id": global_id(owner_id)})
    async with fan.websocket() as ws:
        op = await ws.subscribe(SUBSCRIBE, {"id": global_id(owner_id)})
        await ws.next_payload(op)
        await fan.query(UNFOLLOW, {"id": global_id(owner_id)})
        assert await _stream_refused(ws, op)


PROFILE = "query($id: ID) { nowPlaying(userId: $id) { user { displayName createdAt } } }"
FOLLOW_PROFILE = "mutation($id: ID!) { followUser(id: $id) { displayName createdAt } }"
UNFOLLOW_PROFILE = "mutation($id: ID!) { unfollowUser(id: $id) { displayName createdAt } }"
MISSING = global_id(10_000)


async def _refusal(client: GraphQLClient, operation: str, user: str) -> dict[str, Any]:
    """The error of an operation on ``user``, without where in the query it arose."""
    body = await client.execute(operation, {"id": user})
    assert body.get("errors"), body
    (error,) = body["errors"]
    return {"message": error["message"], "extensions": error["extensions"]}


async def _profile(client: GraphQLClient, operation: str, user: str) -> dict[str, Any]:
    data = await client.query(operation, {"id": user})
    profile: dict[str, Any] = next(iter(data.values()))
    return profile.get("user", profile)


async def test_who_exists_is_told_to_nobody_and_a_profile_only_as_its_sharing_allows(
    resources: Resources, gql: GraphQLClient
) -> None:
    owner_id = await plain_user(resources, "Owner")
    hermit_id = await plain_user(resources, "Hermit")  # shares with nobody (the default)
    owner = await _as(gql, resources, owner_id)
    fan = await _as(gql, resources, await plain_user(resources, "Fan"))
    stranger = await _as(gql, resources, await plain_user(resources, "Stranger"))
    await owner.query(SHARE, {"level": "FOLLOWERS"})
    await fan.query(FOLLOW, {"id": global_id(owner_id)})
    owner_gid, hermit_gid = global_id(owner_id), global_id(hermit_id)

    # Missing, for everyone: one answer, which hidden users give too.
    missing = await _refusal(stranger, PROFILE, MISSING)
    assert missing["extensions"]["code"] == "NOT_FOUND"
    for viewer in (owner, fan, stranger):
        assert await _refusal(viewer, PROFILE, MISSING) == missing
        assert await _refusal(viewer, FOLLOW_PROFILE, MISSING) == missing
        assert await _refusal(viewer, UNFOLLOW_PROFILE, MISSING) == missing
    for viewer in (owner, fan, stranger):
        assert await _refusal(viewer, PROFILE, hermit_gid) == missing
        assert await _refusal(viewer, FOLLOW_PROFILE, hermit_gid) == missing
    assert await _refusal(stranger, PROFILE, owner_gid) == missing

    # Existing, as the owner and a follower: the profile.
    for viewer in (owner, fan):
        profile = await _profile(viewer, PROFILE, owner_gid)
        assert profile["displayName"] == "Owner"
        assert profile["createdAt"] is not None
    assert (await _refusal(owner, FOLLOW_PROFILE, owner_gid))["extensions"]["code"] == (
        "BAD_USER_INPUT"
    )

    # A stranger may follow a user who takes followers, and so becomes a follower.
    assert (await _profile(stranger, FOLLOW_PROFILE, owner_gid))["displayName"] == "Owner"
    # Sharing taken back: followers see no profile any more, not even in a mutation's answer.
    await owner.query(SHARE, {"level": "NOBODY"})
    assert await _refusal(fan, PROFILE, owner_gid) == missing
    hidden = await _profile(fan, UNFOLLOW_PROFILE, owner_gid)
    assert hidden == {"displayName": None, "createdAt": None}
