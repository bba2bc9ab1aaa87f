"""The GraphQL endpoint: HTTP and websockets (graphql-transport-ws) at ``/graphql``."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from sqlalchemy.exc import TimeoutError as SqlTimeout
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UnsetType

from graphql_api.auth.requests import (
    room_token_of,
    room_token_of_params,
    viewer_of,
    viewer_of_connection_params,
)
from graphql_api.auth.session_watch import current_viewer, until_session_ends
from graphql_api.errors import Unauthenticated
from graphql_api.graphiql import render_graphiql
from graphql_api.http_limits import (
    GRAPHQL_RESPONSE_JSON,
    BodyTooLarge,
    declared_length,
    error_response,
    limit_body,
    preferred_media_type,
)
from graphql_api.resolvers.context import Context
from graphql_api.state import app_state


class RecheckingTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, with the viewer checked again at every ``subscribe``.

    The token is verified at ``connection_init``, but a socket may stay open for hours: a
    logout, a reused refresh token (which revokes the session), a deleted account or an
    expired token must reach connections already open. An operation of a connection whose
    authorization no longer holds closes it with 4403, as at ``connection_init``; the client
    reconnects with a fresh token.

    Between subscribes, a watcher per authenticated connection closes it the same way as
    soon as its session ends anywhere or its access token expires
    (``graphql_api/auth/session_watch.py``).
    """

    _session_watch: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except SqlTimeout:
            # A burst of connections waited out the database pool: a refusal the client
            # may retry (1013, try again later), not an error of the app.
            with contextlib.suppress(RuntimeError):
                await self.websocket.close(code=1013, reason="Try again later")
            return
        user_id = self.context.viewer_id
        if self.connection_acknowledged and user_id is not None and self._session_watch is None:
            self._session_watch = asyncio.create_task(self._close_when_session_ends(user_id))

    async def _close_when_session_ends(self, user_id: int) -> None:
        context = self.context
        try:
            reason = await until_session_ends(context.resources, context.connection_params, user_id)
        except Exception:
            # Without its watcher a connection could outlive its session: end it.
            self.task_logger.exception("session watcher failed")
            code, text = 1011, "Session check failed"
        else:
            code, text = 4403, f"Forbidden: {reason}"
        # Stop the operations first: none may send another event, nor fail sending it.
        for operation_id in list(self.operations):
            await self.cleanup_operation(operation_id)
        with contextlib.suppress(RuntimeError):  # the socket closed meanwhile
            await self.websocket.close(code=code, reason=text)

    async def shutdown(self) -> None:
        if self._session_watch is not None:
            self._session_watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._session_watch
        await super().shutdown()

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        context = self.context
        if self.connection_acknowledged and context.viewer_id is not None:
            viewer = await current_viewer(
                context.resources, context.connection_params, context.viewer_id
            )
            if isinstance(viewer, str):
                await self.websocket.close(code=4403, reason=f"Forbidden: {viewer}")
                return
        await super().handle_subscribe(message)


def _speak_graphql_response_json(request: Request, response: Response) -> None:
    """Turn an application/json answer into the graphql-response+json one.

    application/json keeps 200 for every well-formed request, as the GraphQL-over-HTTP spec
    asks; under graphql-response+json a request error (noted by process_result) is a 400.
    """
    if response.media_type != "application/json":
        return  # an error of the HTTP layer, GraphiQL's page
    response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
    if getattr(request.state, "graphql_request_error", False):
        response.status_code = 400


class MixtapeGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = RecheckingTransportWSHandler

    def __init__(self, schema: object) -> None:
        super().__init__(
            schema,  # type: ignore[arg-type]
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            keep_alive=True,
            keep_alive_interval=15,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._serve_http(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def _serve_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The HTTP side of the GraphQL-over-HTTP spec: a bounded body, JSON errors for
        # requests refused before any operation ran, and the negotiated media type.
        limit = app_state(Request(scope)).resources.settings.graphql_max_body_bytes
        declared = declared_length(scope)
        try:
            if declared is not None and declared > limit:
                raise BodyTooLarge(limit)
            request = Request(scope, receive=limit_body(receive, limit))
            response = await self.run(request)
            if preferred_media_type(request.headers.get("accept")) == GRAPHQL_RESPONSE_JSON:
                _speak_graphql_response_json(request, response)
        except BodyTooLarge as error:
            # Connection: close, as the rest of the body is left unread.
            response = error_response(413, str(error), {"connection": "close"})
        except HTTPException as error:
            response = error_response(error.status_code, error.reason)
        except Unauthenticated as error:
            # Raised by get_context for a bad bearer token, before any operation runs.
            body = {
                "data": None,
                "errors": [
                    {
                        "message": error.message,
                        "extensions": {**error.extensions, "code": error.code},
                    }
                ],
            }
            headers = {"www-authenticate": "Bearer"}
            response = JSONResponse(body, status_code=401, headers=headers)
        await response(scope, receive, send)

    def encode_json(self, data: object) -> str | bytes:
        # orjson: several times faster than json.dumps on a page of 50 nested nodes (the
        # read path's serialization; docs/performance.md). Anything it refuses (an
        # integer beyond 64 bits in an extension) goes through the standard library.
        try:
            return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:
            return json.dumps(data, separators=(",", ":"))

    def decode_json(self, data: str | bytes) -> object:
        # Bytes that are not UTF-8, integers beyond Python's 4,300 digits and nesting beyond
        # the recursion limit are malformed JSON too: a 400 over HTTP, a 4400 close over a
        # websocket, as for any other JSONDecodeError.
        try:
            return json.loads(data)
        except json.JSONDecodeError:
            raise
        except (ValueError, RecursionError) as error:
            raise json.JSONDecodeError(f"Malformed JSON: {error}", "", 0) from error

    def parse_json(self, data: str | bytes) -> Any:
        try:
            value = self.decode_json(data)
        except json.JSONDecodeError as error:
            raise HTTPException(400, "The request body is not valid JSON.") from error
        if not isinstance(value, dict | list):
            raise HTTPException(400, "A GraphQL request must be a JSON object.")
        return value

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # Subscriptions are served over websockets only: over HTTP they would run as a
        # query and fail inside execution. GraphiQL sends one over POST when Run is
        # clicked before its websocket is set up.
        allowed = OperationType.from_http(request_adapter.method) - {OperationType.SUBSCRIPTION}
        if request_adapter.method == "GET":
            allowed -= {OperationType.MUTATION}
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.SUBSCRIPTION:
                raise HTTPException(
                    400,
                    "Subscriptions are served over websockets (graphql-transport-ws) at "
                    "/graphql, not over HTTP.",
                ) from error
            # A mutation over GET: 405, as the GraphQL-over-HTTP spec asks.
            raise HTTPException(405, error.as_http_error_reason(request_adapter.method)) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request.") from error

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        errors = result.errors or []
        if result.data is None and errors and all(error.path is None for error in errors):
            # Refused before execution (parse, validation, limits, variables): a request
            # error. It has no data entry, and a 400 under graphql-response+json.
            response.pop("data", None)
            request.state.graphql_request_error = True
        return response

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        # Websockets authenticate in on_ws_connect, from the connection_init payload.
        viewer = None if isinstance(request, WebSocket) else await viewer_of(request)
        return Context(
            request=request,
            response=response,
            resources=app_state(request).resources,
            viewer_id=viewer.user_id if viewer else None,
            viewer_session_id=viewer.session_id if viewer else None,
            room_token=None if isinstance(request, WebSocket) else room_token_of(request),
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        # No authorization at all is an anonymous connection; an invalid one is refused
        # with 4403, as graphql-transport-ws prescribes.
        try:
            viewer = await viewer_of_connection_params(context.resources, context.connection_params)
        except Unauthenticated as error:
            raise ConnectionRejectionError({"code": error.code}) from error
        if viewer is not None:
            context.viewer_id = viewer.user_id
            context.viewer_session_id = viewer.session_id
        context.room_token = room_token_of_params(context.connection_params)
        return await super().on_ws_connect(context)

    async def get_root_value(self, request: Request | WebSocket) -> None:
        return None

    async def render_graphql_ide(self, request: Request) -> Response:
        if not app_state(request).resources.settings.graphql_ide_enabled:
            return error_response(404, "The GraphiQL explorer is turned off here.")
        # Served from local assets when `make assets` fetched them (see graphql_api/graphiql.py).
        return render_graphiql(request)
