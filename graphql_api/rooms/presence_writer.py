"""Presence writes of one process, batched: one transaction for every arrival, renewal and
departure that came in while the previous one ran.

A party arriving is hundreds of subscriptions opening within seconds. Written one
transaction each (and under the room's lock, as they once were), they queued behind each
other and, on SQLite, waited out the busy timeout. Here the first write of a quiet process
starts a flush at once; everything asked for while that flush runs goes into the next one,
so a burst of 500 arrivals costs a handful of transactions, and none of them takes the
room's row lock. The rows still live in the database, so every process counts the same
guests (votes count them in their own transaction, under the room's lock).

Once a batch has committed, the rooms it touched get their ``version`` bumped (one short
transaction, rooms in id order) and their state published once (``publish_soon``), so
subscribers see the new count and never drop it as no newer than what they have.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import delete, update

from graphql_api.db.base import utcnow
from graphql_api.db.models import Room, RoomPresence
from graphql_api.db.uow import unit_of_work
from graphql_api.resources import Resources
from graphql_api.rooms.changes import publish_soon

log = logging.getLogger(__name__)


@dataclass
class _Batch:
    enters: list[tuple[int, int, asyncio.Future[int]]] = field(default_factory=list)
    renews: set[int] = field(default_factory=set)
    exits: dict[int, tuple[int, list[asyncio.Future[None]]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.enters or self.renews or self.exits)

    def futures(self) -> list[asyncio.Future]:  # type: ignore[type-arg]
        found: list[asyncio.Future] = [f for _, _, f in self.enters]  # type: ignore[type-arg]
        found += [f for _, fs in self.exits.values() for f in fs]
        return found


class PresenceWriter:
    """The presence rows of one process's subscriptions, written in batches."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self._next = _Batch()
        self._task: asyncio.Task[None] | None = None
        self._renewing: asyncio.Task[None] | None = None
        self._rows: set[int] = set()  # this process's open rows, renewed together
        self._gone: set[int] = set()  # rows found deleted elsewhere (a kick, a leave)

    async def enter(self, room_id: int, participant_id: int) -> int:
        """A new row for an open subscription, renewed until :meth:`exit`; its id."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._next.enters.append((room_id, participant_id, future))
        self._start()
        presence_id = await future
        self._rows.add(presence_id)
        if self._renewing is None:
            self._renewing = asyncio.create_task(self._renew(), name="job:room-presence-renew")
        return presence_id

    def gone(self, presence_id: int) -> bool:
        """Whether the row was found deleted by someone else (a kick, a leave)."""
        return presence_id in self._gone

    async def exit(self, room_id: int, presence_id: int) -> None:
        self._rows.discard(presence_id)
        self._gone.discard(presence_id)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._next.exits.setdefault(presence_id, (room_id, []))[1].append(future)
        self._start()
        await future

    async def _renew(self) -> None:
        """Every third of the TTL, push on the expiry of every open row of the process in
        one statement (with the batch then pending)."""
        try:
            while self._rows:
                await asyncio.sleep(self.resources.settings.room_presence_ttl_s / 3)
                self._next.renews |= self._rows
                self._start()
        finally:
            self._renewing = None

    def _start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="job:room-presence")

    async def _run(self) -> None:
        try:
            while self._next:
                batch, self._next = self._next, _Batch()
                try:
                    rooms = await self._write(batch)
                except BaseException as error:
                    for future in batch.futures():
                        if not future.done():
                            future.set_exception(
                                error if isinstance(error, Exception) else RuntimeError("ended")
                            )
                    if not isinstance(error, Exception):
                        raise
                    log.exception("writing room presence failed")
                    continue
                await self._announce(rooms)
        finally:
            self._task = None

    async def _write(self, batch: _Batch) -> set[int]:
        ttl_s = self.resources.settings.room_presence_ttl_s
        expires = utcnow() + dt.timedelta(seconds=ttl_s)
        rows = [
            RoomPresence(room_id=room_id, participant_id=participant_id, expires_at=expires)
            for room_id, participant_id, _ in batch.enters
        ]
        async with unit_of_work(self.resources.sessionmaker) as uow:
            session = uow.session
            if rows:
                session.add_all(rows)
                await session.flush()
            alive: set[int] = set()
            if batch.renews:
                alive = set(
                    await session.scalars(
                        update(RoomPresence)
                        .where(RoomPresence.id.in_(list(batch.renews)))
                        .values(expires_at=expires)
                        .returning(RoomPresence.id)
                        .execution_options(synchronize_session=False)
                    )
                )
            if batch.exits:
                await session.execute(
                    delete(RoomPresence)
                    .where(RoomPresence.id.in_(list(batch.exits)))
                    .execution_options(synchronize_session=False)
                )
        for row, (_, _, entered) in zip(rows, batch.enters, strict=True):
            if not entered.done():
                entered.set_result(row.id)
        # A row that is no longer open here (exited meanwhile) is not "gone".
        self._gone |= (batch.renews - alive) & self._rows
        self._rows -= self._gone
        for _, left in batch.exits.values():
            for future in left:
                if not future.done():
                    future.set_result(None)
        # Renewals change no count: only arrivals and departures are news.
        return {room_id for room_id, _, _ in batch.enters} | {r for r, _ in batch.exits.values()}

    async def _announce(self, rooms: set[int]) -> None:
        if not rooms:
            return
        try:
            async with unit_of_work(self.resources.sessionmaker) as uow:
                for room_id in sorted(rooms):  # one order everywhere: no deadlock
                    await uow.session.execute(
                        update(Room).where(Room.id == room_id).values(version=Room.version + 1)
                    )
        except Exception:
            log.exception("bumping the version of rooms %s failed", sorted(rooms))
        for room_id in rooms:
            publish_soon(self.resources, room_id)


_writers: dict[int, PresenceWriter] = {}


def writer(resources: Resources) -> PresenceWriter:
    """This process's writer for ``resources``."""
    found = _writers.get(id(resources))
    if found is None or found.resources is not resources:
        found = _writers[id(resources)] = PresenceWriter(resources)
    return found
