"""Commands to the host's player, with the host's token; their failures become problems
shown in the room's state (PREMIUM_REQUIRED, NO_ACTIVE_DEVICE, ...), never errors."""

from __future__ import annotations

import logging
from typing import Any

from graphql_api.db.base import utcnow
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import MixtapeError, RateLimited, SpotifyRelinkRequired
from graphql_api.listening.playback import parse_currently_playing
from graphql_api.resources import Resources
from graphql_api.rooms import queue
from graphql_api.rooms.changes import lock_room, publish_after_commit
from graphql_api.rooms.follow import apply_playback
from graphql_api.spotify.errors import NoActiveDevice, PremiumRequired, SpotifyUnavailable

log = logging.getLogger(__name__)

PROBLEMS: tuple[tuple[type[Exception], str], ...] = (
    (PremiumRequired, "PREMIUM_REQUIRED"),
    (NoActiveDevice, "NO_ACTIVE_DEVICE"),
    (SpotifyRelinkRequired, "SPOTIFY_RELINK_REQUIRED"),
    (RateLimited, "SPOTIFY_RATE_LIMITED"),
    (SpotifyUnavailable, "SPOTIFY_UNAVAILABLE"),
)


def problem_of(error: Exception) -> str:
    for kind, problem in PROBLEMS:
        if isinstance(error, kind):
            return problem
    return "SPOTIFY_REFUSED"


async def command(
    resources: Resources, host_id: int, method: str, path: str, params: dict[str, Any] | None = None
) -> str | None:
    """Send one player command for the host; the problem it met, or None."""
    client = resources.spotify.client_for(host_id)
    try:
        await client.request(method, path, params=params)
    except MixtapeError as error:
        log.info("room command %s %s for host %s failed: %s", method, path, host_id, error)
        return problem_of(error)
    return None


async def set_problem(resources: Resources, room_id: int, problem: str | None) -> None:
    """Show ``problem`` (None: none) in the room's state."""
    async with unit_of_work(resources.sessionmaker) as uow:
        room = await lock_room(uow.session, room_id)
        room.problem = problem
        publish_after_commit(uow, resources, room_id)


async def hand_top(resources: Resources, room_id: int, host_id: int) -> str | None:
    """Hand the queue's top song to Spotify's queue (once per playing track)."""
    async with unit_of_work(resources.sessionmaker) as uow:
        room = await lock_room(uow.session, room_id)
        top = await queue.take_top(uow.session, room) if room.closed_at is None else None
        if top is None:
            return None
        uri = top.uri
        publish_after_commit(uow, resources, room_id)
    return await command(resources, host_id, "POST", "me/player/queue", {"uri": uri})


async def refresh(resources: Resources, room_id: int, host_id: int, skipped_seq: int) -> None:
    """Read the host's player after a skip and apply it as the next track."""
    client = resources.spotify.client_for(host_id)
    try:
        body = await client.get("me/player", {"additional_types": "episode"})
    except MixtapeError as error:  # the poller will tell
        log.info("reading room %s's player after a skip failed: %s", room_id, error)
        return
    playback = parse_currently_playing(body if isinstance(body, dict) else None, utcnow())
    async with unit_of_work(resources.sessionmaker) as uow:
        room = await lock_room(uow.session, room_id)
        await apply_playback(uow.session, room, playback, skipped_seq=skipped_seq)
        room.problem = None
        publish_after_commit(uow, resources, room_id)


async def skip(resources: Resources, room_id: int, host_id: int, skipped_seq: int) -> None:
    """Carry out a decided skip: the room's top song first, then Spotify's next."""
    problem = await hand_top(resources, room_id, host_id)
    problem = problem or await command(resources, host_id, "POST", "me/player/next")
    if problem is not None:
        await set_problem(resources, room_id, problem)
        return
    await refresh(resources, room_id, host_id, skipped_seq)
