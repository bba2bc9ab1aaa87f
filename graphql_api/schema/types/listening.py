"""Listening types of a user: sharing, the items played, the poller's health, plays."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Self

import strawberry
from strawberry.relay import PageInfo

from graphql_api.kit.pagination import Page, connection
from graphql_api.listening.playback import PlayingItem as PlayingItemData
from graphql_api.listening.queries import PlayRecord, PollerHealth


@strawberry.enum(description="Who may see what a user is listening to.")
class NowPlayingSharing(enum.Enum):
    NOBODY = "NOBODY"
    FOLLOWERS = "FOLLOWERS"
    EVERYONE = "EVERYONE"


@strawberry.enum(description="What changed since the previous state.")
class NowPlayingChange(enum.Enum):
    TRACK_CHANGED = "TRACK_CHANGED"
    RESUMED = "RESUMED"
    PAUSED = "PAUSED"
    SEEKED = "SEEKED"
    STOPPED = "STOPPED"


@strawberry.type(description="The track or episode playing (or played).")
class PlayingItem:
    uri: str
    kind: str
    name: str
    duration_ms: int
    spotify_id: str | None
    artist_names: list[str]
    album_name: str | None
    image_url: str | None
    is_local: bool
    explicit: bool

    @classmethod
    def from_data(cls, item: PlayingItemData) -> Self:
        return cls(
            uri=item.uri,
            kind=item.kind,
            name=item.name,
            duration_ms=item.duration_ms,
            spotify_id=item.spotify_id,
            artist_names=list(item.artist_names),
            album_name=item.album_name,
            image_url=item.image_url,
            is_local=item.is_local,
            explicit=item.explicit,
        )


@strawberry.type(description="The health of the viewer's now-playing poller.")
class NowPlayingPoller:
    enabled: bool
    last_poll_at: dt.datetime | None
    last_error: str | None
    last_error_at: dt.datetime | None
    next_poll_at: dt.datetime | None
    stopped_reason: str | None = strawberry.field(
        description=(
            "Why it does not poll: SPOTIFY_NOT_LINKED, SPOTIFY_RELINK_REQUIRED, DISABLED, "
            "ACCOUNT_DISABLED (an operator disabled the account), "
            "POLLING_OFF; null while it runs."
        )
    )

    @classmethod
    def from_health(cls, health: PollerHealth) -> Self:
        return cls(
            enabled=health.enabled,
            last_poll_at=health.last_poll_at,
            last_error=health.last_error,
            last_error_at=health.last_error_at,
            next_poll_at=health.next_poll_at,
            stopped_reason=health.stopped_reason,
        )


@strawberry.type(description="One recorded play.")
class Play:
    played_at: dt.datetime = strawberry.field(description="When the play started.")
    ms_played: int | None
    source: str = strawberry.field(
        description=(
            "poller, history (filled from Spotify's recently played), or import (from the "
            "extended streaming history export)."
        )
    )
    context_uri: str | None
    item: PlayingItem


@strawberry.type
class PlayEdge:
    cursor: str
    node: Play


@strawberry.type
class PlayConnection:
    edges: list[PlayEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: Page[PlayRecord]) -> Self:
        """The connection of a page of recorded plays."""
        return connection(
            cls,
            page,
            lambda cursor, record: PlayEdge(
                cursor=cursor,
                node=Play(
                    played_at=record.play.played_at,
                    ms_played=record.play.ms_played,
                    source=record.play.source,
                    context_uri=record.play.context_uri,
                    item=PlayingItem.from_data(record.item),
                ),
            ),
        )
