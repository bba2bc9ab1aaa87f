"""Running an emulator inside a test's event loop, with helpers to steer it.

async with run_emulator(fixture, rate_limit=10) as emulator:
    tokens = await emulator.issue_tokens("alice")
    ...  # talk to emulator.api_url with httpx
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from starlette.applications import Starlette

from spotify_emulator.app import create_app
from spotify_emulator.config import EmulatorConfig
from spotify_emulator.control import ALL_SCOPES
from spotify_emulator.server import BackgroundServer, serve_in_background
from spotify_emulator.state import EmulatorState


class EmulatorHandle:
    """A running emulator: its URLs, its in-memory state, and control helpers."""

    def __init__(self, app: Starlette, server: BackgroundServer, client: httpx.AsyncClient):
        self.app = app
        self.server = server
        self.url = server.url
        self.api_url = server.url + "/v1"
        self._client = client

    @property
    def state(self) -> EmulatorState:
        """The live in-memory state, for direct assertions."""
        state: EmulatorState = self.app.state.emulator
        return state

    @property
    def config(self) -> EmulatorConfig:
        return self.state.config

    async def _control(self, method: str, path: str, body: Any = None) -> httpx.Response:
        response = await self._client.request(method, f"/_emulator{path}", json=body)
        response.raise_for_status()
        return response

    async def configure(self, **knobs: Any) -> dict[str, Any]:
        """Change knobs at run time (partial update); returns all knobs."""
        result: dict[str, Any] = (await self._control("POST", "/config", knobs)).json()
        return result

    async def stats(self) -> dict[str, Any]:
        """Request counts and the recent request log (see `stats.Stats`)."""
        result: dict[str, Any] = (await self._control("GET", "/stats")).json()
        return result

    async def reset_stats(self) -> None:
        await self._control("POST", "/stats/reset")

    async def set_player(self, user_id: str, player: dict[str, Any] | None) -> None:
        """Set a currently-playing object for the user, or None for nothing playing."""
        await self._control("PUT", f"/users/{user_id}/player", player)

    async def set_library(self, user_id: str, user_fixture: dict[str, Any]) -> None:
        """Replace the user's library with a user in the fixture format."""
        await self._control("PUT", f"/users/{user_id}/library", user_fixture)

    async def set_product(self, user_id: str, product: str) -> None:
        """Make the user `free` (player commands answer PREMIUM_REQUIRED) or `premium`."""
        await self._control("PUT", f"/users/{user_id}/product", {"product": product})

    def player_commands(self, stats: dict[str, Any], user_id: str) -> dict[str, int]:
        """The player commands `user_id` sent, per endpoint, in a `stats()` result."""
        commands: dict[str, int] = stats.get("player_commands", {}).get(user_id, {})
        return commands

    async def revoke(self, user_id: str) -> None:
        """Revoke every token of the user, as when they remove the app."""
        await self._control("POST", f"/users/{user_id}/revoke")

    async def expire_tokens(self, user_id: str | None = None) -> None:
        """Expire access tokens now (all, or one user's)."""
        await self._control("POST", "/tokens/expire", {"user_id": user_id})

    async def issue_tokens(self, user_id: str, scope: str = ALL_SCOPES) -> dict[str, Any]:
        """A token response for the user without the OAuth dance."""
        body = {"user_id": user_id, "scope": scope}
        result: dict[str, Any] = (await self._control("POST", "/tokens", body)).json()
        return result

    async def authorize(
        self,
        user_id: str,
        *,
        redirect_uri: str,
        state: str,
        code_challenge: str | None = None,
        scope: str = ALL_SCOPES,
    ) -> str:
        """Approve the consent page as `user_id`; returns the code from the redirect."""
        params = {
            "client_id": self.config.client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": scope,
            "emulator_user": user_id,
        }
        if code_challenge is not None:
            params |= {"code_challenge_method": "S256", "code_challenge": code_challenge}
        response = await self._client.get("/authorize", params=params)
        if response.status_code != 302:
            raise RuntimeError(f"authorize failed: {response.status_code} {response.text}")
        query = parse_qs(urlsplit(response.headers["location"]).query)
        if "code" not in query:
            raise RuntimeError(f"authorize was refused: {response.headers['location']}")
        return query["code"][0]


@asynccontextmanager
async def run_emulator(
    fixture: dict[str, Any] | None = None, **config_overrides: Any
) -> AsyncIterator[EmulatorHandle]:
    """Serve an emulator on 127.0.0.1 (a free port) in the current loop for the block.

    `config_overrides` are `EmulatorConfig` fields. Without a fixture, a small generated
    one is used (`generate_fixture(users=2, ...)`).
    """
    if fixture is None:
        from spotify_emulator.generator import generate_fixture

        fixture = generate_fixture(users=2, saved_tracks=30, playlists=3, playlist_items=40)
    app = create_app(fixture, EmulatorConfig(**config_overrides))
    server = await serve_in_background(app)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            yield EmulatorHandle(app, server, client)
    finally:
        state = app.state.emulator
        state.config.hold_path = None  # a held request would keep the server from stopping
        state.release_holds()
        await server.stop()
