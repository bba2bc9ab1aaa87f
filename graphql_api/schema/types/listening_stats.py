"""ListeningStats: a user's listening statistics over a range, in their timezone."""

from __future__ import annotations

import datetime as dt
import enum
from functools import partial

import strawberry

from graphql_api.resolvers.history_stats import StatsReader, stats
from graphql_api.schema.types.albums import Album
from graphql_api.schema.types.artists import Artist
from graphql_api.schema.types.genres import Genre
from graphql_api.schema.types.songs import Song

TOP_DESCRIPTION = "The most played, most plays first (then most time); `first` is 0 to 100."


@strawberry.input(description="A time range, `[since, until)`; either end may be left open.")
class ListeningStatsRange:
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@strawberry.enum
class StatsPeriodUnit(enum.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@strawberry.type
class TopSong:
    song: Song
    plays: int
    ms_played: float


@strawberry.type
class TopArtist:
    artist: Artist
    plays: int
    ms_played: float


@strawberry.type
class TopAlbum:
    album: Album
    plays: int
    ms_played: float


@strawberry.type
class TopGenre:
    genre: Genre
    plays: int
    ms_played: float


@strawberry.type(description="Plays in one local hour (0-23) of one ISO weekday (1 = Monday).")
class HeatmapCell:
    weekday: int
    hour: int
    plays: int


@strawberry.type(description="Plays in one local day, ISO week (by its Monday) or month (its 1st).")
class ListeningPeriod:
    start: dt.date
    plays: int
    ms_played: float


@strawberry.type(description="Runs of consecutive local days with at least one play.")
class ListeningStreaks:
    longest_days: int
    longest_start: dt.date | None
    longest_end: dt.date | None
    current_days: int = strawberry.field(
        description="The run that ends today or yesterday (0 when none does)."
    )


@strawberry.type
class ArtistDiscovery:
    artist: Artist
    first_played_at: dt.datetime


@strawberry.type(description="Artists first played (ever) within the range, earliest first.")
class ArtistDiscoveries:
    total_count: int
    items: list[ArtistDiscovery]


@strawberry.type(
    description=(
        "Listening statistics over counted plays (the play-counting rule of docs/history.md). "
        "Local times are in `timezone`, daylight saving included."
    )
)
class ListeningStats:
    reader: strawberry.Private[StatsReader]

    @strawberry.field
    def since(self) -> dt.datetime:
        return self.reader.scope.since

    @strawberry.field
    def until(self) -> dt.datetime:
        return self.reader.scope.until

    @strawberry.field
    def timezone(self) -> str:
        return self.reader.scope.local.zone.key

    async def _totals(self) -> stats.Totals:
        return await self.reader.read("totals", partial(stats.totals, scope=self.reader.scope))

    @strawberry.field(description="Counted plays.")  # type: ignore[untyped-decorator]
    async def plays(self) -> int:
        return (await self._totals()).plays

    @strawberry.field(description="Time played, in milliseconds.")  # type: ignore[untyped-decorator]
    async def ms_played(self) -> float:
        return float((await self._totals()).ms_played)

    @strawberry.field(description="Starts that did not reach the counting rule (imports only).")  # type: ignore[untyped-decorator]
    async def skips(self) -> int:
        return (await self._totals()).skips

    @strawberry.field(description="skips / (plays + skips); null without either.")  # type: ignore[untyped-decorator]
    async def skip_rate(self) -> float | None:
        return (await self._totals()).skip_rate

    @strawberry.field(description=TOP_DESCRIPTION)  # type: ignore[untyped-decorator]
    async def top_songs(self, first: int = 10) -> list[TopSong]:
        ranked = await self.reader.read(
            ("songs", first), partial(stats.top_songs, scope=self.reader.scope, first=first)
        )
        return [
            TopSong(song=Song.from_row(r.row), plays=r.plays, ms_played=r.ms_played) for r in ranked
        ]

    @strawberry.field(description=TOP_DESCRIPTION + " A song counts for each of its performers.")  # type: ignore[untyped-decorator]
    async def top_artists(self, first: int = 10) -> list[TopArtist]:
        ranked = await self.reader.read(
            ("artists", first), partial(stats.top_artists, scope=self.reader.scope, first=first)
        )
        return [
            TopArtist(artist=Artist.from_row(r.row), plays=r.plays, ms_played=r.ms_played)
            for r in ranked
        ]

    @strawberry.field(description=TOP_DESCRIPTION)  # type: ignore[untyped-decorator]
    async def top_albums(self, first: int = 10) -> list[TopAlbum]:
        ranked = await self.reader.read(
            ("albums", first), partial(stats.top_albums, scope=self.reader.scope, first=first)
        )
        return [
            TopAlbum(album=Album.from_row(r.row), plays=r.plays, ms_played=r.ms_played)
            for r in ranked
        ]

    @strawberry.field(description=TOP_DESCRIPTION + " By the genres of the songs' performers.")  # type: ignore[untyped-decorator]
    async def top_genres(self, first: int = 10) -> list[TopGenre]:
        ranked = await self.reader.read(
            ("genres", first), partial(stats.top_genres, scope=self.reader.scope, first=first)
        )
        return [
            TopGenre(genre=Genre.from_row(r.row), plays=r.plays, ms_played=r.ms_played)
            for r in ranked
        ]

    @strawberry.field(
        description="Plays by local weekday and hour; cells without plays are left out."
    )  # type: ignore[untyped-decorator]
    async def heatmap(self) -> list[HeatmapCell]:
        cells = await self.reader.read("heatmap", partial(stats.heatmap, scope=self.reader.scope))
        return [HeatmapCell(weekday=c.weekday, hour=c.hour, plays=c.plays) for c in cells]

    @strawberry.field(
        description="Plays per local day, week or month; periods without plays are left out."
    )  # type: ignore[untyped-decorator]
    async def periods(self, unit: StatsPeriodUnit) -> list[ListeningPeriod]:
        found = await self.reader.read(
            ("periods", unit.value),
            partial(stats.periods, scope=self.reader.scope, unit=unit.value),
        )
        return [ListeningPeriod(start=p.start, plays=p.plays, ms_played=p.ms_played) for p in found]

    @strawberry.field
    async def streaks(self) -> ListeningStreaks:
        found = await self.reader.read(
            "streaks", partial(stats.streaks, scope=self.reader.scope, today=self.reader.today())
        )
        return ListeningStreaks(
            longest_days=found.longest_days,
            longest_start=found.longest_start,
            longest_end=found.longest_end,
            current_days=found.current_days,
        )

    @strawberry.field(description="Artists whose first play ever lies in the range.")  # type: ignore[untyped-decorator]
    async def discoveries(self, first: int = 10) -> ArtistDiscoveries:
        items, total = await self.reader.read(
            ("discoveries", first),
            partial(stats.discoveries, scope=self.reader.scope, first=first),
        )
        return ArtistDiscoveries(
            total_count=total,
            items=[
                ArtistDiscovery(artist=Artist.from_row(d.artist), first_played_at=d.first_played_at)
                for d in items
            ],
        )
