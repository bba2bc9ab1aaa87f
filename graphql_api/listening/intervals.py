"""When to poll a user next: often while playing, rarely while idle, slower under pressure."""

from __future__ import annotations

from dataclasses import dataclass

from graphql_api.listening.playback import Playback

# Poll a little after the item should end, so the next one has started.
END_OF_ITEM_MARGIN_S = 0.5
# Above this share of the request budget in use, intervals stretch (up to MAX_STRETCH).
PRESSURE_KNEE = 0.5
MAX_STRETCH = 8.0


@dataclass(frozen=True)
class IntervalPolicy:
    """Polling intervals in seconds (from settings; tests make them small)."""

    playing: float = 5.0
    paused: float = 20.0
    idle: float = 60.0
    minimum: float = 1.0
    max_backoff: float = 600.0

    def stretch(self, pressure: float) -> float:
        """How much to slow down when ``pressure`` (0..1) of the app-wide budget is in use."""
        if pressure <= PRESSURE_KNEE:
            return 1.0
        share = min(1.0, (pressure - PRESSURE_KNEE) / (1.0 - PRESSURE_KNEE))
        return 1.0 + (MAX_STRETCH - 1.0) * share

    def after_success(self, playback: Playback, pressure: float = 0.0) -> float:
        """Seconds until the next poll after a successful one."""
        if playback.active:
            delay = self.playing
            remaining = playback.remaining_ms()
            if remaining is not None and remaining / 1000 < delay:
                # Near the end of an item: look again just after it ends.
                delay = remaining / 1000 + END_OF_ITEM_MARGIN_S
        elif playback.item is not None:
            delay = self.paused
        else:
            delay = self.idle
        delay *= self.stretch(pressure)
        return max(self.minimum, min(delay, self.max_backoff))

    def after_error(self, consecutive_errors: int, retry_after: float | None = None) -> float:
        """Seconds until the next poll after the ``consecutive_errors``-th failure in a row:
        exponential from the playing interval, capped, but never before ``retry_after``."""
        exponent = min(max(consecutive_errors, 1), 30)
        delay = min(self.max_backoff, self.playing * float(2**exponent))
        if retry_after is not None:
            delay = max(delay, retry_after)
        return max(self.minimum, delay)
