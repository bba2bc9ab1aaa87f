"""What a generated fixture should become once snapshotted, computed from the fixture alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Expected:
    saved_tracks: int
    saved_albums: int
    followed_artists: int
    playlists: int
    readable_items: dict[str, int]
    unreadable: set[str]


def expected_of(user: dict[str, Any]) -> Expected:
    """Counts a snapshot of ``user`` (a fixture user) must report."""
    me = user["profile"]["id"]
    readable: dict[str, int] = {}
    unreadable: set[str] = set()
    for entry in user["playlists"]:
        playlist = entry["playlist"]
        if playlist["owner"]["id"] == me or playlist.get("collaborative"):
            readable[playlist["id"]] = len(entry["items"])
        else:
            unreadable.add(playlist["id"])
    return Expected(
        saved_tracks=len({s["track"]["uri"] for s in user["saved_tracks"]}),
        saved_albums=len({s["album"]["id"] for s in user["saved_albums"]}),
        followed_artists=len({a["id"] for a in user["followed_artists"]}),
        playlists=len(user["playlists"]),
        readable_items=readable,
        unreadable=unreadable,
    )
