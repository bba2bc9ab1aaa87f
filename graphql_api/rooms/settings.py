"""A room's settings, checked, and the number of votes that skips a track."""

from __future__ import annotations

import math
from dataclasses import dataclass

from graphql_api.db.models import Room
from graphql_api.errors import BadUserInput

MAX_VOTES_TO_SKIP = 1000
MAX_QUEUED_PER_GUEST = 100


@dataclass(frozen=True)
class RoomSettings:
    """Either ``votes_to_skip`` (an absolute number) or ``skip_share`` (a share of the guests
    present, 0 < share <= 1); the other is None. Default: half of the guests present."""

    votes_to_skip: int | None = None
    skip_share: float | None = 0.5
    guest_can_pause: bool = False
    guest_can_queue: bool = True
    max_queued_per_guest: int = 3

    def checked(self) -> RoomSettings:
        """These settings, or BAD_USER_INPUT naming what is wrong."""
        if (self.votes_to_skip is None) == (self.skip_share is None):
            raise BadUserInput(
                "Give exactly one of votesToSkip and skipShare.", argument="settings"
            )
        if self.votes_to_skip is not None and not 1 <= self.votes_to_skip <= MAX_VOTES_TO_SKIP:
            raise BadUserInput(
                f"votesToSkip must be between 1 and {MAX_VOTES_TO_SKIP}.", argument="votesToSkip"
            )
        if self.skip_share is not None and not (
            math.isfinite(self.skip_share) and 0 < self.skip_share <= 1
        ):
            raise BadUserInput("skipShare must be above 0 and at most 1.", argument="skipShare")
        if not 0 <= self.max_queued_per_guest <= MAX_QUEUED_PER_GUEST:
            raise BadUserInput(
                f"maxQueuedPerGuest must be between 0 and {MAX_QUEUED_PER_GUEST}.",
                argument="maxQueuedPerGuest",
            )
        return self

    def apply(self, room: Room) -> None:
        room.votes_to_skip = self.votes_to_skip
        room.skip_share = self.skip_share
        room.guest_can_pause = self.guest_can_pause
        room.guest_can_queue = self.guest_can_queue
        room.max_queued_per_guest = self.max_queued_per_guest

    @classmethod
    def of(cls, room: Room) -> RoomSettings:
        return cls(
            votes_to_skip=room.votes_to_skip,
            skip_share=room.skip_share,
            guest_can_pause=room.guest_can_pause,
            guest_can_queue=room.guest_can_queue,
            max_queued_per_guest=room.max_queued_per_guest,
        )


def skip_threshold(votes_to_skip: int | None, skip_share: float | None, present: int) -> int:
    """Votes that skip the track: the absolute number, or the share of the guests present
    rounded up (at least one vote, also when nobody is present)."""
    if votes_to_skip is not None:
        return votes_to_skip
    share = skip_share if skip_share is not None else 0.5
    # A little below the share's exact product is still the share (0.1 * 30 is 3.0000000000000004).
    return max(1, math.ceil(share * present - 1e-9))
