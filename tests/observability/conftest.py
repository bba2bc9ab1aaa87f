"""An app on the emulator for the observability tests, and alice logged in on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from graphql_api.app import create_app
from graphql_api.composition import open_app_resources
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.library.conftest import login
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.spotify import linked_user, point_at_emulator


@pytest.fixture
def observed_settings(settings: Settings, emulator: EmulatorHandle) -> Settings:
    return point_at_emulator(settings, emulator, spotify_requests_per_30s=100_000)


@pytest.fixture
async def observed_resources(observed_settings: Settings) -> AsyncIterator[Resources]:
    async with open_app_resources(observed_settings) as built:
        yield built


@pytest.fixture
async def observed_app(observed_settings: Settings) -> AsyncIterator[str]:
    async with serve(create_app(observed_settings)) as url:
        yield url


@pytest.fixture
async def alice_id(observed_resources: Resources, emulator: EmulatorHandle) -> int:
    return await linked_user(observed_resources, emulator, "alice")


@pytest.fixture
async def alice(
    observed_resources: Resources, alice_id: int, observed_app: str, http: Any
) -> GraphQLClient:
    return GraphQLClient(observed_app, http, await login(observed_resources, alice_id))
