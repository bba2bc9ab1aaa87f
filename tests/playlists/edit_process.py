"""One editor in a process of its own: add songs one at a time, each based on the version
last seen, retrying on CONFLICT with the version it names (the two-process test runs two).

python -m tests.playlists.edit_process <database url> <playlist id> <user id> <song id> <n>
Says `ready`, starts when a line comes on stdin, and prints how many writes conflicted.
"""

from __future__ import annotations

import asyncio
import sys

from sqlalchemy import select

from graphql_api.db.engine import create_engine, create_sessionmaker
from graphql_api.db.models import Playlist
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import Conflict
from graphql_api.events import MemoryPubSub
from graphql_api.playlists.entries import add_items


async def main(url: str, playlist_id: int, user_id: int, song_id: int, count: int) -> None:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    pubsub = MemoryPubSub()
    async with sessionmaker() as session:
        version = await session.scalar(select(Playlist.version).where(Playlist.id == playlist_id))
    assert version is not None
    # Both editors start together: each says it is ready, then waits for the word.
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    conflicts = 0
    added = 0
    while added < count:
        try:
            async with unit_of_work(sessionmaker) as uow:
                await add_items(
                    uow, pubsub, user_id, playlist_id, [song_id], at=0, expected_version=version
                )
        except Conflict as error:
            conflicts += 1
            version = int(error.extensions["currentVersion"])
            continue
        added += 1
        version += 1
    await engine.dispose()
    print(conflicts)


if __name__ == "__main__":
    asyncio.run(
        main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    )
