"""The play-counting rule, applied poll by poll.

A play counts once the user has *listened* (progress that advanced no faster than
the clock, so seeks do not count) to half the item or four minutes, whichever comes
first; items shorter than 30 seconds never count. This is Last.fm's scrobbling rule,
well known and independent of how often we poll. A play is recorded once: when it
crosses the threshold, with ``played_at`` = when it started (observed time minus
progress at first sight).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from graphql_api.listening.changes import SEEK_TOLERANCE_MS, Change, elapsed_ms
from graphql_api.listening.playback import Playback, PlayingItem

MIN_DURATION_MS = 30_000
MAX_THRESHOLD_MS = 240_000


def threshold_ms(duration_ms: int) -> int | None:
    """How long an item must be listened to for a play to count (None: it never counts)."""
    if duration_ms < MIN_DURATION_MS:
        return None
    return min(duration_ms // 2, MAX_THRESHOLD_MS)


@dataclass(frozen=True)
class PlayTracker:
    """How much of the current item has been listened to, and whether it was counted."""

    started_at: dt.datetime | None = None
    listened_ms: int = 0
    recorded: bool = False


@dataclass(frozen=True)
class CountedPlay:
    """A play that has just crossed the threshold and must be recorded."""

    item: PlayingItem
    played_at: dt.datetime
    ms_played: int
    context_uri: str | None


def _credit(previous: Playback, current: Playback) -> int:
    """Listening time between two observations of the same item: forward progress that
    fits in the wall-clock time between them."""
    advance = current.progress_ms - previous.progress_ms
    return max(0, min(advance, elapsed_ms(previous, current) + SEEK_TOLERANCE_MS))


def _counted(tracker: PlayTracker, playback: Playback) -> tuple[PlayTracker, CountedPlay | None]:
    item = playback.item
    if item is None or tracker.recorded or tracker.started_at is None:
        return tracker, None
    needed = threshold_ms(item.duration_ms)
    if needed is None or tracker.listened_ms < needed:
        return tracker, None
    play = CountedPlay(
        item=item,
        played_at=tracker.started_at,
        ms_played=tracker.listened_ms,
        context_uri=playback.context_uri,
    )
    return replace(tracker, recorded=True), play


def advance(
    tracker: PlayTracker, previous: Playback | None, current: Playback, change: Change | None
) -> tuple[PlayTracker, list[CountedPlay]]:
    """The tracker after ``current``, and the plays to record now (at most two: the item
    that just ended and, rarely, the new one)."""
    plays: list[CountedPlay] = []
    same_item = (
        previous is not None
        and previous.item is not None
        and current.item is not None
        and previous.item.uri == current.item.uri
    )
    if previous is not None and same_item:
        if change is not Change.SEEKED:
            tracker = replace(tracker, listened_ms=tracker.listened_ms + _credit(previous, current))
        tracker, play = _counted(tracker, current)
        if play:
            plays.append(play)
        return tracker, plays

    # Another item (or nothing): the old one may have played on to its end unseen.
    if previous is not None and previous.item is not None and previous.is_playing:
        unseen = elapsed_ms(previous, current) - (current.progress_ms if current.item else 0)
        tail = max(0, min(unseen, previous.remaining_ms() or 0))
        tracker, play = _counted(replace(tracker, listened_ms=tracker.listened_ms + tail), previous)
        if play:
            plays.append(play)
    if current.item is None:
        return PlayTracker(), plays
    # Progress before the first sighting counts only if it fits since the last poll.
    seen = elapsed_ms(previous, current) if previous is not None else 0
    started = current.observed_at - dt.timedelta(milliseconds=current.progress_ms)
    fresh = PlayTracker(started_at=started, listened_ms=min(current.progress_ms, seen))
    fresh, play = _counted(fresh, current)
    if play:
        plays.append(play)
    return fresh, plays
