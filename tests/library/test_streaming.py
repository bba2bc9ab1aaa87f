"""The snapshot job streams: the Spotify items it holds at once are bounded, whatever the
library's size (counted, not timed: every item Spotify sends is tracked until freed)."""

from __future__ import annotations

import weakref
from typing import Any

import pytest

from graphql_api.composition import open_app_resources
from graphql_api.db.models import SnapshotStatus
from graphql_api.library import stream
from graphql_api.library.fetch import LibraryReader
from graphql_api.library.runner import run_snapshot
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.library.state import dump_state
from tests.library.test_runner import new_snapshot
from tests.support.spotify import linked_user, small_fixture

CONCURRENCY = 2
BATCH = 100


class _Item(dict[str, Any]):
    """A Spotify item as the job received it (a dict that can be weakly referenced)."""

    __hash__ = object.__hash__  # by identity: the census counts objects, not values


@pytest.fixture
def library_fixture() -> dict[str, Any]:
    return small_fixture(
        saved_tracks=1_500, playlists=6, playlist_items=1_500, followed_artists=120
    )


class _Census:
    def __init__(self) -> None:
        self.live: weakref.WeakSet[_Item] = weakref.WeakSet()
        self.received = 0
        self.peak = 0

    def track(self, body: Any) -> Any:
        page = body.get("artists") if isinstance(body, dict) and "artists" in body else body
        if isinstance(page, dict) and isinstance(page.get("items"), list):
            page["items"] = [_Item(i) if isinstance(i, dict) else i for i in page["items"]]
            self.live.update(i for i in page["items"] if isinstance(i, _Item))
            self.received += len(page["items"])
        self.peak = max(self.peak, len(self.live))
        return body


async def test_the_snapshot_job_holds_at_most_its_bound_of_spotify_items_at_once(
    library_settings: Settings, library_emulator: EmulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "BATCH_ITEMS", BATCH)
    census = _Census()
    original = LibraryReader.get

    async def counted(self: LibraryReader, path: str, params: Any = None) -> Any:
        return census.track(await original(self, path, params))

    monkeypatch.setattr(LibraryReader, "get", counted)
    settings = library_settings.model_copy(update={"snapshot_concurrency": CONCURRENCY})
    async with open_app_resources(settings) as resources:
        user_id = await linked_user(resources, library_emulator, "alice")
        status = await run_snapshot(resources, await new_snapshot(resources, user_id))
        state = await dump_state(resources.sessionmaker)
    bound = stream.items_bound(CONCURRENCY)
    assert status is SnapshotStatus.SUCCEEDED
    assert len(state["saved_tracks"]) > 0
    assert census.received > 2 * bound  # the library is much bigger than the bound
    assert census.peak <= bound
