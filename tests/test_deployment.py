"""docker-compose.yml and the Dockerfile name commands that exist and check every service's health.

No Docker engine runs here; docs/deployment.md says what was verified by hand beyond this.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from graphql_api.cli import main as mixtape_cli

ROOT = Path(__file__).resolve().parents[1]
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


def test_worker_healthcheck_names_the_arq_settings_mixtape_builds() -> None:
    argv = SERVICES["worker"]["healthcheck"]["test"][1:]
    assert argv[:2] == ["arq", "--check"]
    module, _, attribute = argv[2].rpartition(".")
    assert (module, attribute) == ("workers.settings", "WorkerSettings")
    from workers import settings as worker_settings

    assert callable(worker_settings.build_worker_settings)


def test_api_healthcheck_asks_readyz() -> None:
    test = SERVICES["api"]["healthcheck"]["test"]
    assert "/readyz" in shlex.join(test)
