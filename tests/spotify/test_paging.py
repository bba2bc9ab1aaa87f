"""Paging against the emulator: offset pages concurrently and in order; cursor pages."""

from __future__ import annotations

from typing import Any

import pytest

from graphql_api.resources import Resources
from graphql_api.spotify.errors import SpotifyApiError
from graphql_api.spotify.objects import (
    parse_many,
    parse_play,
    parse_playlist,
    parse_playlist_entry,
    parse_saved_album,
    parse_saved_track,
)
from graphql_api.spotify.paging import fetch_cursor_pages, fetch_offset_pages
from spotify_emulator.generator import generate_fixture
from spotify_emulator.testing import EmulatorHandle
from tests.support.spotify import linked_user

# The emulator tests need a linked user, but not every database backend for that.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@sqlite_only
async def test_offset_pages_come_back_complete_and_in_order(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    fixture = generate_fixture(users=1, saved_tracks=237, playlists=2, seed=5)
    await emulator.set_library("alice", fixture["users"][0])
    client = spotify_resources.spotify.client_for(
        await linked_user(spotify_resources, emulator, "alice")
    )
    seen: list[tuple[int, int]] = []
    await emulator.reset_stats()
    raw = await fetch_offset_pages(
        client, "/me/tracks", page_size=20, concurrency=4, progress=lambda d, t: seen.append((d, t))
    )
    expected = [entry["track"]["uri"] for entry in fixture["users"][0]["saved_tracks"]]
    assert [entry["track"]["uri"] for entry in raw] == expected
    assert (await emulator.stats())["endpoints"]["GET /v1/me/tracks"] == 12  # ceil(237 / 20)
    assert seen[-1] == (237, 237)
    parsed = parse_many(raw, parse_saved_track)
    assert len(parsed.items) + parsed.skipped == 237


@sqlite_only
async def test_playlist_quirks_never_crash(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    client = spotify_resources.spotify.client_for(
        await linked_user(spotify_resources, emulator, "alice")
    )
    playlists = parse_many(await fetch_offset_pages(client, "/me/playlists"), parse_playlist)
    assert playlists.items
    assert playlists.skipped == 0
    entries = []
    for playlist in playlists.items:
        raw = await fetch_offset_pages(client, f"/playlists/{playlist.id}/items", concurrency=2)
        parsed = parse_many(raw, parse_playlist_entry)
        assert parsed.skipped == 0  # kept as entries, even when their content is gone
        entries.extend(parsed.items)
    kinds = {e.item.kind if e.item else None for e in entries}
    # The generator plants removed items, local files and episodes in playlists.
    assert {None, "local", "episode", "track"} <= kinds
    local = next(e.item for e in entries if e.item and e.item.kind == "local")
    assert local.id is None
    assert local.uri.startswith("spotify:local:")


@sqlite_only
async def test_cursor_pages_follow_next(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    fixture = generate_fixture(users=1, followed_artists=23, seed=2)
    await emulator.set_library("alice", fixture["users"][0])
    client = spotify_resources.spotify.client_for(
        await linked_user(spotify_resources, emulator, "alice")
    )
    await emulator.reset_stats()
    artists = await fetch_cursor_pages(
        client, "/me/following", {"type": "artist"}, page_size=5, wrapper="artists"
    )
    # Five pages of at most five: the client followed `next` to the end, and no further.
    assert (await emulator.stats())["endpoints"]["GET /v1/me/following"] == 5
    ids = [a["id"] for a in artists]
    assert len(ids) == len(set(ids))  # the emulator serves its own cursor order
    assert set(ids) == {a["id"] for a in fixture["users"][0]["followed_artists"]}
    history = await fetch_cursor_pages(client, "/me/player/recently-played", page_size=7)
    plays = parse_many(history, parse_play)
    assert len(plays.items) == len(fixture["users"][0]["recently_played"])
    times = [p.played_at for p in plays.items]
    assert times == sorted(times, reverse=True)


@sqlite_only
async def test_saved_albums_parse(spotify_resources: Resources, emulator: EmulatorHandle) -> None:
    fixture = generate_fixture(users=1, saved_albums=27, seed=4)
    await emulator.set_library("alice", fixture["users"][0])
    client = spotify_resources.spotify.client_for(
        await linked_user(spotify_resources, emulator, "alice")
    )
    albums = parse_many(
        await fetch_offset_pages(client, "/me/albums", page_size=10), parse_saved_album
    )
    assert albums.skipped == 0
    expected = [entry["album"]["id"] for entry in fixture["users"][0]["saved_albums"]]
    assert [a.item.id for a in albums.items] == expected
    assert all(a.added_at is not None for a in albums.items)
    assert {a.item.release_date_precision for a in albums.items} <= {"year", "month", "day"}


class EndlessCursor:
    """A collection whose ``next`` never runs out (a cursor loop on Spotify's side)."""

    def __init__(self) -> None:
        self.calls = 0

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        self.calls += 1
        return {"items": [{"n": self.calls}], "next": f"{path}?after={self.calls}"}


async def test_an_endless_cursor_fails_instead_of_truncating() -> None:
    endless = EndlessCursor()
    with pytest.raises(SpotifyApiError, match="after 3 pages"):
        await fetch_cursor_pages(endless, "/me/following", max_pages=3)
    assert endless.calls == 3
