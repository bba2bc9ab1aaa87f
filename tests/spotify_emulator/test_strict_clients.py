"""The emulator as strict third-party clients see it: tekore's models and spotipy.

Real Spotify sends fields beyond the OpenAPI file that these clients require (a playlist
item's `video_thumbnail`, the `episode`/`track` flags of its content, playback's
`smart_shuffle`) and gives app tokens through the client-credentials grant.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import spotipy
import tekore
from spotipy.cache_handler import MemoryCacheHandler

from spotify_emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from spotify_emulator.testing import EmulatorHandle
from tests.spotify_emulator.conftest import ALICE


class _ToEmulator(httpx.AsyncBaseTransport):
    """Sends tekore's https://api.spotify.com and accounts.spotify.com calls to the emulator."""

    def __init__(self, base_url: str) -> None:
        self.base = httpx.URL(base_url)
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self.base.scheme, host=self.base.host, port=self.base.port
        )
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
async def sender(emulator: EmulatorHandle) -> AsyncIterator[tekore.AsyncSender]:
    async with httpx.AsyncClient(transport=_ToEmulator(emulator.url)) as client:
        yield tekore.AsyncSender(client)


async def test_tekore_parses_playlist_items_with_their_episode_and_track_flags(
    emulator: EmulatorHandle, sender: tekore.AsyncSender
) -> None:
    tokens = await emulator.issue_tokens(ALICE)
    spotify = tekore.Spotify(tokens["access_token"], sender=sender)
    playlists = await spotify.followed_playlists(limit=50)
    parsed = 0
    for playlist in playlists.items:
        record = emulator.state.catalog.playlists[playlist.id]
        # tekore itself crashes on local files (its enum of album types meets a null).
        record.items = [item for item in record.items if not item.get("is_local")]
        items = await spotify.playlist_items(playlist.id, limit=50)
        for item in items.items:
            assert item.video_thumbnail is not None
            if item.track is not None:
                assert item.track.track is (item.track.type == "track")
                assert item.track.episode is (item.track.type == "episode")
        parsed += len(items.items)
    assert parsed > 0


async def test_tekore_parses_playback_state_with_smart_shuffle(
    emulator: EmulatorHandle, sender: tekore.AsyncSender
) -> None:
    tokens = await emulator.issue_tokens(ALICE)
    playback = await tekore.Spotify(tokens["access_token"], sender=sender).playback()
    assert playback is not None
    assert playback.smart_shuffle is False


async def test_tekore_gets_an_app_token_and_reads_new_releases_with_it(
    sender: tekore.AsyncSender,
) -> None:
    credentials = tekore.Credentials(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, sender=sender)
    token = await credentials.request_client_token()
    releases = await tekore.Spotify(token, sender=sender).new_releases(limit=5)
    assert len(releases.items) == 5


async def test_spotipy_gets_an_app_token_and_reads_an_artists_albums(
    emulator: EmulatorHandle,
) -> None:
    artist_id = next(iter(emulator.state.catalog.artists))

    def read() -> list[str]:
        # spotipy's default cache is a `.cache` file in the working directory.
        credentials = spotipy.SpotifyClientCredentials(
            DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, cache_handler=MemoryCacheHandler()
        )
        credentials.OAUTH_TOKEN_URL = f"{emulator.url}/api/token"
        client = spotipy.Spotify(client_credentials_manager=credentials, retries=0)
        client.prefix = f"{emulator.api_url}/"
        page = client.artist_albums(artist_id, include_groups="album,single", limit=10)
        client.artist(artist_id)
        return [album["id"] for album in page["items"]]

    # spotipy blocks; the emulator answers on this test's event loop.
    albums = await asyncio.to_thread(read)
    assert all(isinstance(album, str) for album in albums)
    assert (await emulator.stats())["token_grants"] == {"client_credentials": 1}
