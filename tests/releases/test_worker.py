"""Production shape: Redis, real arq workers (burst) running ingest jobs at once."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from graphql_api.composition import open_app_resources
from graphql_api.db.models import IngestStatus, Release, ReleaseIngest
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.releases.conftest import NEW_RELEASES, count

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.redis
JOBS = 10


def environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    for name in (
        "database_url", "redis_url", "redis_prefix", "spotify_client_id", "spotify_accounts_url",
        "spotify_api_url", "spotify_requests_per_30s",
    ):  # fmt: skip
        env[f"MIXTAPE_{name.upper()}"] = str(getattr(settings, name))
    secret = settings.spotify_client_secret
    assert secret is not None
    env["MIXTAPE_SPOTIFY_CLIENT_SECRET"] = secret.get_secret_value()
    env["MIXTAPE_POLL_ENABLED"] = "false"
    return env


async def test_ten_ingest_jobs_on_two_workers_record_each_release_once_with_one_app_token(
    releases_settings: Settings, releases_emulator: EmulatorHandle, redis_url: str
) -> None:
    settings = releases_settings.model_copy(update={"redis_url": redis_url})
    async with open_app_resources(settings) as resources:
        for number in range(JOBS):
            # arq's job ids are global to the Redis, not per queue: unique per test.
            job_id = f"{settings.redis_prefix}:ingest-{number}"
            assert await resources.queue.enqueue("ingest_releases", job_id=job_id)
        command = [str(Path(sys.executable).parent / "mixtape"), "worker", "--burst"]
        workers = [
            await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=environment(settings))
            for _ in range(2)
        ]
        codes = await asyncio.wait_for(asyncio.gather(*(w.wait() for w in workers)), 120)
        assert codes == [0, 0]
        assert await count(resources, Release) == NEW_RELEASES
        async with resources.sessionmaker() as session:
            runs = list(await session.scalars(select(ReleaseIngest)))
    assert [run.status for run in runs] == [IngestStatus.SUCCEEDED] * JOBS
    assert sum(run.releases_added for run in runs) == NEW_RELEASES
    # The app token is shared through Redis: one grant for both processes' ten jobs.
    assert (await releases_emulator.stats())["token_grants"] == {"client_credentials": 1}
