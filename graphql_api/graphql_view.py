"""The GraphQL endpoint: HTTP and websockets (graphql-transport-ws) at ``/graphql``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from graphql_api.graphiql import render_graphiql
from graphql_api.schema.context import Context
from graphql_api.state import app_state


class MixtapeGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: object) -> None:
        super().__init__(
            schema,  # type: ignore[arg-type]
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            keep_alive=True,
            keep_alive_interval=15,
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(request=request, response=response, resources=app_state(request).resources)

    async def get_root_value(self, request: Request | WebSocket) -> None:
        return None

    async def render_graphql_ide(self, request: Request) -> Response:
        # Served from local assets when `make assets` fetched them (see graphql_api/graphiql.py).
        return render_graphiql(request)
