"""The ``mixtape`` command."""

from __future__ import annotations

from pathlib import Path

import click

from graphql_api.settings import Settings, get_settings


@click.group()
def main() -> None:
    """Mixtape: your Spotify music life in a database you own."""
    from graphql_api.observability.logs import configure_logging

    configure_logging(get_settings())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Uvicorn processes (more than one needs MIXTAPE_REDIS_URL and real Spotify).",
)
@click.option("--migrate/--no-migrate", default=False, help="Upgrade the database first.")
def serve(host: str, port: int, workers: int, migrate: bool) -> None:
    """Serve the GraphQL API."""
    import uvicorn

    problem = several_processes_problem(get_settings(), workers)
    if problem is not None:
        raise click.UsageError(problem)
    if migrate:
        from graphql_api.db.migrations import upgrade

        upgrade(get_settings())
    if workers > 1:
        share_metrics(get_settings())
    uvicorn.run(
        "graphql_api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # The app trusts forwarded headers itself, from MIXTAPE_TRUSTED_PROXIES only.
        proxy_headers=False,
        log_config=None,
        # The app logs each request itself, with its request id (observability/http.py).
        access_log=False,
        timeout_keep_alive=KEEP_ALIVE_S,
    )


# Idle keep-alive connections stay open longer than clients keep theirs (httpx and browsers:
# 5 s or more, load balancers: often 60 s): a client never sends a request on a connection the
# server is closing at that moment (uvicorn's own default is 5 s, the same as httpx's).
KEEP_ALIVE_S = 75


def share_metrics(settings: Settings) -> None:
    """Let the processes of ``serve --workers N`` add their metrics up (prometheus-client's
    multiprocess mode); this process serves MIXTAPE_METRICS_PORT for all of them."""
    import tempfile

    from graphql_api.observability.exposition import prepare_multiprocess, serve_metrics_port

    if not settings.metrics_enabled:
        return
    folder = settings.metrics_multiproc_dir or Path(tempfile.mkdtemp(prefix="mixtape-metrics-"))
    prepare_multiprocess(folder)
    serve_metrics_port(settings)  # a daemon thread, for as long as the command runs


def several_processes_problem(settings: Settings, workers: int) -> str | None:
    """Why ``workers`` API processes cannot share the work under ``settings``, if they
    cannot. Without Redis, jobs, events and locks live inside each process; in demo mode,
    so does the Spotify emulator."""
    from graphql_api.spotify.demo import wants_demo

    if workers <= 1:
        return None
    if not settings.redis_url:
        return (
            f"--workers {workers} needs MIXTAPE_REDIS_URL. Without Redis, jobs, pub/sub "
            "events and locks live inside each process: a subscription served by one "
            "process would never see events published by another. Set MIXTAPE_REDIS_URL "
            "(and run `mixtape worker`), or serve with one process."
        )
    if wants_demo(settings):
        return (
            f"--workers {workers} is not possible in demo mode: each process would start "
            "its own Spotify emulator, and a login begun on one would fail on another. "
            "Set MIXTAPE_SPOTIFY_CLIENT_ID and MIXTAPE_SPOTIFY_CLIENT_SECRET, or serve "
            "with one process."
        )
    return None


@main.command()
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker(burst: bool) -> None:
    """Run an arq worker (needs MIXTAPE_REDIS_URL)."""
    from workers.settings import run_worker

    settings = get_settings()
    if not settings.redis_url:
        raise click.ClickException(
            "MIXTAPE_REDIS_URL is not set: without Redis, jobs run inside `mixtape serve`."
        )
    run_worker(settings, burst=burst)


@main.command()
@click.argument("revision", default="head")
@click.option("--down", is_flag=True, help="Downgrade to REVISION instead (e.g. base).")
def migrate(revision: str, down: bool) -> None:
    """Upgrade the database to REVISION (default: head)."""
    from graphql_api.db import migrations

    settings = get_settings()
    if down:
        migrations.downgrade(settings, revision)
    else:
        migrations.upgrade(settings, revision)


def _mount_emulator() -> None:
    # The emulator is its own package; `mixtape spotify-emulator …` is its command.
    from spotify_emulator.cli import cli as emulator_cli

    main.add_command(emulator_cli, name="spotify-emulator")


_mount_emulator()


def _mount_admin() -> None:
    from graphql_api.admin_cli import admin

    main.add_command(admin, name="admin")


_mount_admin()


@main.command("export")
@click.option(
    "--user",
    required=True,
    help="The user: number, GraphQL User id, Spotify user id or email address.",
)
@click.option("--snapshot", "snapshot_id", type=int, help="A snapshot id (default: the latest).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export(user: str, snapshot_id: int | None, out: Path) -> None:
    """Export a library snapshot to a zip of CSV files and one JSON file."""
    import asyncio

    from graphql_api.errors import MixtapeError
    from graphql_api.library.cli_export import run_export

    try:
        size = asyncio.run(run_export(get_settings(), user, snapshot_id, out))
    except MixtapeError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Wrote {out} ({size:,} bytes).")


@main.group()
def releases() -> None:
    """New releases (docs/releases.md)."""


@releases.command("ingest")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def releases_ingest(quiet: bool) -> None:
    """Ingest new releases from Spotify now (what the hourly job does)."""
    import asyncio
    import contextlib
    from collections.abc import AsyncIterator

    from graphql_api.composition import open_app_resources
    from graphql_api.releases.cli import ingest_with_progress, summary
    from graphql_api.resources import Resources
    from graphql_api.spotify.demo import demo_spotify

    @contextlib.asynccontextmanager
    async def resources() -> AsyncIterator[Resources]:
        # Without Spotify credentials (outside production), the demo emulator, as `serve`.
        async with (
            demo_spotify(get_settings()) as effective,
            open_app_resources(effective) as opened,
        ):
            yield opened

    report = asyncio.run(ingest_with_progress(resources(), show=not quiet))
    click.echo(summary(report))
    if not report.succeeded:
        raise click.ClickException(f"{report.error_message} ({report.error_code})")


@main.group()
def history() -> None:
    """Listening history from Spotify's extended streaming history export."""


@history.command("import")
@click.option(
    "--user",
    required=True,
    help="The user: number, GraphQL User id, Spotify user id or email address.",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def history_import(user: str, files: tuple[Path, ...]) -> None:
    """Import FILES (the export's zip, its Streaming_History_Audio_*.json files, or a folder)."""
    import asyncio

    from graphql_api.composition import open_app_resources
    from graphql_api.db.models import HistoryImport, HistoryImportStatus
    from graphql_api.errors import MixtapeError
    from graphql_api.history.cli_import import run_history_import

    async def run() -> HistoryImport:
        async with open_app_resources(get_settings()) as resources:
            return await run_history_import(resources, user, list(files))

    try:
        row = asyncio.run(run())
    except MixtapeError as error:
        raise click.ClickException(error.message) from error
    counts = (
        f"{row.plays_added:,} plays added, {row.plays_merged:,} merged with recorded plays, "
        f"{row.skips_added:,} skips, {row.entries_ignored:,} entries ignored"
    )
    if row.status is not HistoryImportStatus.SUCCEEDED:
        raise click.ClickException(
            f"Import {row.id} failed: {row.error_message} ({counts} before it). "
            "Fix or remove the file and run the same command again: nothing is imported twice."
        )
    click.echo(f"Import {row.id} done: {counts}.")
