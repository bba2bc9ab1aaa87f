"""One user's playback: progress that advances with wall time while playing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from spotify_emulator.objects import JSON

DEFAULT_ACTIONS: JSON = {"disallows": {"resuming": True}}


def default_device(user_id: str) -> JSON:
    """The device a fixture's player runs on when the fixture names none."""
    return {
        "id": f"emulator-device-{user_id}",
        "is_active": True,
        "is_private_session": False,
        "is_restricted": False,
        "name": "Emulator Speaker",
        "type": "Computer",
        "volume_percent": 60,
        "supports_volume": True,
    }


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Player:
    """Playback state. `progress_ms` is stored at `anchor` (monotonic seconds)."""

    item: JSON | None
    device: JSON | None
    context: JSON | None = None
    is_playing: bool = False
    progress_ms: int = 0
    anchor: float = field(default_factory=time.monotonic)
    timestamp: int = field(default_factory=now_ms)
    currently_playing_type: str = "track"
    shuffle_state: bool = False
    repeat_state: str = "off"
    # What the user queued plays before the rest of the context (`upcoming`).
    queue: list[JSON] = field(default_factory=list)
    upcoming: list[JSON] = field(default_factory=list)
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def from_object(cls, obj: JSON, user_id: str) -> Player:
        """A player from a currently-playing (or playback-state) object."""
        item = obj.get("item")
        device = obj["device"] if "device" in obj else default_device(user_id)
        kind = obj.get("currently_playing_type") or (item or {}).get("type") or "unknown"
        return cls(
            item=item,
            device=device,
            context=obj.get("context"),
            is_playing=bool(obj.get("is_playing")),
            progress_ms=int(obj.get("progress_ms") or 0),
            timestamp=int(obj.get("timestamp") or now_ms()),
            currently_playing_type=kind,
            shuffle_state=bool(obj.get("shuffle_state", False)),
            repeat_state=str(obj.get("repeat_state", "off")),
        )

    def progress(self) -> int:
        """Current progress: stored progress plus time played since, capped at the end."""
        progress = self.progress_ms
        if self.is_playing:
            progress += int((self.clock() - self.anchor) * 1000)
        duration = (self.item or {}).get("duration_ms")
        return min(progress, int(duration)) if duration is not None else progress

    def finished(self) -> bool:
        duration = (self.item or {}).get("duration_ms")
        return self.is_playing and duration is not None and self.progress() >= duration

    def next_item(self) -> JSON | None:
        """Take the next item to play: the user's queue first, then the context."""
        if self.queue:
            return self.queue.pop(0)
        if self.upcoming:
            return self.upcoming.pop(0)
        return None

    def _mark(self, progress_ms: int) -> None:
        self.progress_ms = progress_ms
        self.anchor = self.clock()
        self.timestamp = now_ms()

    def pause(self) -> None:
        self._mark(self.progress())
        self.is_playing = False

    def resume(self) -> None:
        self._mark(self.progress())
        self.is_playing = True

    def start(self, item: JSON, context: JSON | None, position_ms: int = 0) -> None:
        """Play `item` from `position_ms` in `context`."""
        self.item = item
        self.context = context
        self.currently_playing_type = str(item.get("type", "track"))
        self.is_playing = True
        self._mark(position_ms)

    def _actions(self) -> JSON:
        return {"disallows": {"pausing": True}} if not self.is_playing else DEFAULT_ACTIONS

    def currently_playing(self) -> JSON:
        """`GET /me/player/currently-playing` body."""
        return {
            "context": self.context,
            "timestamp": self.timestamp,
            "progress_ms": self.progress() if self.item is not None else None,
            "is_playing": self.is_playing,
            "item": self.item,
            "currently_playing_type": self.currently_playing_type,
            "actions": self._actions(),
        }

    def playback_state(self) -> JSON:
        """`GET /me/player` body: currently-playing plus device, shuffle and repeat."""
        return {
            "device": self.device,
            "shuffle_state": self.shuffle_state,
            # Not in the OpenAPI file; Spotify sends it and strict clients (tekore) need it.
            "smart_shuffle": False,
            "repeat_state": self.repeat_state,
            **self.currently_playing(),
        }


def play_history_entry(track: JSON, context: JSON | None, played_at_ms: int) -> dict[str, Any]:
    """A recently-played entry for `track`, finished at `played_at_ms`."""
    played_at = datetime.fromtimestamp(played_at_ms / 1000, UTC)
    return {
        "track": track,
        "played_at": played_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "context": context,
    }
