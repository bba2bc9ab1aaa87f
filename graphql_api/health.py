"""Liveness and readiness probes."""

from __future__ import annotations

import logging

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse

from graphql_api.db.migrations import current_revisions
from graphql_api.state import app_state

log = logging.getLogger(__name__)


async def healthz(_request: Request) -> JSONResponse:
    """The process is up and serving."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready for traffic: the database answers and is migrated; Redis answers when configured."""
    state = app_state(request)
    resources = state.resources
    checks: dict[str, str] = {}
    try:
        async with resources.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        current = await current_revisions(resources.engine)
        checks["database"] = "ok"
        checks["migrations"] = (
            "ok"
            if current == state.head_revisions
            else f"at {sorted(current) or 'nothing'}, "
            f"expected {sorted(state.head_revisions)}: run `mixtape migrate`"
        )
    except Exception as exc:
        log.warning("readiness: database check failed: %s", exc)
        checks["database"] = f"unreachable: {type(exc).__name__}"
    if resources.redis is not None:
        try:
            await resources.redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            log.warning("readiness: redis check failed: %s", exc)
            checks["redis"] = f"unreachable: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )
