"""``mixtape export``: write a snapshot's zip to a file, with a progress bar."""

from __future__ import annotations

import os
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import from_base64

from graphql_api.db.engine import create_engine, create_sessionmaker
from graphql_api.db.models import LibrarySnapshot, SnapshotStatus, SpotifyAccount, User
from graphql_api.errors import Conflict, NotFound
from graphql_api.kit.text import canonical_email
from graphql_api.library.export import export_size, stream_export
from graphql_api.library.snapshots import latest_succeeded, snapshot_of
from graphql_api.settings import Settings

# A database id: ASCII digits that fit a signed 64-bit column (``str.isdigit`` alone
# accepts "²", and a longer number would overflow the driver).
_MAX_ID_DIGITS = 18


def _number(text: str) -> int | None:
    if text.isascii() and text.isdigit() and len(text) <= _MAX_ID_DIGITS:
        return int(text)
    return None


def _global_user_number(text: str) -> int | None:
    """The number inside a GraphQL ``User`` global id (base64 of ``User:<number>``)."""
    try:
        type_name, node_id = from_base64(text)
    except Exception:  # not base64, or not "Type:id" inside: not a global id
        return None
    return _number(node_id) if type_name == "User" else None


async def find_user(session: AsyncSession, user: str) -> int:
    """A user id from what a person may have at hand, tried in this order: the user
    number, the GraphQL ``User`` id, the Spotify user id, the email address."""
    text = user.strip()
    tried: list[str] = []
    number = _number(text)
    if number is not None:
        tried.append("user number")
        if await session.get(User, number) is not None:
            return number
    global_number = _global_user_number(text)
    if global_number is not None:
        tried.append("GraphQL User id")
        if await session.get(User, global_number) is not None:
            return global_number
    tried.append("Spotify user id")
    found = await session.scalar(
        select(SpotifyAccount.user_id).where(SpotifyAccount.spotify_user_id == text)
    )
    if found is None:
        tried.append("email address")
        found = await session.scalar(
            select(User.id).where(func.lower(User.email) == canonical_email(text))
        )
    if found is None:
        raise NotFound(f"No user {user!r} (tried it as: {', '.join(tried)}).")
    return found


async def find_snapshot(
    session: AsyncSession, user_id: int, snapshot_id: int | None
) -> LibrarySnapshot:
    """The snapshot to export: the one named, or the latest successful one."""
    if snapshot_id is None:
        snapshot = await latest_succeeded(session, user_id)
    else:
        snapshot = await snapshot_of(session, user_id, snapshot_id)
    if snapshot is None:
        raise NotFound("No such snapshot for this user.")
    if snapshot.status is not SnapshotStatus.SUCCEEDED:
        raise Conflict("Only a successful snapshot can be exported.")
    return snapshot


async def run_export(
    settings: Settings, user: str, snapshot_id: int | None, out: Path, *, show: bool = True
) -> int:
    """Write the zip to ``out`` (atomically, via a temporary file); returns its size."""
    engine = create_engine(settings.database_url, pgbouncer=settings.database_pgbouncer)
    sessionmaker = create_sessionmaker(engine)
    partial = out.with_name(out.name + ".partial")
    try:
        async with sessionmaker() as session:
            user_id = await find_user(session, user)
            snapshot = await find_snapshot(session, user_id, snapshot_id)
        total = await export_size(sessionmaker, snapshot)
        columns = (
            TextColumn("exporting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
        )  # fmt: skip
        size = 0
        # A command-line tool, not a server: blocking file writes are fine here.
        with Progress(*columns, disable=not show) as bar, partial.open("wb") as file:
            task = bar.add_task("export", total=total)
            async for chunk in stream_export(
                sessionmaker, snapshot, lambda n: bar.advance(task, n)
            ):
                size += file.write(chunk)
        os.replace(partial, out)
        return size
    finally:
        partial.unlink(missing_ok=True)
        await engine.dispose()
