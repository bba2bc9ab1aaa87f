"""Demo mode: without Spotify credentials (outside production) Mixtape brings its own Spotify.

``mixtape serve`` with no ``MIXTAPE_SPOTIFY_CLIENT_ID`` starts the Spotify emulator inside
the app's event loop, on a free loopback port, with a generated library for a few users,
and points the app's settings at it; a newcomer can then log in "with Spotify" (the
emulator's consent page lets them pick a user) and use everything without credentials.
The browser then lands on GraphiQL already logged in, and the tokens the emulator issues
are kept in ``MIXTAPE_DEMO_STATE_PATH`` so that links survive a restart.
Production refuses to start without real Spotify settings (``settings.py``), so this never
happens there.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from pydantic import SecretStr

from graphql_api.settings import Settings
from graphql_api.spotify.oauth import redirect_uri_of

log = logging.getLogger(__name__)

DEMO_USERS = 3


def wants_demo(settings: Settings) -> bool:
    """Whether the app should run against an in-process emulator."""
    return not settings.spotify_client_id and not settings.is_production


@asynccontextmanager
async def demo_spotify(settings: Settings) -> AsyncIterator[Settings]:
    """Yield the settings to run with: ``settings`` itself, or a copy pointing at an emulator.

    The emulator lives as long as the block (the app's lifespan).
    """
    if not wants_demo(settings):
        yield settings
        return
    # Imported here: a production process never loads the emulator.
    from spotify_emulator.app import create_app
    from spotify_emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, EmulatorConfig
    from spotify_emulator.generator import generate_fixture
    from spotify_emulator.server import serve_in_background

    fixture = generate_fixture(
        users=DEMO_USERS,
        saved_tracks=150,
        saved_albums=20,
        playlists=6,
        playlist_items=60,
        followed_artists=25,
        new_releases=20,
    )
    # The fixture is generated the same way every time; with the tokens kept in a file
    # too, users linked before a restart stay linked after it.
    state_path = str(settings.demo_state_path) if settings.demo_state_path else None
    server = await serve_in_background(create_app(fixture, EmulatorConfig(state_path=state_path)))
    redirect_uri = redirect_uri_of(settings)
    effective = settings.model_copy(
        update={
            "spotify_client_id": DEFAULT_CLIENT_ID,
            "spotify_client_secret": SecretStr(DEFAULT_CLIENT_SECRET),
            "spotify_accounts_url": server.url,
            "spotify_api_url": server.url + "/v1",
            "spotify_redirect_uri": redirect_uri,
            # A newcomer's browser lands on GraphiQL, logged in, rather than on raw JSON.
            "auth_login_lands_on_graphiql": settings.auth_login_lands_on_graphiql is not False,
        }
    )
    users = ", ".join(str(user["profile"]["id"]) for user in fixture["users"])
    log.warning(
        "\n%s\nDEMO MODE: no MIXTAPE_SPOTIFY_CLIENT_ID is set, so Mixtape is talking to its\n"
        "built-in Spotify EMULATOR at %s (generated library; users: %s).\n"
        "Nothing here reaches the real Spotify. Set MIXTAPE_SPOTIFY_CLIENT_ID and\n"
        "MIXTAPE_SPOTIFY_CLIENT_SECRET to use real Spotify accounts.\n"
        "The tokens the emulator issues are kept in %s.\n%s",
        "=" * 78,
        server.url,
        users,
        state_path or "memory only (MIXTAPE_DEMO_STATE_PATH is empty)",
        "=" * 78,
    )
    if urlsplit(redirect_uri).hostname == "localhost":
        log.warning(
            "the redirect URI %s uses 'localhost', which Spotify (and the emulator) refuse; "
            "use http://127.0.0.1:<port> in MIXTAPE_PUBLIC_URL",
            redirect_uri,
        )
    try:
        yield effective
    finally:
        await server.stop()
