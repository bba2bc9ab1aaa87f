"""Items: add at a position, remove, move (rewriting the moved rows only), versions and
CONFLICT, bad input refused with nothing half-written."""

from __future__ import annotations

import httpx
from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine
from strawberry.relay import GlobalID

from graphql_api.app import create_app
from graphql_api.db.models import PlaylistEntry, Song
from graphql_api.playlists import ordering, versions
from graphql_api.playlists.entries import MAX_ITEMS_PER_CALL
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from tests.playlists.conftest import (
    ADD,
    ITEMS,
    MOVE,
    REMOVE,
    Person,
    add,
    create,
    error_code,
    gid,
    make_songs,
    names,
)
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve


async def test_items_are_added_in_order_at_the_end_or_at_a_position_and_may_repeat(
    owner: Person, songs: list[str]
) -> None:
    playlist = await create(owner)
    added = await add(owner, playlist["id"], songs[:3], 1)
    assert added["playlist"] == {"version": 2, "itemCount": 3, "totalDurationMs": 3000}
    await add(owner, playlist["id"], [songs[5], songs[0]], 2, at=1)
    assert await names(owner, playlist["id"]) == ["Song 0", "Song 5", "Song 0", "Song 1", "Song 2"]
    await add(owner, playlist["id"], [songs[9]], 3, at=0)
    data = await owner.client.query(ITEMS, {"id": playlist["id"]})
    node = data["node"]
    assert node["version"] == 4
    assert node["itemCount"] == node["items"]["totalCount"] == 6
    assert node["items"]["edges"][0]["node"]["song"]["name"] == "Song 9"
    assert {e["node"]["addedBy"]["id"] for e in node["items"]["edges"]} == {owner.id}


async def test_remove_takes_items_out_and_keeps_the_totals(owner: Person, songs: list[str]) -> None:
    playlist = await create(owner)
    items = (await add(owner, playlist["id"], songs[:4], 1))["items"]
    data = await owner.client.query(
        REMOVE, {"items": [items[1]["id"], items[3]["id"]], "version": 2}
    )
    assert data["removePlaylistItems"] == {"version": 3, "itemCount": 2, "totalDurationMs": 2000}
    assert await names(owner, playlist["id"]) == ["Song 0", "Song 2"]


async def test_move_puts_items_in_the_given_order_at_the_position_among_the_others(
    owner: Person, songs: list[str]
) -> None:
    playlist = await create(owner)
    items = [i["id"] for i in (await add(owner, playlist["id"], songs[:5], 1))["items"]]
    await owner.client.query(MOVE, {"items": [items[4], items[0]], "to": 1, "version": 2})
    assert await names(owner, playlist["id"]) == ["Song 1", "Song 4", "Song 0", "Song 2", "Song 3"]
    await owner.client.query(MOVE, {"items": [items[1]], "to": 4, "version": 3})
    assert await names(owner, playlist["id"]) == ["Song 4", "Song 0", "Song 2", "Song 3", "Song 1"]


async def test_moving_an_item_in_a_playlist_of_10000_writes_one_entry_row(
    owner: Person, resources: Resources
) -> None:
    songs = await make_songs(resources, 1)
    playlist = await create(owner)
    playlist_id = int(GlobalID.from_id(playlist["id"]).node_id)
    song_id = int(GlobalID.from_id(songs[0]).node_id)
    async with resources.sessionmaker() as session:
        await session.execute(
            insert(PlaylistEntry),
            [
                {"playlist_id": playlist_id, "song_id": song_id, "position_key": key}
                for key in ordering.evenly(10_000)
            ],
        )
        await versions.add_totals(session, playlist_id, 10_000, 10_000 * 1000)
        await session.commit()
        last = await session.scalar(
            select(PlaylistEntry.id).order_by(PlaylistEntry.position_key.desc()).limit(1)
        )
    assert last is not None
    rows: list[str] = []

    def record(
        _conn: object, _cursor: object, statement: str, parameters: object, *_: object
    ) -> None:
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            table = (
                statement.split()[1]
                if not statement.upper().startswith("INSERT")
                else statement.split()[2]
            )
            rows.extend([table] * (len(parameters) if isinstance(parameters, list) else 1))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        await owner.client.query(
            MOVE, {"items": [gid("PlaylistItem", last)], "to": 5000, "version": 1}
        )
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert rows.count("playlist_entries") == 1, rows
    async with resources.sessionmaker() as session:
        moved = await session.scalar(
            select(PlaylistEntry.id)
            .order_by(PlaylistEntry.position_key, PlaylistEntry.id)
            .offset(5000)
            .limit(1)
        )
    assert moved == last


