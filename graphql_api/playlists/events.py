"""What changed in a playlist, told to its open subscriptions after the commit.

One pub/sub channel per playlist (Redis reaches every API process). A message names the
new version, the kind of change, the entries it touched and who made it. Changes of
members, visibility or the playlist's end make each subscription check its viewer's
access again; one that lost it ends.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from graphql_api.db.uow import UnitOfWork
from graphql_api.events import PubSub


class ChangeKind(enum.StrEnum):
    CURRENT = "CURRENT"  # not published: a subscription's first event, the state it starts at
    CREATED = "CREATED"
    DETAILS_UPDATED = "DETAILS_UPDATED"
    ITEMS_ADDED = "ITEMS_ADDED"
    ITEMS_REMOVED = "ITEMS_REMOVED"
    ITEMS_MOVED = "ITEMS_MOVED"
    MEMBERS_CHANGED = "MEMBERS_CHANGED"
    VISIBILITY_CHANGED = "VISIBILITY_CHANGED"
    DELETED = "DELETED"


# After these, a subscriber checks again whether its viewer may still see the playlist.
ACCESS_CHANGES = frozenset(
    {ChangeKind.MEMBERS_CHANGED, ChangeKind.VISIBILITY_CHANGED, ChangeKind.DELETED}
)


def channel(playlist_id: int) -> str:
    """The pub/sub channel of one playlist's changes."""
    return f"playlists:{playlist_id}"


@dataclass(frozen=True)
class PlaylistEvent:
    playlist_id: int
    version: int
    kind: ChangeKind
    item_ids: tuple[int, ...] = ()
    actor_id: int | None = None

    def message(self) -> dict[str, Any]:
        return {
            "playlistId": self.playlist_id,
            "version": self.version,
            "kind": self.kind.value,
            "itemIds": list(self.item_ids),
            "actorId": self.actor_id,
        }

    @classmethod
    def from_message(cls, message: Mapping[str, Any]) -> PlaylistEvent:
        return cls(
            playlist_id=int(message["playlistId"]),
            version=int(message["version"]),
            kind=ChangeKind(message["kind"]),
            item_ids=tuple(int(i) for i in message.get("itemIds") or ()),
            actor_id=message.get("actorId"),
        )


def publish_after_commit(
    uow: UnitOfWork,
    pubsub: PubSub,
    playlist_id: int,
    version: int,
    kind: ChangeKind,
    *,
    item_ids: Iterable[int] = (),
    actor_id: int | None = None,
) -> None:
    """Tell the playlist's subscribers, once the change is committed (never on rollback)."""
    event = PlaylistEvent(playlist_id, version, kind, tuple(item_ids), actor_id)
    uow.after_commit(partial(pubsub.publish, channel(playlist_id), event.message()))
