"""The play-counting rule: half the item or four minutes of real listening, once."""

from __future__ import annotations

import datetime as dt

from graphql_api.listening.changes import detect_change
from graphql_api.listening.counting import PlayTracker, advance, threshold_ms
from graphql_api.listening.playback import Playback, PlayingItem

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SONG = PlayingItem(uri="spotify:track:a", kind="track", name="A", duration_ms=100_000)
LONG = PlayingItem(uri="spotify:track:l", kind="track", name="L", duration_ms=600_000)
JINGLE = PlayingItem(uri="spotify:track:j", kind="track", name="J", duration_ms=20_000)


def at(seconds: float, item: PlayingItem | None = SONG, progress: int = 0, playing: bool = True):
    return Playback(
        observed_at=T0 + dt.timedelta(seconds=seconds),
        item=item,
        is_playing=playing and item is not None,
        progress_ms=progress,
    )


def run(observations: list[Playback]) -> list[tuple[str, dt.datetime, int]]:
    tracker, previous, recorded = PlayTracker(), None, []
    for current in observations:
        change = detect_change(previous, current)
        tracker, plays = advance(tracker, previous, current, change)
        recorded += [(p.item.uri, p.played_at, p.ms_played) for p in plays]
        previous = current
    return recorded


def test_threshold() -> None:
    assert threshold_ms(100_000) == 50_000
    assert threshold_ms(600_000) == 240_000
    assert threshold_ms(29_999) is None


def test_listening_past_half_records_one_play_at_its_start() -> None:
    polls = [at(s, progress=s * 1000) for s in range(0, 100, 5)]
    plays = run(polls)
    assert len(plays) == 1
    uri, played_at, ms = plays[0]
    assert uri == SONG.uri
    assert played_at == T0
    assert ms >= 50_000


def test_seeking_to_the_end_does_not_count() -> None:
    plays = run([at(0, progress=0), at(5, progress=5_000), at(10, progress=95_000)])
    assert plays == []


def test_a_track_that_ends_between_polls_counts_its_unseen_tail() -> None:
    # Seen at 40s, then the next item at 8s into it 68s later: 60s listened in all.
    plays = run([at(0, progress=0), at(40, progress=40_000), at(108, LONG, progress=8_000)])
    assert [uri for uri, _, _ in plays] == [SONG.uri]


def test_pausing_stops_the_count() -> None:
    polls = [at(0, progress=0), at(20, progress=20_000)]
    polls += [at(20 + s, progress=20_000, playing=False) for s in range(5, 300, 5)]
    assert run(polls) == []


def test_four_minutes_are_enough_for_long_items_and_short_ones_never_count() -> None:
    long_polls = [at(s, LONG, progress=s * 1000) for s in range(0, 250, 5)]
    assert len(run(long_polls)) == 1
    short_polls = [at(s, JINGLE, progress=s * 1000) for s in range(0, 21, 1)]
    assert run(short_polls) == []


def test_playing_the_same_item_twice_in_a_row_is_two_plays() -> None:
    first = [at(s, progress=s * 1000) for s in range(0, 100, 5)]
    second = [at(100 + s, LONG, progress=s * 1000) for s in range(0, 10, 5)]
    third = [at(110 + s, progress=s * 1000) for s in range(0, 100, 5)]
    plays = run(first + second + third)
    assert [uri for uri, _, _ in plays] == [SONG.uri, SONG.uri]
