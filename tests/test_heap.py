"""The app keeps its start-up objects out of the garbage collector's full passes while it serves."""

from __future__ import annotations

import gc

import pytest

from graphql_api.app import create_app
from graphql_api.settings import Settings
from tests.support.server import serve


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_objects_alive_at_start_up_are_frozen_while_serving_and_released_after(
    settings: Settings,
) -> None:
    assert gc.get_freeze_count() == 0
    async with serve(create_app(settings)):
        assert gc.get_freeze_count() > 10_000  # the modules, the schema, the resources
    assert gc.get_freeze_count() == 0
