"""The GraphQL endpoint: HTTP and websockets (graphql-transport-ws) at ``/graphql``."""

from __future__ import annotations

import asyncio
import contextlib

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)
from strawberry.types.unset import UnsetType

from graphql_api.auth.requests import viewer_of, viewer_of_connection_params
from graphql_api.auth.session_watch import current_viewer, until_session_ends
from graphql_api.errors import Unauthenticated
from graphql_api.graphiql import render_graphiql
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
        await super().handle_connection_init(message)
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
        try:
            await super().__call__(scope, receive, send)
        except Unauthenticated as error:
            # Raised by get_context for a bad bearer token, before any operation runs.
            if scope["type"] != "http":
                raise
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
            await JSONResponse(body, status_code=401, headers=headers)(scope, receive, send)

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
        return await super().on_ws_connect(context)

    async def get_root_value(self, request: Request | WebSocket) -> None:
        return None

    async def render_graphql_ide(self, request: Request) -> Response:
        # Served from local assets when `make assets` fetched them (see graphql_api/graphiql.py).
        return render_graphiql(request)