async def test_a_write_based_on_a_stale_version_is_a_conflict_naming_the_current_one(
    owner: Person, songs: list[str]
) -> None:
    playlist = await create(owner)
    await add(owner, playlist["id"], songs[:1], 1)
    body = await owner.client.execute(
        ADD, {"playlist": playlist["id"], "songs": songs[1:2], "version": 1}
    )
    assert error_code(body) == "CONFLICT"
    assert body["errors"][0]["extensions"]["currentVersion"] == 2
    assert await names(owner, playlist["id"]) == ["Song 0"]


async def test_adding_20000_songs_at_once_is_bad_user_input_and_adds_nothing(
    owner: Person, songs: list[str], settings: Settings, http: httpx.AsyncClient
) -> None:
    playlist = await create(owner)
    # 20,000 ids are a 400 KB body: past the default body limit (PAYLOAD_TOO_LARGE), so
    # this app takes larger bodies to show the playlists' own limit.
    roomy = settings.model_copy(update={"graphql_max_body_bytes": 4_000_000})
    async with serve(create_app(roomy)) as url:
        client = GraphQLClient(url, http, owner.client.token)
        for count in (20_000, MAX_ITEMS_PER_CALL + 1):
            body = await client.execute(
                ADD, {"playlist": playlist["id"], "songs": [songs[0]] * count, "version": 1}
            )
            assert error_code(body) == "BAD_USER_INPUT"
    assert await names(owner, playlist["id"]) == []


async def test_positions_outside_the_playlist_are_bad_user_input_and_change_nothing(
    owner: Person, songs: list[str]
) -> None:
    playlist = await create(owner)
    items = [i["id"] for i in (await add(owner, playlist["id"], songs[:3], 1))["items"]]
    for at in (-1, 4):
        body = await owner.client.execute(
            ADD, {"playlist": playlist["id"], "songs": songs[3:4], "version": 2, "at": at}
        )
        assert error_code(body) == "BAD_USER_INPUT"
    for to in (-1, 3, 10**6):
        body = await owner.client.execute(MOVE, {"items": [items[0]], "to": to, "version": 2})
        assert error_code(body) == "BAD_USER_INPUT"
    data = await owner.client.query(ITEMS, {"id": playlist["id"]})
    assert data["node"]["version"] == 2
    assert await names(owner, playlist["id"]) == ["Song 0", "Song 1", "Song 2"]


async def test_unknown_songs_and_items_are_not_found_and_add_nothing(
    owner: Person, songs: list[str]
) -> None:
    playlist = await create(owner)
    body = await owner.client.execute(
        ADD, {"playlist": playlist["id"], "songs": [songs[0], gid("Song", 999999)], "version": 1}
    )
    assert error_code(body) == "NOT_FOUND"
    body = await owner.client.execute(
        REMOVE, {"items": [gid("PlaylistItem", 999999)], "version": 1}
    )
    assert error_code(body) == "NOT_FOUND"
    assert await names(owner, playlist["id"]) == []


async def test_empty_and_overlong_names_are_bad_user_input(owner: Person) -> None:
    for name in ("", "   ", "x" * 201):
        body = await owner.client.execute(
            "mutation($n: String!) { createPlaylist(name: $n) { id } }", {"n": name}
        )
        assert error_code(body) == "BAD_USER_INPUT"


async def test_another_users_private_song_cannot_be_added_and_is_not_found(
    owner: Person, stranger: Person, resources: Resources
) -> None:
    async with resources.sessionmaker() as session:
        private = Song(name="Bootleg", duration_ms=5, owner_id=stranger.user_id)
        public = Song(name="Shared", duration_ms=5, owner_id=stranger.user_id, is_public=True)
        session.add_all([private, public])
        await session.commit()
    playlist = await create(owner)
    body = await owner.client.execute(
        ADD, {"playlist": playlist["id"], "songs": [gid("Song", private.id)], "version": 1}
    )
    assert error_code(body) == "NOT_FOUND"
    await add(owner, playlist["id"], [gid("Song", public.id)], 1)
    assert await names(owner, playlist["id"]) == ["Shared"]
