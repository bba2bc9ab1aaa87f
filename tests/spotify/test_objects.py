"""Parsing Spotify's odd shapes: nothing crashes, and what cannot be used is counted."""

from __future__ import annotations

from typing import Any

from graphql_api.spotify.objects import (
    parse_many,
    parse_play,
    parse_player,
    parse_playlist,
    parse_playlist_entry,
    parse_saved_track,
)

TRACK: dict[str, Any] = {
    "type": "track",
    "id": "t1",
    "uri": "spotify:track:t1",
    "name": "Song",
    "duration_ms": 1000,
    "external_ids": {"isrc": "SE123"},
    "album": {
        "id": "a1",
        "name": "Album",
        "release_date": "1999",
        "release_date_precision": "year",
        "images": [],
        "artists": [{"id": "r1", "name": "Artist"}],
    },
    "artists": [{"id": "r1", "name": "Artist"}, None, {"name": None}],
}
LOCAL = {
    "type": "track",
    "id": None,
    "uri": "spotify:local:Artist:Album:Song:200",
    "name": "Song",
    "is_local": True,
    "album": {"id": None, "name": "Album"},
    "artists": [{"id": None, "name": "Artist"}],
}
EPISODE = {"type": "episode", "id": "e1", "uri": "spotify:episode:e1", "name": "Ep", "show": {}}


def test_saved_tracks_skip_what_cannot_be_used() -> None:
    raw = [
        {"added_at": "2026-01-01T00:00:00Z", "track": TRACK},
        None,
        {"added_at": "nonsense", "track": None},
        {"track": {"type": "ad"}},
        "garbage",
        {"added_at": "2026-01-02T00:00:00Z", "track": LOCAL},
    ]
    parsed = parse_many(raw, parse_saved_track)
    assert parsed.skipped == 4
    first, local = parsed.items
    assert first.item.isrc == "SE123"
    assert first.item.album is not None
    assert first.item.album.release_date_precision == "year"
    assert [a.name for a in first.item.artists] == ["Artist"]
    assert (local.item.kind, local.item.id, local.added_at is not None) == ("local", None, True)


def test_playlist_entries_new_and_legacy_fields() -> None:
    raw = [
        {"added_at": "2026-01-01T00:00:00Z", "item": TRACK, "track": TRACK},
        {"track": EPISODE},  # before the Feb 2026 rename
        {"item": None, "track": None},  # removed content: kept as a hole
        {"is_local": True, "item": LOCAL},
        None,
    ]
    parsed = parse_many(raw, parse_playlist_entry)
    assert parsed.skipped == 1
    kinds = [e.item.kind if e.item else None for e in parsed.items]
    assert kinds == ["track", "episode", None, "local"]


def test_playlist_player_and_history_shapes() -> None:
    playlist = parse_playlist({"id": "p", "name": "P", "tracks": {"total": 3}, "owner": None})
    assert playlist is not None
    assert playlist.items_total == 3
    assert parse_playlist({"name": "no id"}) is None
    assert parse_player(None) is None  # 204: nothing playing
    ad = parse_player({"is_playing": True, "currently_playing_type": "ad", "item": None})
    assert ad is not None
    assert (ad.item_type, ad.item) == ("ad", None)
    assert parse_play({"played_at": "2026-01-01T00:00:00.123Z", "track": TRACK}) is not None
    assert parse_play({"played_at": None, "track": TRACK}) is None
