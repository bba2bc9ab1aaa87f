"""Parsing Spotify's /me/player into the playback Mixtape keeps."""

from __future__ import annotations

import datetime as dt

from graphql_api.listening.playback import parse_currently_playing
from tests.listening.conftest import playing, track

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_the_device_name_is_read_from_the_players_device() -> None:
    body = {**playing(track(1)), "device": {"name": "Kitchen", "is_private_session": False}}
    playback = parse_currently_playing(body, NOW)
    assert playback.device_name == "Kitchen"
    assert playback.item is not None


def test_a_private_session_is_nothing_playing() -> None:
    body = {**playing(track(1)), "device": {"name": "Kitchen", "is_private_session": True}}
    playback = parse_currently_playing(body, NOW)
    assert playback.item is None
    assert playback.device_name is None
    assert not playback.is_playing
