"""Library writes: `/me/library`, playlist creation and additions, control-API replacement."""

from __future__ import annotations

from typing import Any

import httpx

from spotify_emulator.generator import generate_fixture
from spotify_emulator.testing import EmulatorHandle
from tests.spotify_emulator.conftest import ALICE


def unsaved_track(emulator: EmulatorHandle) -> dict[str, Any]:
    saved = {s["track"]["id"] for s in emulator.state.users[ALICE].saved_tracks}
    return next(t for t in emulator.state.catalog.tracks.values() if t["id"] not in saved)


async def test_save_and_remove_track(emulator: EmulatorHandle, alice: httpx.AsyncClient) -> None:
    track = unsaved_track(emulator)
    assert (await alice.put("/me/library", params={"uris": track["uri"]})).status_code == 200
    page = (await alice.get("/me/tracks", params={"limit": 1})).json()
    assert page["items"][0]["track"]["id"] == track["id"]  # newest first
    assert page["total"] == 46
    assert (await alice.delete("/me/library", params={"uris": track["uri"]})).status_code == 200
    assert (await alice.get("/me/tracks")).json()["total"] == 45


async def test_save_album_and_follow_artist(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    user = emulator.state.users[ALICE]
    saved_albums = {s["album"]["id"] for s in user.saved_albums}
    album_id = next(a for a in emulator.state.catalog.albums if a not in saved_albums)
    artist_id = next(a for a in emulator.state.catalog.artists if a not in user.followed_artists)
    uris = f"spotify:album:{album_id},spotify:artist:{artist_id}"
    assert (await alice.put("/me/library", params={"uris": uris})).status_code == 200
    albums = (await alice.get("/me/albums", params={"limit": 1})).json()
    assert albums["items"][0]["album"]["id"] == album_id
    assert albums["items"][0]["album"]["tracks"]["total"] >= 1
    following = (await alice.get("/me/following", params={"type": "artist", "limit": 50})).json()
    assert artist_id in [a["id"] for a in following["artists"]["items"]]
    await alice.delete("/me/library", params={"uris": uris})
    following = (await alice.get("/me/following", params={"type": "artist", "limit": 50})).json()
    assert artist_id not in [a["id"] for a in following["artists"]["items"]]


async def test_library_uri_validation(emulator: EmulatorHandle, alice: httpx.AsyncClient) -> None:
    track = unsaved_track(emulator)
    too_many = ",".join([track["uri"]] * 41)
    assert (await alice.put("/me/library", params={"uris": too_many})).status_code == 400
    assert (await alice.put("/me/library")).status_code == 400
    assert (await alice.put("/me/library", params={"uris": "track:1"})).status_code == 400
    unsupported = await alice.put("/me/library", params={"uris": "spotify:genre:jazz"})
    assert unsupported.status_code == 400
    # One unknown id and nothing is saved.
    mixed = f"{track['uri']},spotify:track:doesnotexist"
    assert (await alice.put("/me/library", params={"uris": mixed})).status_code == 404
    assert (await alice.get("/me/tracks")).json()["total"] == 45


async def test_writes_need_their_scope(emulator: EmulatorHandle) -> None:
    tokens = await emulator.issue_tokens(ALICE, scope="user-library-read")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    async with httpx.AsyncClient(base_url=emulator.api_url, headers=headers) as client:
        track = unsaved_track(emulator)
        response = await client.put("/me/library", params={"uris": track["uri"]})
        assert response.status_code == 403
        assert (await client.get("/me/tracks")).status_code == 200
        assert (await client.get("/me/player")).status_code == 403


async def test_create_playlist_and_add_items(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    created = await alice.post("/me/playlists", json={"name": "Road trip", "description": "go"})
    assert created.status_code == 201
    playlist = created.json()
    assert playlist["owner"]["id"] == ALICE
    assert playlist["items"]["total"] == 0
    listed = (await alice.get("/me/playlists", params={"limit": 1})).json()["items"][0]
    assert listed["id"] == playlist["id"]
    track, other = unsaved_track(emulator), next(iter(emulator.state.catalog.episodes.values()))
    added = await alice.post(
        f"/playlists/{playlist['id']}/items", json={"uris": [track["uri"], other["uri"]]}
    )
    assert added.status_code == 201
    snapshot = added.json()["snapshot_id"]
    assert snapshot != playlist["snapshot_id"]
    first = await alice.post(
        f"/playlists/{playlist['id']}/items", params={"uris": track["uri"], "position": 0}
    )
    assert first.json()["snapshot_id"] != snapshot
    items = (await alice.get(f"/playlists/{playlist['id']}/items")).json()
    assert [i["item"]["id"] for i in items["items"]] == [track["id"], track["id"], other["id"]]
    assert items["items"][0]["added_by"]["id"] == ALICE
    assert items["items"][0]["track"] == items["items"][0]["item"]
    full = (await alice.get(f"/playlists/{playlist['id']}")).json()
    assert full["snapshot_id"] == first.json()["snapshot_id"]
    assert full["items"]["total"] == 3


async def test_playlist_write_errors(emulator: EmulatorHandle, alice: httpx.AsyncClient) -> None:
    assert (await alice.post("/me/playlists", json={})).status_code == 400
    assert (await alice.post("/me/playlists", content=b"[")).status_code == 400
    foreign = next(r for r in emulator.state.catalog.playlists.values() if r.owner_id == "spotify")
    track = unsaved_track(emulator)
    denied = await alice.post(f"/playlists/{foreign.id}/items", json={"uris": [track["uri"]]})
    assert denied.status_code == 403
    missing = await alice.post("/playlists/nope/items", json={"uris": [track["uri"]]})
    assert missing.status_code == 404
    own = emulator.state.users[ALICE].playlist_ids[0]
    local = await alice.post(f"/playlists/{own}/items", json={"uris": ["spotify:local:a:b:c:1"]})
    assert local.status_code == 400
    assert (await alice.post(f"/playlists/{own}/items", json={"uris": []})).status_code == 400
    out_of_range = await alice.post(
        f"/playlists/{own}/items", json={"uris": [track["uri"]], "position": 10_000}
    )
    assert out_of_range.status_code == 400


async def test_set_library_replaces_and_indexes(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    other = generate_fixture(saved_tracks=3, playlists=1, playlist_items=4, seed=99)["users"][0]
    other["profile"] = emulator.state.users[ALICE].profile
    await emulator.set_library(ALICE, other)
    tracks = (await alice.get("/me/tracks")).json()
    assert [s["track"]["id"] for s in tracks["items"]] == [
        s["track"]["id"] for s in other["saved_tracks"]
    ]
    new_track = other["saved_tracks"][0]["track"]
    assert (await alice.get(f"/tracks/{new_track['id']}")).status_code == 200
    assert (await alice.get(f"/albums/{new_track['album']['id']}")).status_code == 200
    assert (await alice.get(f"/artists/{new_track['artists'][0]['id']}")).status_code == 200


async def test_set_library_validation(emulator: EmulatorHandle) -> None:
    async with httpx.AsyncClient(base_url=emulator.url) as client:
        url = f"/_emulator/users/{ALICE}/library"
        assert (await client.put(url, json=[1])).status_code == 400
        assert (await client.put(url, json={"saved_tracks": [{"nope": 1}]})).status_code == 400
        wrong_id = {"profile": {"id": "someone"}}
        assert (await client.put(url, json=wrong_id)).status_code == 400
        player = await client.put("/_emulator/users/nobody/player", json=None)
        assert player.status_code == 404


async def test_replace_and_reorder_playlist_items(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    playlist = (await alice.post("/me/playlists", json={"name": "mine"})).json()
    items_url = f"/playlists/{playlist['id']}/items"
    tracks = [t["uri"] for t in list(emulator.state.catalog.tracks.values())[:3]]
    await alice.post(items_url, json={"uris": tracks[:1]})

    replaced = await alice.put(items_url, json={"uris": tracks})
    assert replaced.status_code == 200
    assert replaced.json()["snapshot_id"] != playlist["snapshot_id"]
    moved = await alice.put(items_url, json={"range_start": 2, "insert_before": 0})
    assert moved.status_code == 200
    listed = (await alice.get(items_url)).json()["items"]
    assert [i["item"]["uri"] for i in listed] == [tracks[2], tracks[0], tracks[1]]
    assert (await alice.put(items_url, json={"uris": []})).status_code == 200
    assert (await alice.get(items_url)).json()["total"] == 0


async def test_replace_playlist_items_errors(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    playlist = (await alice.post("/me/playlists", json={"name": "mine"})).json()
    items_url = f"/playlists/{playlist['id']}/items"
    track = next(iter(emulator.state.catalog.tracks.values()))["uri"]
    await alice.post(items_url, json={"uris": [track]})
    for body in (
        {"uris": ["spotify:track:nope"]},
        {"uris": [track] * 101},
        {"uris": [track], "range_start": 0, "insert_before": 1},
        {"range_start": 5, "insert_before": 0},
        {},
    ):
        assert (await alice.put(items_url, json=body)).status_code == 400, body
    # Nothing was changed by a refused call.
    assert [i["item"]["uri"] for i in (await alice.get(items_url)).json()["items"]] == [track]
    someone_elses = next(
        p for p in emulator.state.catalog.playlists.values()
        if p.owner_id != ALICE and not p.collaborative
    )  # fmt: skip
    refused = await alice.put(f"/playlists/{someone_elses.id}/items", json={"uris": [track]})
    assert refused.status_code == 403


async def test_remove_playlist_items_removes_every_occurrence(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    playlist = (await alice.post("/me/playlists", json={"name": "mine"})).json()
    items_url = f"/playlists/{playlist['id']}/items"
    one, two = [t["uri"] for t in list(emulator.state.catalog.tracks.values())[:2]]
    await alice.post(items_url, json={"uris": [one, two, one]})
    removed = await alice.request("DELETE", items_url, json={"items": [{"uri": one}]})
    assert removed.status_code == 200
    assert [i["item"]["uri"] for i in (await alice.get(items_url)).json()["items"]] == [two]
    for body in ({}, {"items": []}, {"items": [{"uri": "nope"}]}, {"items": [{"uri": one}] * 101}):
        assert (await alice.request("DELETE", items_url, json=body)).status_code == 400, body
