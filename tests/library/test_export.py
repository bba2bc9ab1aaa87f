"""Export: the zip over HTTP (owner only) and from the command line, checked against the fixture."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import os
import sys
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from strawberry.relay import to_base64

from graphql_api.db.models import LibrarySnapshot, User
from graphql_api.errors import NotFound
from graphql_api.library.cli_export import find_user, run_export
from graphql_api.library.export import stream_export
from graphql_api.library.export_rows import ALBUM_COLUMNS, TRACK_COLUMNS
from graphql_api.library.snapshots import latest_succeeded
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.library.expected import expected_of
from tests.library.test_graphql import save_and_wait
from tests.support.graphql_client import GraphQLClient
from tests.support.spotify import linked_user


def read_csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


def check_archive(data: bytes, fixture_user: dict[str, Any]) -> None:
    expected = expected_of(fixture_user)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    liked = read_csv(archive, "liked_songs.csv")
    assert list(liked[0]) == TRACK_COLUMNS
    assert len(liked) == expected.saved_tracks
    assert {r["Track URI"] for r in liked} == {
        s["track"]["uri"] for s in fixture_user["saved_tracks"]
    }
    albums = read_csv(archive, "saved_albums.csv")
    assert list(albums[0]) == ALBUM_COLUMNS
    assert len(albums) == expected.saved_albums
    assert len(read_csv(archive, "followed_artists.csv")) == expected.followed_artists
    playlist_files = [n for n in archive.namelist() if n.startswith("playlists/")]
    assert len(playlist_files) == len(expected.readable_items)
    for spotify_id, entry in ((p["playlist"]["id"], p) for p in fixture_user["playlists"]):
        if spotify_id not in expected.readable_items:
            continue
        (name,) = [n for n in playlist_files if f"({spotify_id})" in n]
        with_track = [i for i in entry["items"] if (i.get("item") or i.get("track"))]
        rows = read_csv(archive, name)
        assert len(rows) == len(with_track)
        # Local files keep the names they have (no ids, so no catalog artist or album).
        for item, row in zip(with_track, rows, strict=True):
            if item.get("is_local"):
                track = item["track"]
                assert row["Artist Name(s)"] == ", ".join(a["name"] for a in track["artists"])
                assert row["Album Name"] == track["album"]["name"]
    whole = json.loads(archive.read("snapshot.json"))
    assert len(whole["savedTracks"]) == expected.saved_tracks
    assert len(whole["playlists"]) == expected.playlists


async def test_export_over_http_and_cli(
    alice: GraphQLClient,
    library_app: str,
    library_resources: Resources,
    library_fixture: dict[str, Any],
    tmp_path: Path,
) -> None:
    snapshot = await save_and_wait(alice)
    url = f"{library_app}/export/snapshots/{snapshot['id']}.zip"
    headers = {"authorization": f"Bearer {alice.token}"}
    async with httpx.AsyncClient(timeout=30) as http:
        async with http.stream("GET", url, headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/zip"
            data = b"".join([chunk async for chunk in response.aiter_bytes()])
        anonymous = await http.get(url)
        assert anonymous.status_code == 401
        assert anonymous.json()["error"]["code"] == "UNAUTHENTICATED"
        missing = await http.get(f"{library_app}/export/snapshots/99999.zip", headers=headers)
        assert missing.status_code == 404
        garbage = await http.get(f"{library_app}/export/snapshots/not-an-id.zip", headers=headers)
        assert garbage.status_code == 400
    check_archive(data, library_fixture["users"][0])

    out = tmp_path / "export.zip"
    async with library_resources.sessionmaker() as session:
        owner = await session.scalar(select(LibrarySnapshot.user_id))
    user_id = str(owner)
    size = await run_export(library_resources.settings, user_id, None, out, show=False)
    assert size == out.stat().st_size
    check_archive(out.read_bytes(), library_fixture["users"][0])


class _CountingSessions:
    """A sessionmaker that knows how many of its sessions are open right now."""

    def __init__(self, sessionmaker: Any) -> None:
        self.sessionmaker = sessionmaker
        self.open = 0
        self.opened = 0

    @contextlib.asynccontextmanager
    async def __call__(self) -> AsyncIterator[Any]:
        self.open += 1
        self.opened += 1
        try:
            async with self.sessionmaker() as session:
                yield session
        finally:
            self.open -= 1


async def test_no_session_is_open_while_the_client_reads(
    alice: GraphQLClient, library_resources: Resources, library_fixture: dict[str, Any]
) -> None:
    """A slow download must not hold a database connection (or a transaction) meanwhile."""
    await save_and_wait(alice)
    sessions = _CountingSessions(library_resources.sessionmaker)
    async with library_resources.sessionmaker() as session:
        snapshot = await latest_succeeded(session, await session.scalar(select(User.id)) or 0)
    assert snapshot is not None
    data = b""
    async for chunk in stream_export(sessions, snapshot):  # type: ignore[arg-type]
        assert sessions.open == 0
        data += chunk
    assert sessions.opened > 0
    check_archive(data, library_fixture["users"][0])


async def test_export_user_is_found_by_number_global_id_spotify_id_or_email(
    library_resources: Resources, library_emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(library_resources, library_emulator, "alice")
    async with library_resources.sessionmaker() as session:
        user = await session.get(User, user_id)
        assert user is not None
        user.email = "Alice@Example.org"
        await session.commit()
        forms = [str(user_id), to_base64("User", user_id), "alice", "alice@example.org"]
        assert [await find_user(session, form) for form in forms] == [user_id] * 4
        # Someone else's kind of id is not a user's.
        with pytest.raises(NotFound):
            await find_user(session, to_base64("LibrarySnapshot", user_id))


async def test_export_cli_says_which_kinds_of_user_id_it_tried(
    settings: Settings, tmp_path: Path
) -> None:
    env = {**os.environ, "MIXTAPE_DATABASE_URL": settings.database_url}
    env.pop("MIXTAPE_REDIS_URL", None)
    command = (
        str(Path(sys.executable).parent / "mixtape"),
        "export",
        "--out",
        str(tmp_path / "x.zip"),
    )

    async def run(user: str) -> str:
        process = await asyncio.create_subprocess_exec(
            *command, "--user", user, env=env, stderr=asyncio.subprocess.PIPE
        )
        _, stderr = await process.communicate()
        assert process.returncode == 1
        return stderr.decode()

    assert "(tried it as: Spotify user id, email address)" in await run("nobody@example.org")
    numbered = await run("4242")
    assert "(tried it as: user number, Spotify user id, email address)" in numbered
    assert "Traceback" not in numbered
    global_id = await run(to_base64("User", 4242))
    assert "(tried it as: GraphQL User id, Spotify user id, email address)" in global_id
