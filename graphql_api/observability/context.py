"""What a log line concerns: request id, user, GraphQL operation, job, in context variables.

The request middleware binds the request id, authentication the user, the GraphQL extension
the operation and the job wrapper the job; every log record made meanwhile carries them
(``logs.ContextFilter``), whichever module logs it. Context variables follow asyncio tasks,
so a task started during a request keeps that request's fields.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("mixtape_request_id", default=None)
user_id: ContextVar[int | None] = ContextVar("mixtape_user_id", default=None)
operation: ContextVar[str | None] = ContextVar("mixtape_operation", default=None)
job_id: ContextVar[str | None] = ContextVar("mixtape_job_id", default=None)

# A client's X-Request-ID is kept when it is a plain token of sane length (it ends up in
# every log line: no spaces, quotes or control characters), else one is made.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")


def request_id_from(header: str | None) -> str:
    """The request id: the client's ``X-Request-ID`` when usable, else a new one."""
    if header is not None and _REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def set_user(value: int | None) -> None:
    """Note the authenticated user for the rest of this request (or task)."""
    user_id.set(value)


def set_operation(value: str | None) -> None:
    """Note the GraphQL operation being run."""
    operation.set(value)


@contextlib.contextmanager
def bound(*, job: str | None = None, request: str | None = None) -> Iterator[None]:
    """Bind a job id and/or a request id for the block (and reset them after)."""
    tokens = []
    if job is not None:
        tokens.append((job_id, job_id.set(job)))
    if request is not None:
        tokens.append((request_id, request_id.set(request)))
    try:
        yield
    finally:
        for variable, token in reversed(tokens):
            variable.reset(token)


def fields() -> dict[str, object]:
    """The context of the current task, without the fields that are not set."""
    values = {
        "request_id": request_id.get(),
        "user_id": user_id.get(),
        "operation": operation.get(),
        "job_id": job_id.get(),
    }
    return {key: value for key, value in values.items() if value is not None}
