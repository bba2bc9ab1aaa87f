"""What each API process runs for the open rooms: it hears the host's poller and hands the
queue's top song to Spotify shortly before the playing one ends.

Every process hears every poller event and looks at every open room; the database keeps
their work from doubling (a reading no newer than the room's is dropped; a song is handed
once per track). One poller per host, however many guests and processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from sqlalchemy import select

from graphql_api.db.models import Room
from graphql_api.db.uow import unit_of_work
from graphql_api.listening.events import NowPlayingEvent, channel, is_access_change
from graphql_api.resources import Resources
from graphql_api.rooms.changes import lock_room, publish_after_commit
from graphql_api.rooms.follow import apply_playback, remaining_ms
from graphql_api.rooms.playback import hand_top, set_problem

log = logging.getLogger(__name__)


class RoomFollower:
    """One task per host with an open room (listening to their poller), and a tick."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self._hosts: dict[int, asyncio.Task[None]] = {}

    async def run(self) -> None:
        tick = self.resources.settings.room_tick_seconds
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("room follower tick failed")
            await asyncio.sleep(tick)

    async def tick(self) -> None:
        """Follow the hosts of open rooms, and hand over songs that are due."""
        async with self.resources.reader() as session:
            rooms = list(await session.scalars(select(Room).where(Room.closed_at.is_(None))))
        hosts = {room.host_id for room in rooms}
        for host_id in hosts - self._hosts.keys():
            self._hosts[host_id] = asyncio.create_task(
                self._follow(host_id), name=f"job:room-host:{host_id}"
            )
        for host_id in self._hosts.keys() - hosts:
            self._hosts.pop(host_id).cancel()
        handoff_ms = self.resources.settings.room_handoff_seconds * 1000
        now_ms = time.time() * 1000
        for room in rooms:
            left = remaining_ms(room, now_ms)
            if left is not None and left <= handoff_ms and room.handed_seq != room.play_seq:
                problem = await hand_top(self.resources, room.id, room.host_id)
                if problem is not None:
                    await set_problem(self.resources, room.id, problem)

    async def _follow(self, host_id: int) -> None:
        async with self.resources.pubsub.subscribe(channel(host_id)) as subscription:
            async for message in subscription:
                if is_access_change(message):
                    continue
                try:
                    await self.apply(NowPlayingEvent.from_message(message))
                except Exception:
                    log.exception("applying host %s's playback to their rooms failed", host_id)

    async def apply(self, event: NowPlayingEvent) -> None:
        """Apply a poller reading to the host's open rooms."""
        async with self.resources.reader() as session:
            room_ids = list(
                await session.scalars(
                    select(Room.id).where(Room.host_id == event.user_id, Room.closed_at.is_(None))
                )
            )
        for room_id in room_ids:
            async with unit_of_work(self.resources.sessionmaker) as uow:
                room = await lock_room(uow.session, room_id)
                if await apply_playback(uow.session, room, event.playback):
                    publish_after_commit(uow, self.resources, room_id)

    async def stop(self) -> None:
        tasks = list(self._hosts.values())
        self._hosts.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


@contextlib.asynccontextmanager
async def following_rooms(resources: Resources) -> AsyncIterator[RoomFollower]:
    """Run the follower for the block (an API process's life). Its tasks are named
    ``job:...`` like the in-process jobs: background work, not a request's."""
    follower = RoomFollower(resources)
    task = asyncio.create_task(follower.run(), name="job:room-follower")
    try:
        yield follower
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await follower.stop()
