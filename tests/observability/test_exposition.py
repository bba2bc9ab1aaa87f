"""Who may read /metrics, on one process and on `mixtape serve --workers 2`."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from pydantic import SecretStr

from graphql_api.app import create_app
from graphql_api.settings import Environment, Settings
from spotify_emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from spotify_emulator.testing import EmulatorHandle
from tests.support.metrics import Scrape
from tests.support.ports import free_port
from tests.support.server import serve
from tests.support.spotify import point_at_emulator

TOKEN = "metrics-token-for-the-tests-0123456789"
BIN = Path(sys.executable).parent


def production(settings: Settings, emulator: EmulatorHandle, **update: object) -> Settings:
    return point_at_emulator(
        settings,
        emulator,
        env=Environment.PRODUCTION,
        secret_key=SecretStr("a-production-secret-key-of-enough-length"),
        **update,
    )


async def test_metrics_are_open_outside_production_without_a_token(
    settings: Settings, http: httpx.AsyncClient
) -> None:
    async with serve(create_app(settings)) as url:
        response = await http.get(f"{url}/metrics")
    assert response.status_code == 200
    assert "mixtape_http_requests_total" in response.text


async def test_production_without_a_token_answers_404_on_the_app_port(
    settings: Settings, emulator: EmulatorHandle, http: httpx.AsyncClient
) -> None:
    async with serve(create_app(production(settings, emulator))) as url:
        response = await http.get(f"{url}/metrics")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_a_metrics_token_is_required_when_set(
    settings: Settings, emulator: EmulatorHandle, http: httpx.AsyncClient
) -> None:
    app = create_app(production(settings, emulator, metrics_token=SecretStr(TOKEN)))
    async with serve(app) as url:
        anonymous = await http.get(f"{url}/metrics")
        wrong = await http.get(f"{url}/metrics", headers={"authorization": "Bearer nope"})
        right = await http.get(f"{url}/metrics", headers={"authorization": f"Bearer {TOKEN}"})
    assert anonymous.status_code == wrong.status_code == 401
    assert anonymous.json()["error"]["code"] == "UNAUTHENTICATED"
    assert right.status_code == 200


async def test_production_serves_metrics_on_the_separate_port_without_a_token(
    settings: Settings, emulator: EmulatorHandle, http: httpx.AsyncClient
) -> None:
    port = free_port()
    async with serve(create_app(production(settings, emulator, metrics_port=port))):
        response = await http.get(f"http://127.0.0.1:{port}/metrics")
    assert response.status_code == 200
    assert "mixtape_http_requests_total" in response.text


def healthz_answered_by(folder: Path) -> int:
    """How many processes' sample files count a /healthz request."""
    answered = 0
    for path in folder.glob("counter_*.db"):
        samples = [
            sample
            for metric in MultiProcessCollector._read_metrics([str(path)]).values()
            for sample in metric.samples
        ]
        answered += any(
            sample.name == "mixtape_http_requests_total"
            and dict(sample.labels).get("route") == "/healthz"
            and sample.value > 0
            for sample in samples
        )
    return answered


@pytest.mark.redis
async def test_two_serve_workers_add_their_counts_up(
    database_url: str,
    redis_url: str,
    redis_prefix: str,
    emulator: EmulatorHandle,
    tmp_path: Path,
    http: httpx.AsyncClient,
) -> None:
    port = free_port()
    folder = tmp_path / "metrics"
    env = {
        **os.environ,
        "MIXTAPE_DATABASE_URL": database_url,
        "MIXTAPE_REDIS_URL": redis_url,
        "MIXTAPE_REDIS_PREFIX": redis_prefix,
        "MIXTAPE_POLL_ENABLED": "false",
        "MIXTAPE_SPOTIFY_CLIENT_ID": DEFAULT_CLIENT_ID,
        "MIXTAPE_SPOTIFY_CLIENT_SECRET": DEFAULT_CLIENT_SECRET,
        "MIXTAPE_SPOTIFY_ACCOUNTS_URL": emulator.url,
        "MIXTAPE_SPOTIFY_API_URL": emulator.api_url,
        "MIXTAPE_METRICS_MULTIPROC_DIR": str(folder),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [str(BIN / "mixtape"), "serve", "--workers", "2", "--port", str(port)]
    process = await asyncio.create_subprocess_exec(*command, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if (await http.get(f"{url}/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
        # New connections until each process has answered some (each writes its own file).
        sent = 1
        for _ in range(2000):
            if healthz_answered_by(folder) >= 2:
                break
            async with httpx.AsyncClient() as fresh:
                assert (await fresh.get(f"{url}/healthz")).status_code == 200
            sent += 1
        assert healthz_answered_by(folder) == 2
        # Whichever process answers the scrape, it counts every process's requests.
        for _ in range(4):
            async with httpx.AsyncClient() as fresh:
                scraped = Scrape.parse((await fresh.get(f"{url}/metrics")).text)
            total = scraped.value("mixtape_http_requests_total", route="/healthz", status="200")
            assert total == sent
    finally:
        process.terminate()
        await process.wait()
