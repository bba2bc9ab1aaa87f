"""``mixtape releases ingest``: one ingest run now, with a progress bar."""

from __future__ import annotations

import contextlib

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from graphql_api.releases.ingest import IngestReport, run_ingest
from graphql_api.resources import Resources


async def ingest_with_progress(
    resources: contextlib.AbstractAsyncContextManager[Resources], *, show: bool = True
) -> IngestReport:
    """Run the ingest once in ``resources``, showing each phase's progress."""
    columns = (
        TextColumn("{task.description:>16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    )  # fmt: skip
    with Progress(*columns, disable=not show) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        async with resources as opened:
            return await run_ingest(opened, progress=progress)


def summary(report: IngestReport) -> str:
    """One line saying what the run did."""
    source = report.source.value.lower().replace("_", " ") if report.source else "nothing"
    return (
        f"Read {report.albums_seen} albums from {source} in {report.requests} requests: "
        f"{report.releases_added} new releases, {report.artists_refreshed} artists refreshed."
    )
