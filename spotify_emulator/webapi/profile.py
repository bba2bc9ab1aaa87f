"""`GET /me`: the current user's profile."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from spotify_emulator.webapi.auth import current_user
from spotify_emulator.webapi.render import respond


async def me(request: Request) -> Response:
    """The profile exactly as the fixture holds it."""
    return respond(request, current_user(request).profile)


routes = [Route("/v1/me", me, methods=["GET"])]
