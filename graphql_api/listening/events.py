"""Now-playing events on the pub/sub: one channel per user, one message per real change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graphql_api.listening.changes import Change
from graphql_api.listening.playback import Playback, PlayingItem

Json = dict[str, Any]


def channel(user_id: int) -> str:
    """The pub/sub channel of ``user_id``'s now-playing changes."""
    return f"now_playing:{user_id}"


ACCESS_CHANGED: Json = {"accessChanged": True}


def is_access_change(message: Json) -> bool:
    """Whether ``message`` says who may see the channel changed (not a playback)."""
    return bool(message.get("accessChanged"))


@dataclass(frozen=True)
class NowPlayingEvent:
    """A user's playback as subscribers see it, and the change that produced it."""

    user_id: int
    playback: Playback
    change: Change | None = None

    def as_message(self) -> Json:
        playback = self.playback
        return {
            "userId": self.user_id,
            "change": self.change.value if self.change else None,
            "observedAt": playback.observed_at.isoformat(),
            "item": playback.item.as_json() if playback.item else None,
            "isPlaying": playback.is_playing,
            "progressMs": playback.progress_ms,
            "contextUri": playback.context_uri,
            "deviceName": playback.device_name,
        }

    @classmethod
    def from_message(cls, message: Json) -> NowPlayingEvent:
        item = message.get("item")
        playback = Playback(
            observed_at=dt.datetime.fromisoformat(str(message["observedAt"])),
            item=PlayingItem.from_json(item) if item else None,
            is_playing=bool(message.get("isPlaying")),
            progress_ms=int(message.get("progressMs") or 0),
            context_uri=message.get("contextUri"),
            device_name=message.get("deviceName"),
        )
        change = message.get("change")
        return cls(
            user_id=int(message["userId"]),
            playback=playback,
            change=Change(change) if change else None,
        )
