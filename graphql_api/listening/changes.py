"""Change detection: which differences between two polls are worth telling subscribers.

Progress moves on its own while something plays; clients extrapolate it from
``progressMs`` and ``timestamp``. So only real changes are published: another item,
play/pause, a seek (progress off from what the clock predicts), or playback stopping.
"""

from __future__ import annotations

import enum

from graphql_api.listening.playback import Playback

# Polls are not instantaneous and Spotify's progress is coarse: a jump smaller than
# this is clock noise, not a seek.
SEEK_TOLERANCE_MS = 3000


class Change(enum.StrEnum):
    """What happened between two observations of a user's playback."""

    TRACK_CHANGED = "TRACK_CHANGED"
    RESUMED = "RESUMED"
    PAUSED = "PAUSED"
    SEEKED = "SEEKED"
    STOPPED = "STOPPED"


def elapsed_ms(previous: Playback, current: Playback) -> int:
    """Wall-clock milliseconds between two observations (never negative)."""
    return max(0, int((current.observed_at - previous.observed_at).total_seconds() * 1000))


def expected_progress_ms(previous: Playback, current: Playback) -> int:
    """Where ``previous`` would be at ``current.observed_at`` had nobody touched it."""
    if not previous.is_playing:
        return previous.progress_ms
    progress = previous.progress_ms + elapsed_ms(previous, current)
    duration = previous.item.duration_ms if previous.item else 0
    return min(progress, duration) if duration else progress


def detect_change(
    previous: Playback | None, current: Playback, tolerance_ms: int = SEEK_TOLERANCE_MS
) -> Change | None:
    """The change from ``previous`` to ``current``, or None when nothing real changed."""
    before = previous.item if previous is not None else None
    after = current.item
    if after is None:
        return Change.STOPPED if before is not None else None
    if previous is None or before is None or before.uri != after.uri:
        return Change.TRACK_CHANGED
    if previous.is_playing != current.is_playing:
        return Change.RESUMED if current.is_playing else Change.PAUSED
    drift = abs(current.progress_ms - expected_progress_ms(previous, current))
    return Change.SEEKED if drift > tolerance_ms else None
