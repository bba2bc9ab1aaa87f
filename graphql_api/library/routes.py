"""``GET /export/snapshots/{id}.zip``: a snapshot as a streamed zip, for its owner only."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from strawberry.relay import GlobalID

from graphql_api.auth.requests import error_response, require_user
from graphql_api.db.models import LibrarySnapshot, SnapshotStatus
from graphql_api.errors import BadUserInput, Conflict, MixtapeError, NotFound
from graphql_api.kit.ids import decode_global_id, parse_db_int
from graphql_api.library.export import stream_export
from graphql_api.library.snapshots import snapshot_of
from graphql_api.state import app_state


def parse_snapshot_id(raw: str) -> int:
    """A snapshot id given as its GraphQL global id or as a plain number."""
    number = parse_db_int(raw)
    if number is not None:
        return number
    try:
        return decode_global_id(GlobalID.from_id(raw), "LibrarySnapshot")
    except (ValueError, TypeError) as error:
        raise BadUserInput("Not a snapshot id.", argument=raw) from error


async def _exportable(request: Request) -> LibrarySnapshot:
    user_id = await require_user(request)
    snapshot_id = parse_snapshot_id(request.path_params["snapshot_id"])
    resources = app_state(request).resources
    async with resources.reader() as session:
        snapshot = await snapshot_of(session, user_id, snapshot_id)
    if snapshot is None:
        raise NotFound("No such snapshot.")
    if snapshot.status is not SnapshotStatus.SUCCEEDED:
        raise Conflict("Only a successful snapshot can be exported.", status=snapshot.status.value)
    return snapshot


async def export_snapshot(request: Request) -> Response:
    """Stream the zip; errors before the first byte are JSON with a status."""
    try:
        snapshot = await _exportable(request)
    except MixtapeError as error:
        return error_response(error)
    sessionmaker = app_state(request).resources.reader
    filename = f"mixtape-library-v{snapshot.version}.zip"
    return StreamingResponse(
        stream_export(sessionmaker, snapshot),
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


routes = [Route("/export/snapshots/{snapshot_id}.zip", export_snapshot, methods=["GET"])]
