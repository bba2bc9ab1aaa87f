"""``mixtape history import``: import export files from disk, with a progress bar.

The files are read where they are (no upload, no copy); the import is the same job the
upload route queues, run here in the foreground, and resumable the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from graphql_api.db.models import HistoryImport
from graphql_api.db.uow import unit_of_work
from graphql_api.history.imports import create_import
from graphql_api.history.runner import run_import
from graphql_api.history.sources import list_sources
from graphql_api.library.cli_export import find_user
from graphql_api.resources import Resources


def _show(bar: Progress, task: TaskID) -> Callable[[HistoryImport], None]:
    def watch(row: HistoryImport) -> None:
        bar.update(
            task,
            completed=row.progress_fraction,
            description=(
                f"{row.phase or 'starting'}: {row.plays_added:,} plays, "
                f"{row.skips_added:,} skips, {row.plays_merged:,} merged"
            ),
        )

    return watch


async def run_history_import(
    resources: Resources, user: str, paths: list[Path], *, show: bool = True
) -> HistoryImport:
    """Import ``paths`` for ``user`` (as ``mixtape export`` names users); the finished row."""
    async with resources.reader() as session:
        user_id = await find_user(session, user)
    sources = await asyncio.to_thread(list_sources, [p.resolve() for p in paths])
    async with unit_of_work(resources.sessionmaker) as uow:
        row = await create_import(uow, None, user_id, sources)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, disable=not show) as bar:
        task = bar.add_task("checking", total=1.0)
        await run_import(resources, row.id, watch=_show(bar, task))
    async with resources.reader() as session:
        done = await session.get(HistoryImport, row.id)
    assert done is not None
    return done
