"""``mixtape admin``: manage users, sessions, keys and stuck work from a shell.

Every command goes through the domain functions the API uses, in one unit of work per
command; those that change data take ``--dry-run``, which does the same work and rolls it
back, reporting what would have changed. USER is what ``mixtape export --user`` takes: a
user number, a GraphQL User id, a Spotify user id or an email address.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import click

from graphql_api.settings import Settings, get_settings

T = TypeVar("T")

dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Do everything, then roll it back and report."
)


class _DryRun(Exception):
    """Raised at the end of a dry run's unit of work, so that it rolls back."""


@contextlib.asynccontextmanager
async def _resources(settings: Settings) -> AsyncIterator[Any]:
    from graphql_api.composition import open_app_resources

    async with open_app_resources(settings) as resources:
        yield resources


def _run(work: Callable[[Any], Awaitable[T]], *, dry_run: bool = False) -> T:
    """Run ``work(uow_and_resources)`` in a unit of work; a dry run rolls it back."""
    from graphql_api.db.uow import unit_of_work
    from graphql_api.errors import MixtapeError

    async def main() -> T:
        async with _resources(get_settings()) as resources:
            result: T
            try:
                async with unit_of_work(resources.sessionmaker) as uow:
                    result = await work(_Handle(uow, resources))
                    if dry_run:
                        raise _DryRun
            except _DryRun:
                pass
            return result

    try:
        return asyncio.run(main())
    except MixtapeError as error:
        raise click.ClickException(error.message) from error


@dataclasses.dataclass(frozen=True)
class _Handle:
    uow: Any
    resources: Any

    async def user_id(self, user: str) -> int:
        from graphql_api.library.cli_export import find_user

        return await find_user(self.uow.session, user)


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, default=str, indent=2))


def _prefix(dry_run: bool) -> str:
    return "[dry run] would have: " if dry_run else ""


@click.group()
def admin() -> None:
    """Operate a Mixtape deployment (docs/operations.md)."""


@admin.group()
def users() -> None:
    """List, inspect, disable and delete users."""


@users.command("list")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--after", default=0, type=click.IntRange(min=0), help="Users after this id.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of a table.")
def users_list(limit: int, after: int, as_json: bool) -> None:
    """Users in id order."""
    from graphql_api.auth.admin import list_users

    found = _run(lambda h: list_users(h.uow, limit=limit, after=after))
    if as_json:
        _echo_json([dataclasses.asdict(user) for user in found])
        return
    for user in found:
        state = "disabled" if user.disabled_at else "active"
        spotify = user.spotify_user_id or "-"
        click.echo(
            f"{user.id}\t{state}\t{user.email or '-'}\t{spotify}\t{user.display_name}"
            f"\t{user.open_sessions} session(s)"
        )


@users.command("show")
@click.argument("user")
def users_show(user: str) -> None:
    """One user, as JSON."""
    from graphql_api.auth.admin import user_summary

    async def show(handle: _Handle) -> Any:
        return await user_summary(handle.uow, await handle.user_id(user))

    _echo_json(dataclasses.asdict(_run(show)))


@users.command("disable")
@click.argument("user")
@dry_run_option
def users_disable(user: str, dry_run: bool) -> None:
    """End the user's sessions and refuse their logins from now on."""
    from graphql_api.auth.admin import disable_user

    async def disable(handle: _Handle) -> tuple[int, int]:
        user_id = await handle.user_id(user)
        return user_id, await disable_user(handle.uow, handle.resources.pubsub, user_id)

    user_id, ended = _run(disable, dry_run=dry_run)
    click.echo(f"{_prefix(dry_run)}disabled user {user_id}; ended {ended} session(s).")


@users.command("enable")
@click.argument("user")
@dry_run_option
def users_enable(user: str, dry_run: bool) -> None:
    """Let a disabled user log in again."""
    from graphql_api.auth.admin import enable_user

    async def enable(handle: _Handle) -> int:
        user_id = await handle.user_id(user)
        await enable_user(handle.uow, user_id)
        return user_id

    click.echo(f"{_prefix(dry_run)}enabled user {_run(enable, dry_run=dry_run)}.")


@users.command("delete")
@click.argument("user")
@dry_run_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def users_delete(user: str, dry_run: bool, yes: bool) -> None:
    """Delete the user and everything only theirs (sessions, link, library, plays)."""
    from graphql_api.auth.accounts import delete_account
    from graphql_api.auth.admin import revoke_user_sessions

    if not dry_run and not yes:
        click.confirm(f"Delete user {user!r} and all their data?", abort=True)

    async def delete(handle: _Handle) -> int:
        user_id = await handle.user_id(user)
        # Announced first, so that their open websockets close once this commits.
        await revoke_user_sessions(handle.uow, handle.resources.pubsub, user_id)
        await delete_account(handle.uow.session, user_id)
        return user_id

    click.echo(f"{_prefix(dry_run)}deleted user {_run(delete, dry_run=dry_run)}.")


