"""The polling interval policy."""

from __future__ import annotations

import datetime as dt

from graphql_api.listening.intervals import IntervalPolicy
from graphql_api.listening.playback import Playback, PlayingItem

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SONG = PlayingItem(uri="spotify:track:a", kind="track", name="A", duration_ms=200_000)
POLICY = IntervalPolicy(playing=5, paused=20, idle=60, minimum=1, max_backoff=600)


def test_playing_paused_and_idle() -> None:
    playing = Playback(observed_at=NOW, item=SONG, is_playing=True, progress_ms=10_000)
    paused = Playback(observed_at=NOW, item=SONG, is_playing=False, progress_ms=10_000)
    idle = Playback(observed_at=NOW)
    assert POLICY.after_success(playing) == 5
    assert POLICY.after_success(paused) == 20
    assert POLICY.after_success(idle) == 60


def test_near_the_end_polls_just_after_it() -> None:
    ending = Playback(observed_at=NOW, item=SONG, is_playing=True, progress_ms=197_000)
    assert POLICY.after_success(ending) == 3.5
    ended = Playback(observed_at=NOW, item=SONG, is_playing=True, progress_ms=200_000)
    assert POLICY.after_success(ended) == 1


def test_pressure_stretches_intervals() -> None:
    idle = Playback(observed_at=NOW)
    assert POLICY.after_success(idle, pressure=0.3) == 60
    assert POLICY.after_success(idle, pressure=0.75) > 60
    assert POLICY.after_success(idle, pressure=1.0) == 480


def test_errors_back_off_exponentially_up_to_a_cap_but_respect_retry_after() -> None:
    delays = [POLICY.after_error(n) for n in range(1, 10)]
    assert delays[:3] == [10, 20, 40]
    assert delays == sorted(delays)
    assert delays[-1] == 600
    assert POLICY.after_error(1, retry_after=3600) == 3600
