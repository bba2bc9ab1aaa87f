"""Now playing, listening history and poller health types."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.listening.playback import Playback
from graphql_api.listening.playback import PlayingItem as PlayingItemData
from graphql_api.listening.queries import Page, PlayRecord, PollerHealth
from graphql_api.schema.info import Info

if TYPE_CHECKING:
    from graphql_api.schema.types.user import User

UserRef = Annotated["User", strawberry.lazy("graphql_api.schema.types.user")]


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


@strawberry.type(
    description=(
        "What a user plays. Progress was `progressMs` at `timestamp` (epoch milliseconds); "
        "while `isPlaying`, clients extrapolate: progressMs + (now - timestamp)."
    )
)
class NowPlaying:
    user_id: strawberry.Private[int]
    user_row: strawberry.Private[models.User]
    item: PlayingItem | None
    is_playing: bool
    progress_ms: int
    timestamp: float | None
    observed_at: dt.datetime | None
    context_uri: str | None
    device: strawberry.Private[str | None]
    change: NowPlayingChange | None

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "The name of the device playing (often a person's name): only the user "
            "themselves sees it, null for everyone else."
        )
    )
    def device_name(self, info: Info) -> str | None:
        return self.device if info.context.viewer_id == self.user_id else None

    @strawberry.field(description="Whose playback this is.")  # type: ignore[untyped-decorator]
    async def user(self, info: Info) -> UserRef:
        from graphql_api.schema.types.user import User

        # Through the loader, not the row the stream started with: each event of a
        # subscription shows the user as they are now.
        row = await info.context.loaders.user.load(self.user_id)
        return User.from_row(row if row is not None else self.user_row)

    @classmethod
    def of(cls, user: models.User, playback: Playback | None, change: str | None = None) -> Self:
        if playback is None:
            return cls(
                user_id=user.id,
                user_row=user,
                item=None,
                is_playing=False,
                progress_ms=0,
                timestamp=None,
                observed_at=None,
                context_uri=None,
                device=None,
                change=None,
            )
        return cls(
            user_id=user.id,
            user_row=user,
            item=PlayingItem.from_data(playback.item) if playback.item else None,
            is_playing=playback.is_playing,
            progress_ms=playback.progress_ms,
            timestamp=playback.observed_at.timestamp() * 1000,
            observed_at=playback.observed_at,
            context_uri=playback.context_uri,
            device=playback.device_name,
            change=NowPlayingChange(change) if change else None,
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
    source: str = strawberry.field(description="poller, or history (filled from Spotify).")
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
        edges = [
            PlayEdge(
                cursor=cursor,
                node=Play(
                    played_at=record.play.played_at,
                    ms_played=record.play.ms_played,
                    source=record.play.source,
                    context_uri=record.play.context_uri,
                    item=PlayingItem.from_data(record.item),
                ),
            )
            for cursor, record in page.nodes
        ]
        return cls(edges=edges, page_info=_page_info(page), total_count=page.total)


@strawberry.type
class NowPlayingEdge:
    cursor: str
    node: NowPlaying


@strawberry.type
class NowPlayingConnection:
    edges: list[NowPlayingEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_edges(cls, edges: list[NowPlayingEdge], page: Page[object]) -> Self:
        return cls(edges=edges, page_info=_page_info(page), total_count=page.total)


def _page_info(page: Page[object] | Page[PlayRecord]) -> PageInfo:
    return PageInfo(
        has_next_page=page.has_next,
        has_previous_page=False,
        start_cursor=page.nodes[0][0] if page.nodes else None,
        end_cursor=page.nodes[-1][0] if page.nodes else None,
    )
