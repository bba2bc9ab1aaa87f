"""The per-request GraphQL context: resources, the viewer, and this request's DataLoaders.

Resolvers take it; the schema's fields get it as ``info.context`` (``Info``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from graphql_api.db.uow import UnitOfWork, unit_of_work
from graphql_api.errors import Unauthenticated
from graphql_api.loaders import Loaders
from graphql_api.resources import Resources


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    resources: Resources
    viewer_id: int | None = None
    # The session of the viewer's access token (logout ends it).
    viewer_session_id: int | None = None
    # The websocket's connection_init payload (strawberry fills it in before on_ws_connect).
    connection_params: dict[str, object] | None = None
    # A listening room's guest token (``X-Room-Token``, or ``roomToken`` over a websocket).
    room_token: str | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        # New loaders for every request: a loader caches, and a cache shared
        # between requests would leak one viewer's data to another.
        self.renew_loaders()

    def renew_loaders(self) -> None:
        """Start over with empty loaders. A websocket's context lives as long as the
        socket: each subscription event renews them (``schema/subscriptions.py``), so an
        event reads fresh rows and the caches do not grow for hours."""
        self.loaders = Loaders(self.resources.reader)

    def require_viewer(self) -> int:
        """The viewer's user id, or UNAUTHENTICATED."""
        if self.viewer_id is None:
            raise Unauthenticated("You need to be logged in.")
        return self.viewer_id

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A short read-only session. Resolvers run concurrently, so each gets its own."""
        async with self.resources.reader() as session:
            yield session

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """The transaction of a mutation: commits at the end, then runs after-commit hooks."""
        return unit_of_work(self.resources.sessionmaker)


# The typed ``info`` every field of the schema receives.
Info = strawberry.Info[Context, Any]
