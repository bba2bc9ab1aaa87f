"""New releases root fields (``graphql_api/resolvers/releases.py`` does the work)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator

import strawberry

from graphql_api.releases.queries import ReleaseFilter
from graphql_api.resolvers import releases
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.paging import After, First
from graphql_api.schema.types.releases import (
    ArtistWithReleases,
    NewReleaseFilter,
    Release,
    ReleaseConnection,
)


@strawberry.type
class ReleasesQuery:
    @strawberry.field(description="New releases, newest first, from Mixtape's own copy.")  # type: ignore[untyped-decorator]
    async def new_releases(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: NewReleaseFilter | None = None,
    ) -> ReleaseConnection:
        chosen = filter.domain() if filter is not None else ReleaseFilter()
        page = await releases.new_releases(info.context, chosen, first, after)
        return ReleaseConnection.from_page(page)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The artists behind the latest `releaseLimit` releases (1 to 100), "
        "each with theirs, as `GET /api/artists/` answers."
    )
    async def artists_with_new_releases(
        self, info: Info, release_limit: int = 20
    ) -> list[ArtistWithReleases]:
        found = await releases.artists_with_new_releases(info.context, release_limit)
        return [ArtistWithReleases(found=artist) for artist in found]

    @strawberry.field(description="When the last successful release ingest finished.")  # type: ignore[untyped-decorator]
    async def releases_ingested_at(self, info: Info) -> dt.datetime | None:
        return await releases.releases_ingested_at(info.context)


@strawberry.type
class ReleasesMutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="A new, unguessable URL of your release radar's Atom feed; the previous "
        "one stops working."
    )
    async def rotate_release_feed_url(self, info: Info) -> str:
        return await releases.rotate_release_feed_url(info.context)


@strawberry.type
class ReleasesSubscription:
    @strawberry.subscription(  # type: ignore[untyped-decorator]
        description="Each new release by the artists you follow or saved music of, as Mixtape "
        "ingests it."
    )
    async def new_releases(self, info: Info) -> AsyncGenerator[Release, None]:
        async for row, saved in releases.radar_updates(info.context):
            yield Release(row=row, saved=saved)
