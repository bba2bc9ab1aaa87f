"""Change detection between two polls."""

from __future__ import annotations

import datetime as dt

from graphql_api.listening.changes import Change, detect_change
from graphql_api.listening.playback import Playback, PlayingItem

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SONG = PlayingItem(uri="spotify:track:a", kind="track", name="A", duration_ms=200_000)
OTHER = PlayingItem(uri="spotify:track:b", kind="track", name="B", duration_ms=200_000)


def at(seconds: float, item: PlayingItem | None = SONG, *, playing: bool = True, progress: int = 0):
    return Playback(
        observed_at=T0 + dt.timedelta(seconds=seconds),
        item=item,
        is_playing=playing and item is not None,
        progress_ms=progress,
    )


def test_progress_that_follows_the_clock_is_no_change() -> None:
    assert detect_change(at(0, progress=10_000), at(5, progress=15_000)) is None
    assert detect_change(at(0, progress=10_000), at(5, progress=16_500)) is None


def test_a_jump_is_a_seek_both_ways() -> None:
    assert detect_change(at(0, progress=10_000), at(5, progress=90_000)) is Change.SEEKED
    assert detect_change(at(0, progress=60_000), at(5, progress=1_000)) is Change.SEEKED
    paused = detect_change(
        at(0, playing=False, progress=10_000), at(5, playing=False, progress=50_000)
    )
    assert paused is Change.SEEKED


def test_pause_and_resume() -> None:
    assert detect_change(at(0, progress=10_000), at(5, playing=False, progress=12_000)) is (
        Change.PAUSED
    )
    assert detect_change(at(0, playing=False, progress=12_000), at(5, progress=13_000)) is (
        Change.RESUMED
    )
    still_paused = detect_change(
        at(0, playing=False, progress=12_000), at(60, playing=False, progress=12_000)
    )
    assert still_paused is None


def test_track_changes_and_stops() -> None:
    assert detect_change(at(0), at(5, OTHER)) is Change.TRACK_CHANGED
    assert detect_change(None, at(5)) is Change.TRACK_CHANGED
    assert detect_change(at(0, None), at(5)) is Change.TRACK_CHANGED
    assert detect_change(at(0), at(5, None)) is Change.STOPPED
    assert detect_change(at(0, None), at(5, None)) is None
    assert detect_change(None, at(5, None)) is None


def test_progress_capped_at_the_end_is_no_seek() -> None:
    # Sitting at the end of the item (the player stopped there): not a seek.
    assert detect_change(at(0, progress=199_000), at(30, progress=200_000)) is None
