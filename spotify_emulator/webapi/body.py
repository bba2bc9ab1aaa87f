"""Reading JSON request bodies, with Spotify's 400 for malformed ones."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from spotify_emulator.errors import ApiError


async def json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object; an empty body reads as `{}`."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise ApiError(400, "Error parsing JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "Error parsing JSON.")
    return body
