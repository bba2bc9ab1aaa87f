"""Two OS processes writing one playlist at once: every write lands exactly once, none is
lost, versions count every write, and the losers of races were told CONFLICT."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy import func, select

from graphql_api.db.models import Playlist, PlaylistEntry, Song
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from tests.playlists.conftest import INVITE, ITEMS, Person, create, make_songs

ROOT = Path(__file__).resolve().parents[2]
WRITES = 25


async def test_two_processes_adding_at_once_lose_no_write_and_conflicts_are_retried(
    owner: Person, editor: Person, resources: Resources, settings: Settings
) -> None:
    songs = await make_songs(resources, 2)
    playlist = (await create(owner))["id"]
    await owner.client.query(INVITE, {"playlist": playlist, "user": editor.id, "role": "EDITOR"})
    async with resources.sessionmaker() as session:
        playlist_id = await session.scalar(select(Playlist.id))
        song_ids = list(await session.scalars(select(Song.id).order_by(Song.id)))
    assert playlist_id is not None
    assert len(song_ids) == len(songs)
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.playlists.edit_process",
            settings.database_url,
            str(playlist_id),
            str(person.user_id),
            str(song_id),
            str(WRITES),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for person, song_id in ((owner, song_ids[0]), (editor, song_ids[1]))
    ]
    for process in processes:
        assert process.stdout is not None
        assert await process.stdout.readline() == b"ready\n"
    outputs = await asyncio.gather(*(process.communicate(b"go\n") for process in processes))
    assert [process.returncode for process in processes] == [0, 0]
    # How often they raced depends on timing; what matters is that no write was lost.
    assert all(out.decode().strip().isdigit() for out, _ in outputs)
    data = (await owner.client.query(ITEMS, {"id": playlist}))["node"]
    assert data["version"] == 1 + 2 * WRITES
    assert data["itemCount"] == data["items"]["totalCount"] == 2 * WRITES
    assert data["totalDurationMs"] == 2 * WRITES * 1000
    async with resources.sessionmaker() as session:
        keys = await session.scalar(select(func.count(func.distinct(PlaylistEntry.position_key))))
    assert keys == 2 * WRITES  # no two entries share a place
