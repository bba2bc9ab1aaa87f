"""Playback: state, currently playing, history, and the Premium-only controls."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from spotify_emulator.catalog import Catalog
from spotify_emulator.errors import ApiError
from spotify_emulator.objects import JSON
from spotify_emulator.paging import int_param, limit_param, page_url
from spotify_emulator.player import Player, now_ms, play_history_entry
from spotify_emulator.state import UserRecord
from spotify_emulator.webapi.auth import current_user, emulator_state
from spotify_emulator.webapi.body import json_body
from spotify_emulator.webapi.render import respond

HISTORY_SIZE = 50  # Spotify keeps only the last 50 plays


def settle(user: UserRecord) -> Player | None:
    """Bring the player up to now: a finished item goes to the history, then the queue plays."""
    player = user.player
    if player is None or player.item is None:
        return player
    while player.finished():
        item = player.item
        assert item is not None
        if item.get("type") == "track":
            entry = play_history_entry(item, player.context, now_ms())
            user.recently_played = [entry, *user.recently_played][:HISTORY_SIZE]
        upcoming = player.next_item()
        if upcoming is None:
            player.pause()
            break
        player.start(upcoming, player.context)
    return player


async def playback_state(request: Request) -> Response:
    """`GET /me/player`: 204 without an active device."""
    user = current_user(request, "user-read-playback-state")
    player = settle(user)
    if player is None or player.device is None:
        return Response(status_code=204)
    return respond(request, player.playback_state())


async def currently_playing(request: Request) -> Response:
    """`GET /me/player/currently-playing`: 204 with no body when idle."""
    user = current_user(request, "user-read-currently-playing", "user-read-playback-state")
    player = settle(user)
    # An ad plays with `item: null` (200); nothing playing, or a private session, is 204.
    if player is None or player.device is None or player.device.get("is_private_session"):
        return Response(status_code=204)
    return respond(request, player.currently_playing())


def _played_at_ms(entry: JSON) -> int:
    stamp = str(entry["played_at"]).replace("Z", "+00:00")
    return int(datetime.fromisoformat(stamp).timestamp() * 1000)


async def recently_played(request: Request) -> Response:
    """The last plays, newest first, with `before`/`after` millisecond cursors."""
    user = current_user(request, "user-read-recently-played")
    settle(user)
    limit = limit_param(request)
    before = int_param(request, "before", -1)
    after = int_param(request, "after", -1)
    if before >= 0 and after >= 0:
        raise ApiError(400, "Only one of before and after may be given")
    history = [(entry, _played_at_ms(entry)) for entry in user.recently_played[:HISTORY_SIZE]]
    if after >= 0:
        # The `limit` plays just after the cursor, still served newest first.
        newer = [pair for pair in history if pair[1] > after]
        chosen = newer[-limit:]
        more = len(newer) > limit
        cursor_param = {"after": chosen[0][1]} if chosen else {}
    else:
        older = [pair for pair in history if before < 0 or pair[1] < before]
        chosen = older[:limit]
        more = len(older) > limit
        cursor_param = {"before": chosen[-1][1]} if chosen else {}
    cursors = {"after": str(chosen[0][1]), "before": str(chosen[-1][1])} if chosen else None
    body = {
        "items": [entry for entry, _ in chosen],
        "next": page_url(request, limit=limit, **cursor_param) if more else None,
        "cursors": cursors,
        "limit": limit,
        "href": page_url(request, limit=limit),
    }
    return respond(request, body)


def _controllable(request: Request) -> tuple[UserRecord, Player]:
    """The user and their active player, or Spotify's Premium / device errors."""
    user = current_user(request, "user-modify-playback-state")
    if not user.premium:
        raise ApiError(403, "Player command failed: Premium required", "PREMIUM_REQUIRED")
    player = settle(user)
    if player is None or player.device is None:
        raise ApiError(404, "Player command failed: No active device found", "NO_ACTIVE_DEVICE")
    return user, player


