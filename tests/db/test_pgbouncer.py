"""PostgreSQL through a real PgBouncer in transaction mode (the pooling docs/deployment.md
suggests): asyncpg's prepared statements break there unless MIXTAPE_DATABASE_PGBOUNCER is
set. Skipped where the pgbouncer binary is not installed (``apt-get install pgbouncer``)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from graphql_api.app import create_app
from graphql_api.db.engine import create_engine
from graphql_api.db.migrations import current_revisions, downgrade, head_revisions, upgrade
from graphql_api.settings import Settings
from tests.auth.conftest import LOGIN, PASSWORD, VIEWER, register
from tests.support import databases
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.services import POSTGRES_ADMIN_URL, postgres_reachable, require

pytestmark = pytest.mark.postgres


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def pgbouncer(tmp_path: Path) -> Iterator[int]:
    """A PgBouncer in transaction mode in front of the test PostgreSQL; yields its port.

    One server connection per database: two clients' statements meet on it, which is
    what a busy production PgBouncer does sooner or later.
    """
    binary = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")
    if binary is None:
        pytest.skip("pgbouncer is not installed")
    require("PostgreSQL", postgres_reachable())
    # Outside tmp_path: run as root, pgbouncer drops to the postgres user, who must be
    # able to read its files (pytest's temporary root is private to us).
    directory = Path(tempfile.mkdtemp(prefix="mixtape-pgbouncer-"))
    directory.chmod(0o755)
    port = _free_port()
    user = POSTGRES_ADMIN_URL.split("://", 1)[1].split("@", 1)[0]
    (directory / "users.txt").write_text(f'"{user}" ""\n')
    config = directory / "pgbouncer.ini"
    config.write_text(
        "[databases]\n"
        "* = host=127.0.0.1 port=5432\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {directory / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 1\nmax_client_conn = 200\n"
        # What docs/deployment.md asks for: prepared statements are dropped between clients.
        "server_reset_query = DISCARD ALL\nserver_reset_query_always = 1\n"
    )
    command = [binary, str(config)]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "postgres"]
    log_path = tmp_path / "pgbouncer.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        # An external process: poll its port until it listens (or the process has died).
        for _ in range(200):
            if _accepts(port):
                break
            try:
                process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                continue
            break
        assert process.poll() is None, log_path.read_text()
        assert _accepts(port), "pgbouncer did not start listening"
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
async def through_pgbouncer(pgbouncer: int, postgres_template: str) -> AsyncIterator[str]:
    """A migrated database of this test's own, and its URL through PgBouncer."""
    name = await databases.clone_postgres(postgres_template)
    direct = databases.postgres_url(name)
    try:
        yield direct.replace("@127.0.0.1:5432/", f"@127.0.0.1:{pgbouncer}/")
    finally:
        await databases.drop_postgres(name)


async def _queries_on_two_connections(url: str, *, pgbouncer: bool) -> None:
    engine = create_engine(url, pgbouncer=pgbouncer)
    try:
        async with engine.connect() as first, engine.connect() as second:
            for connection in (first, second, first, second):
                await connection.execute(text("SELECT count(*) FROM users"))
                await connection.commit()
    finally:
        await engine.dispose()


async def test_asyncpg_as_configured_by_default_breaks_behind_pgbouncer(
    through_pgbouncer: str,
) -> None:
    # The trap the setting exists for: numbered statement names of two clients collide
    # on the one server connection, or a cached statement is gone from it.
    with pytest.raises(DBAPIError, match="prepared statement"):
        await _queries_on_two_connections(through_pgbouncer, pgbouncer=False)


async def test_with_the_pgbouncer_setting_the_same_queries_work(through_pgbouncer: str) -> None:
    await _queries_on_two_connections(through_pgbouncer, pgbouncer=True)


async def test_the_app_and_its_migrations_work_through_pgbouncer(
    through_pgbouncer: str, http: httpx.AsyncClient
) -> None:
    settings = Settings(
        database_url=through_pgbouncer,
        database_pgbouncer=True,
        redis_url=None,
        redis_prefix=f"mixtape-test-{uuid.uuid4().hex[:12]}",
        poll_enabled=False,
    )
    # Migrations: down to nothing and back up to head, through PgBouncer.
    await asyncio.to_thread(downgrade, settings, "base")
    await asyncio.to_thread(upgrade, settings, "head")
    engine = create_engine(through_pgbouncer, pgbouncer=True)
    try:
        assert await current_revisions(engine) == head_revisions(settings)
    finally:
        await engine.dispose()
    async with serve(create_app(settings)) as url:
        gql = GraphQLClient(url, http)
        ada = await register(gql, email="ada@example.com")
        me = gql.with_token(ada["accessToken"])
        credentials = {"email": "ada@example.com", "password": PASSWORD}
        # Many operations at once, each in transactions of its own, all through the one
        # server connection.
        viewers, logins = await asyncio.gather(
            asyncio.gather(*(me.query(VIEWER) for _ in range(20))),
            asyncio.gather(*(gql.query(LOGIN, credentials) for _ in range(3))),
        )
    assert {viewer["viewer"]["id"] for viewer in viewers} == {ada["user"]["id"]}
    assert {login["login"]["user"]["id"] for login in logins} == {ada["user"]["id"]}
