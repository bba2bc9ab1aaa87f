"""The playlist-items loader: many versions and windows in one call, answers in key order."""

from __future__ import annotations

from graphql_api.db.models import PlaylistItem, PlaylistVersion, Song, SpotifyPlaylist
from graphql_api.kit.ids import MAX_DB_INT
from graphql_api.kit.pagination import Window
from graphql_api.loaders.playlist_items import load_playlist_items
from graphql_api.resources import Resources


async def _playlist(resources: Resources, name: str, durations: list[int | None]) -> int:
    """A playlist version whose items are songs of ``durations`` (None: content gone)."""
    async with resources.sessionmaker() as session:
        playlist = SpotifyPlaylist(spotify_id=f"pl-{name}")
        session.add(playlist)
        await session.flush()
        version = PlaylistVersion(playlist_id=playlist.id, spotify_snapshot_id="s1", name=name)
        session.add(version)
        await session.flush()
        for position, duration in enumerate(durations):
            song_id = None
            if duration is not None:
                song = Song(name=f"{name}-{position}", duration_ms=duration)
                session.add(song)
                await session.flush()
                song_id = song.id
            session.add(PlaylistItem(version_id=version.id, position=position, song_id=song_id))
        await session.commit()
        return version.id


async def test_windows_of_many_versions_come_back_in_key_order(resources: Resources) -> None:
    three = await _playlist(resources, "three", [100, None, 300])
    five = await _playlist(resources, "five", [1, 2, 3, 4, 5])
    empty = await _playlist(resources, "empty", [])
    keys = [
        (five, Window(1, 2)),
        (three, Window(0, 50)),
        (empty, Window(0, 50)),
        (five, Window(0, 50)),
        (10**9, Window(0, 50)),  # no such version
        (three, Window(0, 0)),
        (three, Window(MAX_DB_INT, 50)),  # the last offset a cursor can name: still no overflow
    ]
    pages = await load_playlist_items(resources.sessionmaker, keys)
    assert [[item.position for item in page.rows] for page in pages] == [
        [1, 2],
        [0, 1, 2],
        [],
        [0, 1, 2, 3, 4],
        [],
        [],
        [],
    ]
    assert [page.total_count for page in pages] == [5, 3, 0, 5, 0, 3, 3]
    assert [page.total_duration_ms for page in pages] == [15, 400, 0, 15, 0, 400, 400]
    assert {item.version_id for item in pages[0].rows} == {five}
