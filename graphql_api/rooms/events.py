"""Room events on the pub/sub: one channel per room, carrying the whole state.

The state is the same for every participant, so the process that changed it reads it once
after its commit and publishes it; subscribers only forward it (500 guests cost no reads).
``version`` orders states: a subscriber drops one no newer than the last it sent.
"""

from __future__ import annotations

from typing import Any

Message = dict[str, Any]


def channel(room_id: int) -> str:
    """The pub/sub channel of ``room_id``'s changes."""
    return f"room:{room_id}"


def kicked_message(participant_id: int) -> Message:
    return {"kicked": participant_id}


def kicked_id(message: Message) -> int | None:
    value = message.get("kicked")
    return value if isinstance(value, int) else None


def state_message(state: Message) -> Message:
    return {"state": state}
