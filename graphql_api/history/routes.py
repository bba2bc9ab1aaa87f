"""``POST /history/imports``: upload a streaming-history export, imported by a job.

The body is the zip Spotify sends (``application/zip``) or one of its JSON files
(``application/json``). It is streamed to a file under ``MIXTAPE_HISTORY_UPLOAD_DIR``,
never held in memory, and refused (413) past ``MIXTAPE_HISTORY_MAX_UPLOAD_BYTES`` while
reading. The answer is 202 with the import's id; its progress is in GraphQL
(``historyImport``).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import uuid
from pathlib import Path

import anyio
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.relay import GlobalID

from graphql_api.auth.requests import error_response, require_user
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import (
    BadUserInput,
    MixtapeError,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from graphql_api.history.imports import create_import
from graphql_api.history.sources import ZIP_MAGIC, list_sources
from graphql_api.state import app_state

ZIP_TYPES = {"application/zip", "application/x-zip-compressed"}
JSON_TYPES = {"application/json"}


def _file_name(request: Request, is_zip: bool) -> str:
    raw = request.query_params.get("filename") or ""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", raw.rsplit("/", 1)[-1])[:100].strip("._")
    suffix = ".zip" if is_zip else ".json"
    return (safe.removesuffix(suffix) or "upload") + suffix


def _media_type(request: Request) -> str:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind not in ZIP_TYPES | JSON_TYPES:
        raise UnsupportedMediaType(
            "Send the export's zip as application/zip, or one of its JSON files as "
            "application/json."
        )
    return kind


def _declared_size(request: Request, limit: int) -> None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The upload is larger than {limit} bytes.", limit=limit)


async def _receive(request: Request, target: Path, limit: int) -> int:
    """Stream the body into ``target``; its size."""
    size = 0
    try:
        async with await anyio.open_file(target, "wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(f"The upload is larger than {limit} bytes.", limit=limit)
                await out.write(chunk)
    except ClientDisconnect as error:
        raise BadUserInput("The upload was cut off.") from error
    if size == 0:
        raise BadUserInput("The upload is empty.")
    return size


async def upload_history(request: Request) -> Response:
    """Store the upload and queue its import; 202 with the import's id."""
    resources = app_state(request).resources
    settings = resources.settings
    folder: Path | None = None
    try:
        user_id = await require_user(request)
        is_zip = _media_type(request) in ZIP_TYPES
        _declared_size(request, settings.history_max_upload_bytes)
        folder = settings.history_upload_dir / uuid.uuid4().hex
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        target = folder / _file_name(request, is_zip)
        await _receive(request, target, settings.history_max_upload_bytes)
        async with await anyio.open_file(target, "rb") as check:
            head = await check.read(4)
        if is_zip != (head == ZIP_MAGIC):
            raise BadUserInput(
                "The body is not a zip."
                if is_zip
                else "The body is a zip: send it as application/zip."
            )
        sources = await asyncio.to_thread(list_sources, [target])
        async with unit_of_work(resources.sessionmaker) as uow:
            row = await create_import(
                uow, resources.queue, user_id, sources, upload_dir=str(folder)
            )
    except MixtapeError as error:
        if folder is not None:
            await asyncio.to_thread(shutil.rmtree, folder, True)
        return error_response(error)
    body = {
        "id": str(GlobalID("HistoryImport", str(row.id))),
        "status": row.status.value,
        "files": [source.name for source in sources],
    }
    return JSONResponse(body, status_code=202)


routes = [Route("/history/imports", upload_history, methods=["POST"])]
