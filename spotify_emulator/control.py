"""The control API under `/_emulator`: knobs, statistics and per-user state for tests."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from spotify_emulator.errors import ApiError
from spotify_emulator.fixtures import FixtureError, load_user
from spotify_emulator.player import Player
from spotify_emulator.state import EmulatorState
from spotify_emulator.stats import Stats
from spotify_emulator.webapi.auth import emulator_state

ALL_SCOPES = (
    "user-read-private user-read-email user-library-read user-library-modify "
    "user-follow-read user-follow-modify playlist-read-private playlist-read-collaborative "
    "playlist-modify-private playlist-modify-public user-read-playback-state "
    "user-modify-playback-state user-read-currently-playing user-read-recently-played"
)


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except ValueError:
        raise ApiError(400, "Error parsing JSON.") from None


def _known_user(state: EmulatorState, user_id: str) -> None:
    if user_id not in state.users:
        raise ApiError(404, f"No such user: {user_id}")


async def get_config(request: Request) -> Response:
    return JSONResponse(emulator_state(request).config.knobs())


async def update_config(request: Request) -> Response:
    """Partial update of the knobs; a new `fault_seed`/`fault_rate` restarts the fault sequence."""
    state = emulator_state(request)
    changes = await _json(request)
    if not isinstance(changes, dict):
        raise ApiError(400, "Expected a JSON object of knobs")
    try:
        state.config.update(changes)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    if {"fault_seed", "fault_rate"} & changes.keys():
        state.reseed_faults()
    if "rate_limit" in changes or "rate_window_s" in changes:
        state.window.clear()
    if "hold_path" in changes:
        state.release_holds()
    return JSONResponse(state.config.knobs())


async def get_stats(request: Request) -> Response:
    return JSONResponse(emulator_state(request).stats.as_json())


async def reset_stats(request: Request) -> Response:
    emulator_state(request).stats = Stats()
    return Response(status_code=204)


async def set_player(request: Request) -> Response:
    """Replace a user's playback with a currently-playing object, or `null` for idle."""
    state = emulator_state(request)
    user_id = request.path_params["user_id"]
    _known_user(state, user_id)
    body = await _json(request)
    if body is not None and not isinstance(body, dict):
        raise ApiError(400, "Expected a currently-playing object or null")
    if body is None:
        state.users[user_id].player = None
    else:
        state.catalog.add_content(body.get("item"))
        state.users[user_id].player = Player.from_object(body, user_id)
    return Response(status_code=204)


async def set_library(request: Request) -> Response:
    """Replace (or create) a user from a body in the fixture's user format."""
    state = emulator_state(request)
    user_id = request.path_params["user_id"]
    body = await _json(request)
    if not isinstance(body, dict):
        raise ApiError(400, "Expected a user in the fixture format")
    known = state.users.get(user_id)
    body.setdefault("profile", known.profile if known else None)
    if not isinstance(body["profile"], dict) or body["profile"].get("id") != user_id:
        raise ApiError(400, "The profile id must match the URL")
    # The user's own playlists are replaced, not merged with their old items.
    for entry in body.get("playlists") or []:
        playlist = entry.get("playlist") if isinstance(entry, dict) else None
        if isinstance(playlist, dict) and (playlist.get("owner") or {}).get("id") == user_id:
            state.catalog.playlists.pop(str(playlist.get("id")), None)
    try:
        user = load_user(state.catalog, body)
    except (FixtureError, KeyError, TypeError, AttributeError) as exc:
        raise ApiError(400, f"Bad user fixture: {exc!r}") from None
    if known is not None and "player" not in body:
        user.player = known.player
    state.users[user_id] = user
    return Response(status_code=204)


async def set_product(request: Request) -> Response:
    """Change a user's subscription (`{"product": "free"}` or `"premium"`) at run time."""
    state = emulator_state(request)
    user_id = request.path_params["user_id"]
    _known_user(state, user_id)
    body = await _json(request)
    product = body.get("product") if isinstance(body, dict) else None
    if product not in ("free", "premium", "open"):
        raise ApiError(400, "Expected {'product': 'free' | 'premium' | 'open'}")
    state.users[user_id].profile["product"] = product
    return Response(status_code=204)


async def revoke(request: Request) -> Response:
    """Revoke every token of the user: access tokens answer 401, refresh `invalid_grant`."""
    state = emulator_state(request)
    user_id = request.path_params["user_id"]
    _known_user(state, user_id)
    state.tokens.revoke_user(user_id)
    return Response(status_code=204)


async def expire_tokens(request: Request) -> Response:
    """Expire access tokens now: all, or one user's with `{"user_id": ...}`."""
    state = emulator_state(request)
    body = await _json(request) or {}
    user_id = body.get("user_id") if isinstance(body, dict) else None
    count = state.tokens.expire_access_tokens(user_id)
    return JSONResponse({"expired": count})


async def issue_tokens(request: Request) -> Response:
    """Mint a token pair for a user directly, skipping the OAuth dance."""
    state = emulator_state(request)
    body = await _json(request)
    if not isinstance(body, dict) or not isinstance(body.get("user_id"), str):
        raise ApiError(400, "Expected {'user_id': ..., 'scope'?: ...}")
    _known_user(state, body["user_id"])
    scope = body.get("scope", ALL_SCOPES)
    pair = state.tokens.issue(
        body["user_id"],
        str(scope),
        ttl=state.config.token_ttl,
        refresh_ttl=state.config.refresh_token_ttl,
        pkce=False,
    )
    state.stats.token_grants["direct"] += 1
    return JSONResponse(pair.as_response())


routes = [
    Route("/_emulator/config", get_config, methods=["GET"]),
    Route("/_emulator/config", update_config, methods=["POST"]),
    Route("/_emulator/stats", get_stats, methods=["GET"]),
    Route("/_emulator/stats/reset", reset_stats, methods=["POST"]),
    Route("/_emulator/users/{user_id}/player", set_player, methods=["PUT"]),
    Route("/_emulator/users/{user_id}/library", set_library, methods=["PUT"]),
    Route("/_emulator/users/{user_id}/product", set_product, methods=["PUT"]),
    Route("/_emulator/users/{user_id}/revoke", revoke, methods=["POST"]),
    Route("/_emulator/tokens/expire", expire_tokens, methods=["POST"]),
    Route("/_emulator/tokens", issue_tokens, methods=["POST"]),
]
