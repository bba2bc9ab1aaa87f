"""New releases for GraphQL: check the viewer, read the database (never Spotify)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator

from graphql_api.kit.pagination import Page
from graphql_api.releases import events, feed, queries
from graphql_api.releases.queries import ArtistReleases, ReleaseFilter, ReleaseRow
from graphql_api.resolvers.context import Context


async def new_releases(
    context: Context, chosen: ReleaseFilter, first: int | None, after: str | None
) -> Page[ReleaseRow]:
    """Releases matching ``chosen``, newest first (logged-in viewers)."""
    context.require_viewer()
    chosen.check()
    async with context.read() as session:
        return await queries.new_releases(session, chosen, first, after)


async def artist_releases(
    context: Context, artist_id: int, first: int | None, after: str | None
) -> Page[ReleaseRow]:
    """An artist's releases, newest first (releases are Spotify mirrors: anyone may see
    them, of an artist the viewer may see)."""
    chosen = ReleaseFilter(artist_id=artist_id)
    async with context.read() as session:
        return await queries.new_releases(session, chosen, first, after)


async def artists_with_new_releases(context: Context, release_limit: int) -> list[ArtistReleases]:
    """The artists behind the latest releases (what ``GET /api/artists/`` answers)."""
    context.require_viewer()
    queries.check_release_limit(release_limit)
    async with context.read() as session:
        return await queries.artists_with_new_releases(session, release_limit)


async def releases_ingested_at(context: Context) -> dt.datetime | None:
    """When the last successful ingest finished."""
    context.require_viewer()
    async with context.read() as session:
        return await queries.releases_ingested_at(session)


async def release_radar(
    context: Context, user_id: int, first: int | None, after: str | None
) -> tuple[Page[ReleaseRow], set[int]]:
    """The user's release radar and which of its albums they saved; only the user sees it
    (an empty page for anyone else)."""
    if context.viewer_id != user_id:
        return Page(edges=[], total=0, has_next=False), set()
    async with context.read() as session:
        page = await queries.release_radar(session, user_id, first, after)
        saved = await queries.saved_among(session, user_id, [r.album.id for r in page.nodes])
    return page, saved


async def release_feed_url(context: Context, user_id: int) -> str | None:
    """The user's Atom feed URL (only the user sees it; None before they made one)."""
    if context.viewer_id != user_id:
        return None
    async with context.read() as session:
        return await feed.current_feed_url(session, context.resources.settings, user_id)


async def rotate_release_feed_url(context: Context) -> str:
    """A new Atom feed URL for the viewer; the previous one stops working."""
    viewer_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await feed.rotate_feed(uow.session, context.resources.settings, viewer_id)


async def radar_updates(context: Context) -> AsyncGenerator[tuple[ReleaseRow, bool], None]:
    """Each new release on the viewer's radar as ingests record it, with whether they saved
    its album. No session is held between events."""
    viewer_id = context.require_viewer()
    async for release_ids in events.announced(context.resources.pubsub):
        async with context.read() as session:
            rows = await queries.radar_among(session, viewer_id, release_ids)
            saved = await queries.saved_among(session, viewer_id, [r.album.id for r in rows])
        for row in rows:
            yield row, row.album.id in saved
