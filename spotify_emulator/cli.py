"""`mixtape spotify-emulator`: serve the emulator, or `generate` a fixture file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from spotify_emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, EmulatorConfig


@click.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8888, show_default=True, type=int)
@click.option(
    "--fixture",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Fixture JSON; without it a small generated library is served.",
)
@click.option("--client-id", default=DEFAULT_CLIENT_ID, show_default=True)
@click.option("--client-secret", default=DEFAULT_CLIENT_SECRET, show_default=True)
@click.option(
    "--redirect-uri",
    "redirect_uris",
    multiple=True,
    help="Registered redirect URI (repeatable). Default: any http loopback URI.",
)
@click.option("--latency-ms", default=0.0, type=float, show_default=True)
@click.option("--rate-limit", type=int, help="Requests per rolling 30 s window, app-wide.")
@click.option("--fault-rate", default=0.0, type=click.FloatRange(0, 1), show_default=True)
@click.option("--fault-seed", default=0, type=int, show_default=True)
@click.option("--dev-mode/--no-dev-mode", default=False, show_default=True)
@click.option("--token-ttl", default=3600, type=int, show_default=True)
@click.option("--rotate-refresh-tokens/--no-rotate-refresh-tokens", default=True, show_default=True)
@click.option("--omit-refresh-token", is_flag=True, help="Refresh responses omit refresh_token.")
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False),
    help="JSON file keeping issued tokens across restarts (default: memory only).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    /,
    host: str,
    port: int,
    fixture: Path | None,
    redirect_uris: tuple[str, ...],
    **knobs: Any,
) -> None:
    """Run a local Spotify (accounts service at /, Web API at /v1, control at /_emulator)."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from spotify_emulator.app import create_app
    from spotify_emulator.fixtures import read_fixture
    from spotify_emulator.generator import generate_fixture

    data = read_fixture(fixture) if fixture else generate_fixture(users=2)
    config = EmulatorConfig(redirect_uris=list(redirect_uris) or None, **knobs)
    click.echo(f"Spotify emulator on http://{host}:{port} (Web API at /v1)", err=True)
    uvicorn.run(
        create_app(data, config), host=host, port=port, log_level="warning", timeout_keep_alive=75
    )


@cli.command()
@click.option("--users", default=1, show_default=True, type=click.IntRange(1))
@click.option("--saved-tracks", default=50, show_default=True, type=click.IntRange(0))
@click.option("--saved-albums", default=10, show_default=True, type=click.IntRange(0))
@click.option("--playlists", default=5, show_default=True, type=click.IntRange(0))
@click.option("--playlist-items", default=100, show_default=True, type=click.IntRange(0))
@click.option("--followed-artists", default=20, show_default=True, type=click.IntRange(0))
@click.option("--new-releases", default=20, show_default=True, type=click.IntRange(0))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def generate(out: Path, **sizes: int) -> None:
    """Write a deterministic fixture (same options and seed, same bytes)."""
    import orjson

    from spotify_emulator.generator import generate_fixture

    fixture = generate_fixture(**sizes)
    out.write_bytes(orjson.dumps(fixture))
    users = len(fixture["users"])
    click.echo(f"wrote {out} ({users} users)", err=True)
