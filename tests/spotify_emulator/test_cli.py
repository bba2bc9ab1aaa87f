"""The command line: `generate` writes a fixture; serving answers over a real socket."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from pathlib import Path

import httpx
from click.testing import CliRunner

from spotify_emulator.cli import cli
from spotify_emulator.generator import generate_fixture


def test_generate_writes_the_fixture(tmp_path: Path) -> None:
    out = tmp_path / "fixture.json"
    args = ["generate", "--users", "2", "--saved-tracks", "12", "--playlists", "2"]
    result = CliRunner().invoke(
        cli, [*args, "--playlist-items", "10", "--seed", "4", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text())
    expected = generate_fixture(users=2, saved_tracks=12, playlists=2, playlist_items=10, seed=4)
    assert written == json.loads(json.dumps(expected))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_serve_from_a_fixture_file(tmp_path: Path) -> None:
    fixture = tmp_path / "fixture.json"
    fixture.write_text(json.dumps(generate_fixture(saved_tracks=5, seed=1)))
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "spotify_emulator",
        "--port",
        str(port),
        "--fixture",
        str(fixture),
        "--client-id",
        "cli-client",
        "--rate-limit",
        "100",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            # A cold interpreter on a loaded machine may take a while to import and bind.
            for _ in range(600):
                try:
                    response = await client.post("/_emulator/tokens", json={"user_id": "alice"})
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("the emulator process never answered")
            token = response.json()["access_token"]
            me = await client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert me.json()["id"] == "alice"
            assert (await client.get("/_emulator/config")).json()["rate_limit"] == 100
    finally:
        process.terminate()
        await process.wait()