@admin.group()
def sessions() -> None:
    """End sessions."""


@sessions.command("revoke")
@click.option("--user", "user", required=True, help="USER whose sessions all end.")
@dry_run_option
def sessions_revoke(user: str, dry_run: bool) -> None:
    """End every open session of a user (they must log in again)."""
    from graphql_api.auth.admin import revoke_user_sessions

    async def revoke(handle: _Handle) -> int:
        user_id = await handle.user_id(user)
        return await revoke_user_sessions(handle.uow, handle.resources.pubsub, user_id)

    click.echo(f"{_prefix(dry_run)}ended {_run(revoke, dry_run=dry_run)} session(s).")


@admin.group()
def keys() -> None:
    """Secret keys."""


@keys.command("rotate")
@click.option("--batch-size", default=100, show_default=True, type=click.IntRange(1, 10_000))
@dry_run_option
def keys_rotate(batch_size: int, dry_run: bool) -> None:
    """Re-encrypt every Spotify token under MIXTAPE_SECRET_KEY, and move release feed URLs
    to it (resumable: run it again after an interruption). The old key must be in
    MIXTAPE_PREVIOUS_SECRET_KEYS."""
    from graphql_api.auth.key_rotation import rotate_token_keys
    from graphql_api.db.engine import create_engine, create_sessionmaker
    from graphql_api.releases.feed import rederive_feeds

    settings = get_settings()

    async def rotate() -> Any:
        engine = create_engine(settings.database_url, pgbouncer=settings.database_pgbouncer)
        try:
            sessionmaker = create_sessionmaker(engine)
            rotation = await rotate_token_keys(
                sessionmaker, settings, batch_size=batch_size, dry_run=dry_run
            )
            async with sessionmaker() as session:
                feeds = await rederive_feeds(session, settings)
                await (session.rollback() if dry_run else session.commit())
            return rotation, feeds
        finally:
            await engine.dispose()

    rotation, (feeds, lost_feeds) = asyncio.run(rotate())
    click.echo(
        f"{_prefix(dry_run)}re-encrypted {rotation.rotated} of {rotation.checked} Spotify "
        f"link(s); {rotation.unreadable} unreadable under every known key. Pending link "
        f"codes: {rotation.codes_rotated} of {rotation.codes_checked} re-encrypted, "
        f"{rotation.codes_burnt} burnt (unreadable; their owners link again). Release "
        f"feeds: {feeds} moved to the new key (their URLs change), {lost_feeds} under no "
        "known key."
    )
    if rotation.unreadable:
        raise click.ClickException(
            "Some links open under no known key: add the key they were written with to "
            "MIXTAPE_PREVIOUS_SECRET_KEYS, or those users must link Spotify again."
        )


@admin.command("prune")
@dry_run_option
def prune(dry_run: bool) -> None:
    """Delete expired authentication rows now (the hourly cron job does it too)."""
    from graphql_api.auth.prune import prune as prune_rows

    async def run(handle: _Handle) -> Any:
        return await prune_rows(handle.uow.session, handle.resources.settings)

    pruned = _run(run, dry_run=dry_run)
    counts = ", ".join(f"{count} {kind}" for kind, count in dataclasses.asdict(pruned).items())
    click.echo(f"{_prefix(dry_run)}deleted {counts}.")


@admin.group()
def snapshots() -> None:
    """Library snapshots."""


@snapshots.command("retry")
@click.option("--stuck", is_flag=True, required=True, help="Snapshots whose lease ran out.")
@dry_run_option
def snapshots_retry(stuck: bool, dry_run: bool) -> None:
    """Queue stuck snapshots again now (or fail those out of attempts), as the recovery
    sweep does on its own every MIXTAPE_SNAPSHOT_RECOVERY_INTERVAL_S. Without Redis the
    snapshots run in this command."""
    from graphql_api.db.base import utcnow
    from graphql_api.jobs import InProcessQueue
    from graphql_api.library.recovery import lost_snapshots, sweep

    async def main() -> int:
        async with _resources(get_settings()) as resources:
            if dry_run:
                async with resources.sessionmaker() as session:
                    lost = await lost_snapshots(session, resources.settings, utcnow())
                for snapshot in lost:
                    click.echo(f"snapshot {snapshot.id} (user {snapshot.user_id})")
                return len(lost)
            found = await sweep(resources)
            if isinstance(resources.queue, InProcessQueue):
                await resources.queue.join()
            return found

    click.echo(f"{_prefix(dry_run)}retried {asyncio.run(main())} stuck snapshot(s).")
