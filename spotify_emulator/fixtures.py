"""Loading fixtures (raw Spotify objects) into the catalog and user records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from spotify_emulator.catalog import Catalog
from spotify_emulator.objects import JSON
from spotify_emulator.player import Player
from spotify_emulator.state import UserRecord


class FixtureError(ValueError):
    """The fixture is not in the expected shape."""


def read_fixture(path: str | Path) -> JSON:
    """Parse a fixture file (JSON)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise FixtureError("a fixture is a JSON object with a 'users' list")
    return data


def load_fixture(fixture: JSON) -> tuple[Catalog, dict[str, UserRecord]]:
    """Index a whole fixture: every object becomes fetchable by id."""
    catalog = Catalog()
    users: dict[str, UserRecord] = {}
    # Owned playlists first, so a playlist listed by its owner and a follower is
    # indexed from the owner's copy.
    raw_users = fixture.get("users") or []
    if not isinstance(raw_users, list):
        raise FixtureError("'users' must be a list")
    for raw in raw_users:
        _index_owned_playlists(catalog, raw)
    for raw in raw_users:
        user = load_user(catalog, raw)
        users[user.id] = user
    for album in fixture.get("new_releases") or []:
        catalog.add_album(album)
        catalog.new_releases.append(album)
    return catalog, users


def _index_owned_playlists(catalog: Catalog, raw: Any) -> None:
    profile_id = _profile(raw).get("id")
    for entry in raw.get("playlists") or []:
        playlist = entry.get("playlist") or {}
        if (playlist.get("owner") or {}).get("id") == profile_id:
            catalog.add_playlist(playlist, entry.get("items") or [])


def _profile(raw: Any) -> JSON:
    if not isinstance(raw, dict) or not isinstance(raw.get("profile"), dict):
        raise FixtureError("each user needs a 'profile' object")
    profile: JSON = raw["profile"]
    if not isinstance(profile.get("id"), str):
        raise FixtureError("each profile needs an 'id'")
    return profile


def load_user(catalog: Catalog, raw: Any) -> UserRecord:
    """Index one user in the fixture format and build their record."""
    profile = _profile(raw)
    user = UserRecord(profile=profile)
    for saved in raw.get("saved_tracks") or []:
        catalog.add_track(saved["track"])
        user.saved_tracks.append(saved)
    for saved in raw.get("saved_albums") or []:
        catalog.add_album(saved["album"])
        user.saved_albums.append(saved)
    for artist in raw.get("followed_artists") or []:
        catalog.add_artist(artist)
        user.followed_artists[artist["id"]] = artist
    for entry in raw.get("playlists") or []:
        record = catalog.add_playlist(entry["playlist"], entry.get("items") or [])
        user.playlist_ids.append(record.id)
    for played in raw.get("recently_played") or []:
        catalog.add_track(played["track"])
        user.recently_played.append(played)
    user.recently_played.sort(key=lambda p: p["played_at"], reverse=True)
    player = raw.get("player")
    if player:
        catalog.add_content(player.get("item"))
        user.player = Player.from_object(player, user.id)
    return user
