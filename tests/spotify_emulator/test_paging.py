"""Offset paging (limit, offset, next, previous, total) and cursor paging."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from spotify_emulator.testing import EmulatorHandle
from tests.spotify_emulator.conftest import ALICE


async def test_offset_paging_walks_everything(
    alice: httpx.AsyncClient, fixture_data: dict[str, Any]
) -> None:
    expected = [s["track"]["id"] for s in fixture_data["users"][0]["saved_tracks"]]
    first = (await alice.get("/me/tracks", params={"limit": 20})).json()
    assert first["total"] == len(expected) == 45
    assert first["offset"] == 0
    assert first["limit"] == 20
    assert first["previous"] is None
    assert first["href"].endswith("/v1/me/tracks?offset=0&limit=20")
    seen, body = [], first
    while True:
        seen += [item["track"]["id"] for item in body["items"]]
        if body["next"] is None:
            break
        assert body["next"].startswith(str(alice.base_url))  # links lead to the emulator
        body = (await alice.get(body["next"])).json()
    assert seen == expected
    assert body["offset"] == 40
    assert body["previous"].endswith("offset=20&limit=20")


async def test_offset_past_the_end_is_empty(alice: httpx.AsyncClient) -> None:
    body = (await alice.get("/me/tracks", params={"offset": 1000})).json()
    assert body["items"] == []
    assert body["next"] is None
    assert body["total"] == 45


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": 0}, "Invalid limit"),
        ({"limit": 51}, "Invalid limit"),
        ({"limit": "ten"}, "Invalid limit"),
        ({"offset": -1}, "Invalid offset"),
    ],
)
async def test_limit_and_offset_validation(
    alice: httpx.AsyncClient, params: dict[str, Any], message: str
) -> None:
    response = await alice.get("/me/albums", params=params)
    assert response.status_code == 400
    assert response.json() == {"error": {"status": 400, "message": message}}


async def test_artist_albums_limit_is_ten(
    alice: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    artist_id = next(iter(emulator.state.catalog.artists))
    assert (
        await alice.get(f"/artists/{artist_id}/albums", params={"limit": 11})
    ).status_code == 400
    body = (await alice.get(f"/artists/{artist_id}/albums")).json()
    assert body["limit"] == 5
    singles = await alice.get(f"/artists/{artist_id}/albums", params={"include_groups": "single"})
    assert all(a["album_group"] == "single" for a in singles.json()["items"])
    bad = await alice.get(f"/artists/{artist_id}/albums", params={"include_groups": "nope"})
    assert bad.status_code == 400


async def test_followed_artists_cursor_to_the_end(
    alice: httpx.AsyncClient, fixture_data: dict[str, Any]
) -> None:
    expected = sorted(a["id"] for a in fixture_data["users"][0]["followed_artists"])
    seen: list[str] = []
    url: str | None = "/me/following?type=artist&limit=5"
    pages = 0
    while url:
        body = (await alice.get(url)).json()["artists"]
        assert body["total"] == 12
        ids = [a["id"] for a in body["items"]]
        seen += ids
        url = body["next"]
        if url:
            assert body["cursors"]["after"] == ids[-1]
        pages += 1
    assert seen == expected
    assert pages == 3
    missing_type = await alice.get("/me/following")
    assert missing_type.status_code == 400


async def test_recently_played_cursors(alice: httpx.AsyncClient, emulator: EmulatorHandle) -> None:
    history = emulator.state.users[ALICE].recently_played
    assert len(history) == 50
    first = (await alice.get("/me/player/recently-played", params={"limit": 20})).json()
    assert len(first["items"]) == 20
    before = int(first["cursors"]["before"])
    second = (await alice.get(first["next"])).json()
    assert second["items"][0]["played_at"] < first["items"][-1]["played_at"]
    assert f"before={before}" in first["next"]
    after = (
        await alice.get("/me/player/recently-played", params={"after": before, "limit": 50})
    ).json()
    assert [i["played_at"] for i in after["items"]] == [i["played_at"] for i in first["items"][:-1]]
    too_many = await alice.get("/me/player/recently-played", params={"limit": 51})
    assert too_many.status_code == 400
    both = await alice.get("/me/player/recently-played", params={"after": 1, "before": 2})
    assert both.status_code == 400


async def test_me_playlists_lists_owned_and_followed(
    alice: httpx.AsyncClient, fixture_data: dict[str, Any]
) -> None:
    body = (await alice.get("/me/playlists", params={"limit": 50})).json()
    owners = {p["owner"]["id"] for p in body["items"]}
    assert owners == {"alice", "bruno", "spotify"}
    assert body["total"] == len(fixture_data["users"][0]["playlists"])
    for playlist in body["items"]:
        assert playlist["items"]["href"].endswith(f"/playlists/{playlist['id']}/items")
        assert playlist["snapshot_id"]
