"""Joins are rate-limited per client address (guessing codes costs joins too)."""

from __future__ import annotations

import pytest

from graphql_api.settings import Settings
from tests.rooms.conftest import JOIN_GUEST, RoomClient, codes_of, join_guest, open_room


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"room_joins_per_address": 3})


async def test_joins_are_rate_limited_per_address(host: RoomClient) -> None:
    room = await open_room(host)
    for n in range(3):
        await join_guest(host, room["code"], f"Guest {n}")
    body = await host.execute(JOIN_GUEST, {"code": room["code"], "name": "One too many"})
    assert codes_of(body) == ["RATE_LIMITED"]
    # Guessing codes counts too: an unknown code is refused as limited before it is looked up.
    assert codes_of(await host.execute(JOIN_GUEST, {"code": "333333", "name": "x"})) == [
        "RATE_LIMITED"
    ]
