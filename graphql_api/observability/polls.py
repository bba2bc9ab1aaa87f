"""Now-playing poll metrics: how late each poll starts, and how many are in flight."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from graphql_api.observability.metrics import POLL_LAG, POLLED_USERS, POLLS


@contextlib.contextmanager
def observed_poll(due_at: dt.datetime | None) -> Iterator[None]:
    """Count one poll starting now (scheduled for ``due_at``) while it runs."""
    POLLS.inc()
    if due_at is not None:
        if due_at.tzinfo is None:  # SQLite hands naive UTC back
            due_at = due_at.replace(tzinfo=dt.UTC)
        POLL_LAG.observe(max(0.0, (dt.datetime.now(dt.UTC) - due_at).total_seconds()))
    POLLED_USERS.inc()
    try:
        yield
    finally:
        POLLED_USERS.dec()
