"""Assembling the emulator's Starlette app: accounts service, Web API, control API."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.types import Receive, Scope, Send

from spotify_emulator import accounts, control, token_endpoint
from spotify_emulator.config import EmulatorConfig
from spotify_emulator.errors import (
    ApiError,
    OAuthError,
    handle_api_error,
    handle_http_exception,
    handle_oauth_error,
    handle_unexpected,
)
from spotify_emulator.fixtures import load_fixture
from spotify_emulator.knobs import RAW_SEND_KEY, KnobsMiddleware
from spotify_emulator.state import EmulatorState
from spotify_emulator.webapi import browse, library, player, playlists, profile


class EmulatorApp(Starlette):
    """A Starlette app that keeps the server's own `send` around.

    The fault knob needs it to drop a connection without answering (see `knobs`).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[RAW_SEND_KEY] = send
        await super().__call__(scope, receive, send)


def create_app(fixture: dict[str, Any], config: EmulatorConfig | None = None) -> Starlette:
    """Build the emulator for `fixture` (see `fixtures`) with `config` (defaults if None).

    The in-memory state is at `app.state.emulator` (an `EmulatorState`).
    """
    config = config or EmulatorConfig()
    catalog, users = load_fixture(fixture)
    routes = [
        *accounts.routes,
        *token_endpoint.routes,
        *profile.routes,
        *library.routes,
        *playlists.routes,
        *player.routes,
        *browse.routes,
        *control.routes,
    ]
    app = EmulatorApp(
        routes=routes,
        middleware=[Middleware(KnobsMiddleware)],
        exception_handlers={
            ApiError: handle_api_error,
            OAuthError: handle_oauth_error,
            HTTPException: handle_http_exception,
            Exception: handle_unexpected,
        },
    )
    app.state.emulator = EmulatorState(catalog, users, config)
    return app
