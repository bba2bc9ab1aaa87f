"""Helpers for the history tests: users, and imports run the way the job runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from graphql_api.auth.sessions import start_session
from graphql_api.db.base import utcnow
from graphql_api.db.models import HistoryImport, Play, SpotifyAccount, User
from graphql_api.db.uow import unit_of_work
from graphql_api.history.imports import create_import
from graphql_api.history.runner import run_import
from graphql_api.history.sources import list_sources
from graphql_api.resources import Resources
from graphql_api.settings import Settings


async def new_user(resources: Resources, name: str = "Listener", spotify: str | None = None) -> int:
    """A user, linked to the Spotify user ``spotify`` when given."""
    async with resources.sessionmaker() as session:
        user = User(display_name=name)
        session.add(user)
        await session.flush()
        if spotify is not None:
            session.add(
                SpotifyAccount(
                    user_id=user.id,
                    spotify_user_id=spotify,
                    access_token_encrypted=b"x",
                    access_token_expires_at=utcnow(),
                )
            )
        await session.commit()
        return user.id


async def start_import(resources: Resources, user_id: int, paths: list[Path]) -> int:
    async with unit_of_work(resources.sessionmaker) as uow:
        row = await create_import(uow, None, user_id, list_sources(paths))
    return row.id


async def import_files(
    resources: Resources, user_id: int, paths: list[Path], batch_size: int = 100
) -> HistoryImport:
    import_id = await start_import(resources, user_id, paths)
    await run_import(resources, import_id, batch_size=batch_size)
    return await import_row(resources, import_id)


async def import_row(resources: Resources, import_id: int) -> HistoryImport:
    async with resources.sessionmaker() as session:
        row = await session.get(HistoryImport, import_id)
        assert row is not None
        return row


async def play_counts(resources: Resources, user_id: int) -> tuple[int, int]:
    """(counted plays, skips) stored for ``user_id``."""
    async with resources.sessionmaker() as session:
        rows = await session.execute(
            select(Play.counted, func.count()).where(Play.user_id == user_id).group_by(Play.counted)
        )
        found = {bool(counted): int(n) for counted, n in rows}
    return found.get(True, 0), found.get(False, 0)


@pytest.fixture
def settings(database_url: str, redis_prefix: str, tmp_path: Path) -> Settings:
    """The embedded default, with uploads kept in this test's own folder."""
    return Settings(
        database_url=database_url,
        redis_url=None,
        redis_prefix=redis_prefix,
        poll_enabled=False,
        demo_state_path=tmp_path / "spotify-emulator.json",
        history_upload_dir=tmp_path / "uploads",
        history_max_upload_bytes=4 * 1024 * 1024,
    )


async def token_for(resources: Resources, user_id: int) -> str:
    async with resources.sessionmaker() as session:
        issued = await start_session(session, resources.settings, user_id=user_id, method="test")
        await session.commit()
    return issued.access_token