def _context_items(catalog: Catalog, context_uri: str) -> list[JSON]:
    kind, _, item_id = context_uri.removeprefix("spotify:").partition(":")
    if kind == "playlist" and item_id in catalog.playlists:
        items = catalog.playlists[item_id].items
        return [i["item"] for i in items if i.get("item") and not i.get("is_local")]
    if kind == "album" and item_id in catalog.album_tracks:
        return [catalog.tracks[t] for t in catalog.album_tracks[item_id]]
    raise ApiError(400, f"Invalid context uri: {context_uri}")


async def play(request: Request) -> Response:
    """Resume, or start `uris` / `context_uri` (with `offset` and `position_ms`)."""
    _, player = _controllable(request)
    body = await json_body(request)
    catalog = emulator_state(request).catalog
    position_ms = body.get("position_ms", 0)
    if not isinstance(position_ms, int) or position_ms < 0:
        raise ApiError(400, "Invalid position_ms")
    context: JSON | None = None
    if isinstance(body.get("context_uri"), str):
        items = _context_items(catalog, body["context_uri"])
        context = {"type": body["context_uri"].split(":")[1], "uri": body["context_uri"]}
    elif isinstance(body.get("uris"), list):
        items = []
        for uri in body["uris"]:
            found = catalog.lookup_uri(str(uri))
            if found is None:
                raise ApiError(400, f"Invalid track uri: {uri}")
            items.append(found)
    else:
        player.resume()
        return Response(status_code=204)
    start = body.get("offset", {}).get("position", 0) if isinstance(body.get("offset"), dict) else 0
    if not items or not isinstance(start, int) or not 0 <= start < len(items):
        raise ApiError(400, "Invalid offset")
    player.start(items[start], context, position_ms)
    player.upcoming = items[start + 1 :]
    return Response(status_code=204)


async def pause(request: Request) -> Response:
    _, player = _controllable(request)
    player.pause()
    return Response(status_code=204)


async def skip_next(request: Request) -> Response:
    """Next in the user's queue, then in the context; at the end the last item restarts."""
    _, player = _controllable(request)
    # A skipped item is a partial play, which Spotify leaves out of the history.
    upcoming = player.next_item() or player.item
    if upcoming is not None:
        player.start(upcoming, player.context)
    return Response(status_code=204)


async def add_to_queue(request: Request) -> Response:
    _, player = _controllable(request)
    uri = request.query_params.get("uri")
    if not uri:
        raise ApiError(400, "Missing required parameter: uri")
    found = emulator_state(request).catalog.lookup_uri(uri)
    if found is None:
        raise ApiError(400, f"Invalid track uri: {uri}")
    player.queue.append(found)
    return Response(status_code=204)


async def devices(request: Request) -> Response:
    """`GET /me/player/devices`: the user's active device, when they have one."""
    user = current_user(request, "user-read-playback-state")
    player = user.player
    found = [player.device] if player is not None and player.device is not None else []
    return respond(request, {"devices": found})


async def queue(request: Request) -> Response:
    """`GET /me/player/queue`: what plays now, then the user's queue and the context's rest."""
    user = current_user(request, "user-read-currently-playing", "user-read-playback-state")
    player = settle(user)
    if player is None or player.device is None:
        return respond(request, {"currently_playing": None, "queue": []})
    # Spotify shows at most 20 upcoming items.
    upcoming = [*player.queue, *player.upcoming][:20]
    return respond(request, {"currently_playing": player.item, "queue": upcoming})


routes = [
    Route("/v1/me/player", playback_state, methods=["GET"]),
    Route("/v1/me/player/currently-playing", currently_playing, methods=["GET"]),
    Route("/v1/me/player/recently-played", recently_played, methods=["GET"]),
    Route("/v1/me/player/play", play, methods=["PUT"]),
    Route("/v1/me/player/pause", pause, methods=["PUT"]),
    Route("/v1/me/player/next", skip_next, methods=["POST"]),
    Route("/v1/me/player/queue", add_to_queue, methods=["POST"]),
    Route("/v1/me/player/queue", queue, methods=["GET"]),
    Route("/v1/me/player/devices", devices, methods=["GET"]),
]
