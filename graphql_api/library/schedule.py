"""Scheduled snapshots: users who asked for daily or weekly saves get them.

``snapshot_schedules`` runs as a cron job (arq's in production, the in-process
scheduler on the embedded default). It is safe to run anywhere and often: it only
requests snapshots for users whose last one is older than their interval, and
``request_snapshot`` never starts a second one for a user.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import func, or_, select

from graphql_api.db.base import utcnow
from graphql_api.db.models import LibrarySnapshot, SnapshotSchedule, SpotifyAccount, User
from graphql_api.db.uow import unit_of_work
from graphql_api.jobs.base import JobContext
from graphql_api.library.snapshots import request_snapshot
from graphql_api.resources import Resources, resources_of

log = logging.getLogger(__name__)

INTERVALS = {
    SnapshotSchedule.DAILY: dt.timedelta(days=1),
    SnapshotSchedule.WEEKLY: dt.timedelta(days=7),
}
# Saving takes a while: a snapshot started a little before the interval is up counts.
SLACK = dt.timedelta(minutes=30)


async def due_users(resources: Resources, now: dt.datetime) -> list[int]:
    """Users whose schedule says a snapshot is due (linked to Spotify, not needing relink)."""
    last = (
        select(LibrarySnapshot.user_id, func.max(LibrarySnapshot.created_at).label("at"))
        .group_by(LibrarySnapshot.user_id)
        .subquery()
    )
    conditions = [
        (User.snapshot_schedule == schedule)
        & or_(last.c.at.is_(None), last.c.at <= now - interval + SLACK)
        for schedule, interval in INTERVALS.items()
    ]
    statement = (
        select(User.id)
        .join(SpotifyAccount, SpotifyAccount.user_id == User.id)
        .outerjoin(last, last.c.user_id == User.id)
        .where(SpotifyAccount.needs_relink.is_(False), or_(*conditions))
        .order_by(User.id)
    )
    async with resources.sessionmaker() as session:
        return list(await session.scalars(statement))


async def snapshot_schedules(ctx: JobContext) -> int:
    """Cron job: request the snapshots that schedules make due; returns how many."""
    resources = resources_of(ctx)
    users = await due_users(resources, utcnow())
    for user_id in users:
        async with unit_of_work(resources.sessionmaker) as uow:
            await request_snapshot(uow, resources.queue, user_id, trigger="schedule")
    if users:
        log.info("requested %d scheduled library snapshots", len(users))
    return len(users)
