"""docker-compose.yml and the Dockerfile name commands that exist and check every service's health.

No Docker engine runs here: the worker's command and healthcheck run as processes instead;
docs/deployment.md says what was verified by hand beyond this.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import signal
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import httpx
import pytest
import yaml
from redis.asyncio import Redis

from graphql_api.cli import main as mixtape_cli
from graphql_api.settings import Settings
from workers.settings import worker_options

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def assert_mixtape_command(argv: list[str]) -> None:
    """``argv`` is a ``mixtape`` subcommand whose options all exist."""
    assert argv[0] == "mixtape", argv
    command = mixtape_cli.commands[argv[1]]
    known = {flag for param in command.params for flag in getattr(param, "opts", [])}
    given = {arg for arg in argv[2:] if arg.startswith("--")}
    assert given <= known, given - known
    # Values are parsed as click would (the ${...} of compose stand for a number here).
    args = [re.sub(r"\$\{[^}]*\}", "2", arg) for arg in argv[2:]]
    with click.Context(command) as context:
        command.parse_args(context, args)


def test_every_long_running_service_has_a_healthcheck() -> None:
    # (Not parametrized by service: ids named postgres/redis would count as backend runs.)
    for service in ("api", "worker", "postgres", "redis"):
        test = SERVICES[service]["healthcheck"]["test"]
        assert test[0] == "CMD", service
        assert len(test) > 1, service


@pytest.mark.parametrize("service", ["migrate", "api", "worker"])
def test_mixtape_services_run_real_commands(service: str) -> None:
    assert_mixtape_command(SERVICES[service]["command"])


def test_the_image_default_command_serves_on_every_interface() -> None:
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE)
    assert cmd is not None
    argv = json.loads(cmd.group(1))
    assert argv[:2] == ["mixtape", "serve"]
    assert argv[argv.index("--host") + 1] == "0.0.0.0"  # noqa: S104 - inside a container
    assert_mixtape_command(argv)


def test_api_and_worker_wait_for_the_migration() -> None:
    for service in ("api", "worker"):
        depends = SERVICES[service]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_production_settings_use_the_compose_database_and_queue() -> None:
    environment = SERVICES["api"]["environment"]
    assert environment["MIXTAPE_ENV"] == "production"
    assert environment["MIXTAPE_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert environment["MIXTAPE_REDIS_URL"].startswith("redis://redis:")
    assert SERVICES["api"]["env_file"] == ".env"


def _worker_environment(settings: Settings) -> dict[str, str]:
    """The environment of a worker container, pointed at this test's database and Redis."""
    env = dict(os.environ)
    env.update(
        MIXTAPE_DATABASE_URL=settings.database_url,
        MIXTAPE_REDIS_URL=str(settings.redis_url),
        MIXTAPE_REDIS_PREFIX=settings.redis_prefix,
        MIXTAPE_POLL_ENABLED="false",
    )
    return env


async def _exit_code(argv: list[str], env: dict[str, str]) -> int:
    """Run a command of the compose file as the container would (from the project root)."""
    process = await asyncio.create_subprocess_exec(
        str(BIN / argv[0]),
        *argv[1:],
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await asyncio.wait_for(process.wait(), timeout=60)


@pytest.mark.redis
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_worker_healthcheck_passes_while_the_worker_runs_and_fails_once_it_stopped(
    settings: Settings, redis_url: str
) -> None:
    """The compose worker's command and healthcheck, run verbatim against real Redis."""
    settings = settings.model_copy(update={"redis_url": redis_url})
    env = _worker_environment(settings)
    check = SERVICES["worker"]["healthcheck"]["test"][1:]
    assert check == ["arq", "--check", "workers.settings.WorkerSettings"]
    health_key = worker_options(settings)["health_check_key"]
    assert await _exit_code(check, env) == 1  # no worker yet

    command = SERVICES["worker"]["command"]
    worker = await asyncio.create_subprocess_exec(
        str(BIN / command[0]), *command[1:], cwd=ROOT, env=env
    )
    redis = Redis.from_url(redis_url)
    try:
        # The worker writes its health key once it has started; wait for that event.
        async with asyncio.timeout(60):
            while not await redis.exists(health_key):
                assert worker.returncode is None, "the worker exited"
                await asyncio.sleep(0.1)
        assert await _exit_code(check, env) == 0
    finally:
        if worker.returncode is None:
            worker.send_signal(signal.SIGTERM)
        stopped = await asyncio.wait_for(worker.wait(), timeout=60)
        await redis.aclose()
    assert stopped == 0  # a clean shutdown on SIGTERM (what `docker stop` sends)
    assert await _exit_code(check, env) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_api_healthcheck_asks_readyz_on_the_port_the_api_serves(
    app_url: str, http: httpx.AsyncClient
) -> None:
    test = SERVICES["api"]["healthcheck"]["test"]
    url = re.search(r"http://[^'\"]+", shlex.join(test))
    assert url is not None
    target = urlsplit(url.group(0))
    command = SERVICES["api"]["command"]
    assert str(target.port) == command[command.index("--port") + 1]
    assert SERVICES["api"]["ports"][0].endswith(f":{target.port}")  # the container's side
    # The path answers 200 on a real app once its database is migrated.
    assert (await http.get(app_url + target.path)).status_code == 200
