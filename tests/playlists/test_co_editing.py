"""Live co-editing over HTTP and websockets: two members on two API processes (sharing the
database and Redis) edit at once; the stale write conflicts and is retried; each sees the
other's edits through playlistChanged. A member taken out loses the stream."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from graphql_api.app import create_app
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from tests.playlists.conftest import (
    ADD,
    INVITE,
    Person,
    add,
    create,
    error_code,
    make_person,
    make_songs,
    names,
)
from tests.support.graphql_client import GraphQLClient, WebSocketSession
from tests.support.server import serve

CHANGED = """subscription($id: ID!) { playlistChanged(id: $id) {
  kind version itemIds actor { id } playlist { itemCount }
} }"""
REMOVE_MEMBER = """mutation($playlist: ID!, $user: ID!) {
  removePlaylistMember(playlistId: $playlist, userId: $user) { version }
}"""


async def _change(ws: WebSocketSession, operation: str) -> dict[str, Any]:
    payload = await ws.next_payload(operation, timeout=15)
    assert "errors" not in payload, payload
    change: dict[str, Any] = payload["data"]["playlistChanged"]
    return change


async def _edit_at_once(
    owner: Person, editor: Person, playlist: str, songs: list[str]
) -> tuple[Person, int]:
    """Both add a song based on version 1 at the same time: one wins, the loser retries
    with the version its CONFLICT names. Returns the loser and the final version."""
    bodies = await asyncio.gather(
        *(
            person.client.execute(ADD, {"playlist": playlist, "songs": [song], "version": 1})
            for person, song in ((owner, songs[0]), (editor, songs[1]))
        )
    )
    failed = [n for n, body in enumerate(bodies) if body.get("errors")]
    assert len(failed) == 1, bodies
    loser = (owner, editor)[failed[0]]
    assert error_code(bodies[failed[0]]) == "CONFLICT"
    current = bodies[failed[0]]["errors"][0]["extensions"]["currentVersion"]
    assert current == 2
    retried = await add(loser, playlist, [songs[failed[0]]], current)
    return loser, retried["playlist"]["version"]


@pytest.mark.redis
async def test_owner_and_editor_on_two_api_processes_conflict_once_and_see_each_others_edits(
    settings: Settings,
    resources: Resources,
    redis_url: str,
    redis_prefix: str,
    http: httpx.AsyncClient,
) -> None:
    production = settings.model_copy(update={"redis_url": redis_url, "redis_prefix": redis_prefix})
    async with serve(create_app(production)) as first, serve(create_app(production)) as second:
        owner = await make_person(resources, GraphQLClient(first, http), "Olga")
        editor = await make_person(resources, GraphQLClient(second, http), "Ed")
        songs = await make_songs(resources, 2)
        playlist = (await create(owner))["id"]
        await owner.client.query(
            INVITE, {"playlist": playlist, "user": editor.id, "role": "EDITOR"}
        )
        async with owner.client.websocket() as on_first, editor.client.websocket() as on_second:
            streams = [
                (on_first, await on_first.subscribe(CHANGED, {"id": playlist})),
                (on_second, await on_second.subscribe(CHANGED, {"id": playlist})),
            ]
            for ws, operation in streams:
                assert (await _change(ws, operation))["kind"] == "CURRENT"
            loser, version = await _edit_at_once(owner, editor, playlist, songs)
            assert version == 3
            for ws, operation in streams:
                changes = sorted(
                    [await _change(ws, operation) for _ in range(2)], key=lambda c: c["version"]
                )
                assert [(c["kind"], c["version"]) for c in changes] == [
                    ("ITEMS_ADDED", 2),
                    ("ITEMS_ADDED", 3),
                ]
                assert changes[1]["actor"] == {"id": loser.id}
                assert {c["actor"]["id"] for c in changes} == {owner.id, editor.id}
                assert changes[1]["playlist"]["itemCount"] == 2
        assert sorted(await names(owner, playlist)) == ["Song 0", "Song 1"]
        assert await names(editor, playlist) == await names(owner, playlist)


async def test_two_members_editing_at_once_on_one_process_conflict_once(
    owner: Person, editor: Person, songs: list[str]
) -> None:
    playlist = (await create(owner))["id"]
    await owner.client.query(INVITE, {"playlist": playlist, "user": editor.id, "role": "EDITOR"})
    _, version = await _edit_at_once(owner, editor, playlist, songs)
    assert version == 3
    assert sorted(await names(owner, playlist)) == ["Song 0", "Song 1"]


async def test_a_member_taken_out_of_the_playlist_loses_its_change_stream(
    owner: Person, editor: Person
) -> None:
    playlist = (await create(owner))["id"]
    await owner.client.query(INVITE, {"playlist": playlist, "user": editor.id, "role": "VIEWER"})
    async with editor.client.websocket() as ws:
        operation = await ws.subscribe(CHANGED, {"id": playlist})
        assert (await _change(ws, operation))["kind"] == "CURRENT"
        await owner.client.query(REMOVE_MEMBER, {"playlist": playlist, "user": editor.id})
        message = await ws.receive(timeout=15)
        assert message["type"] == "error" or (
            message["type"] == "next" and message["payload"].get("errors")
        ), message
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_stranger_cannot_subscribe_to_a_private_playlist(
    owner: Person, stranger: Person
) -> None:
    playlist = (await create(owner))["id"]
    async with stranger.client.websocket() as ws:
        operation = await ws.subscribe(CHANGED, {"id": playlist})
        message = await ws.receive(timeout=15)
        assert message["id"] == operation
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_deleting_a_playlist_sends_deleted_and_ends_its_streams(
    owner: Person, editor: Person
) -> None:
    playlist = (await create(owner))["id"]
    await owner.client.query(INVITE, {"playlist": playlist, "user": editor.id, "role": "EDITOR"})
    async with editor.client.websocket() as ws:
        operation = await ws.subscribe(CHANGED, {"id": playlist})
        assert (await _change(ws, operation))["kind"] == "CURRENT"
        await owner.client.query("mutation($id: ID!) { deletePlaylist(id: $id) }", {"id": playlist})
        deleted = await _change(ws, operation)
        assert (deleted["kind"], deleted["playlist"]) == ("DELETED", None)
        assert await ws.receive() == {"id": operation, "type": "complete"}


async def test_a_public_playlist_made_private_ends_a_visitors_stream_with_forbidden(
    owner: Person, stranger: Person
) -> None:
    playlist = await create(owner, visibility="PUBLIC")
    async with stranger.client.websocket() as ws:
        operation = await ws.subscribe(CHANGED, {"id": playlist["id"]})
        assert (await _change(ws, operation))["kind"] == "CURRENT"
        await owner.client.query(
            """mutation($id: ID!) {
              updatePlaylist(id: $id, expectedVersion: 1, visibility: PRIVATE) { version }
            }""",
            {"id": playlist["id"]},
        )
        message = await ws.receive(timeout=15)
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
