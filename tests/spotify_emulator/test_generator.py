"""The fixture generator: deterministic, fast, and full of real-library quirks."""

from __future__ import annotations

import json
from typing import Any

from spotify_emulator.generator import generate_fixture


def playlist_items(user: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for entry in user["playlists"] for item in entry["items"]]


def test_same_seed_same_json() -> None:
    first = json.dumps(generate_fixture(users=2, seed=5))
    assert first == json.dumps(generate_fixture(users=2, seed=5))
    assert first != json.dumps(generate_fixture(users=2, seed=6))


def test_sizes_follow_the_arguments() -> None:
    fixture = generate_fixture(
        users=3,
        saved_tracks=40,
        saved_albums=4,
        playlists=4,
        playlist_items=90,
        followed_artists=7,
        new_releases=3,
        seed=1,
    )
    assert len(fixture["users"]) == 3
    assert len(fixture["new_releases"]) == 3
    for user in fixture["users"]:
        uid = user["profile"]["id"]
        owned = [e for e in user["playlists"] if e["playlist"]["owner"]["id"] == uid]
        assert len(user["saved_tracks"]) == 40
        assert len(user["saved_albums"]) == 4
        assert len(user["followed_artists"]) == 7
        # Four generated playlists (about 90 items), plus the collaborative one a neighbour follows.
        assert len(owned) == 5
        assert sum(len(e["items"]) for e in owned[:4]) >= 90


def test_quirks_are_present() -> None:
    fixture = generate_fixture(users=2, saved_tracks=200, playlist_items=400, seed=0)
    alice, bruno = fixture["users"]
    items = playlist_items(alice)
    contents = [i["item"] for i in items]
    assert any(i["is_local"] and i["item"]["id"] is None for i in items)
    assert any(i["is_local"] and i["item"]["uri"].startswith("spotify:local:") for i in items)
    assert any(c is None for c in contents)
    assert any(c and c["type"] == "episode" for c in contents)
    tracks = [s["track"] for s in alice["saved_tracks"]] + [
        c for c in contents if c and c["type"] == "track"
    ]
    assert any(len(t["artists"]) > 1 for t in tracks)
    precisions = {t["album"]["release_date_precision"] for t in tracks if not t["is_local"]}
    assert {"year", "month", "day"} <= precisions
    assert any(t["album"]["images"] == [] for t in tracks)
    names = [t["name"] for t in tracks]
    assert any(len(n) > 200 for n in names)
    assert any(not n.isascii() for n in names)
    owned = [e for e in alice["playlists"] if e["playlist"]["owner"]["id"] == "alice"]
    assert any(not e["items"] for e in owned)
    foreign = [e["playlist"] for e in alice["playlists"] if e["playlist"]["owner"]["id"] != "alice"]
    assert any(p["collaborative"] for p in foreign)
    assert any(not p["collaborative"] for p in foreign)
    # One track in every non-empty owned playlist, and twice in one of them.
    per_playlist = [
        [i["item"]["id"] for i in e["items"] if i["item"] and i["item"]["id"]]
        for e in owned
        if e["items"]
    ]
    common = set.intersection(*(set(ids) for ids in per_playlist))
    assert common
    assert any(len(ids) != len(set(ids)) for ids in per_playlist)
    assert alice["profile"]["product"] == "premium"
    assert bruno["profile"]["product"] == "free"
    assert alice["player"]["is_playing"] is True
    assert bruno["player"] is None


def test_large_library_has_every_item() -> None:
    # How fast this is, is the benchmark's business (bench/spotify_paging.py generates the
    # same size): a wall-clock bound here would fail on a loaded machine, not on a bug.
    fixture = generate_fixture(saved_tracks=10_000, playlist_items=20_000, seed=2)
    user = fixture["users"][0]
    assert len(user["saved_tracks"]) == 10_000
    assert len(playlist_items(user)) >= 20_000
