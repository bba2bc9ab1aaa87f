"""A connection's watch over its session: returns once the session ended or its token expired.

See ``session_end.py`` for the announcements it listens to.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping

from graphql_api.auth.requests import Viewer, viewer_of_connection_params
from graphql_api.auth.session_end import channel, ends
from graphql_api.errors import Unauthenticated
from graphql_api.resources import Resources


async def current_viewer(
    resources: Resources, connection_params: Mapping[str, object] | None, user_id: int
) -> Viewer | str:
    """The connection's viewer if its token and session still hold for ``user_id``, else
    why not (``SESSION_REVOKED``, ``TOKEN_EXPIRED``, ...)."""
    try:
        viewer = await viewer_of_connection_params(resources, connection_params)
    except Unauthenticated as error:
        return str(error.extensions.get("reason") or error.code)
    if viewer is None or viewer.user_id != user_id:
        return "SESSION_REVOKED"
    return viewer


async def until_session_ends(
    resources: Resources, connection_params: Mapping[str, object] | None, user_id: int
) -> str:
    """Wait until the session of a connection authenticated as ``user_id`` ends; returns
    why (``SESSION_REVOKED``, ``TOKEN_EXPIRED``, ...).

    Subscribes first, then checks the token and the session again: a session ended
    between the connection's authentication and the subscription is not missed.
    """
    async with resources.pubsub.subscribe(channel(user_id)) as announcements:
        viewer = await current_viewer(resources, connection_params, user_id)
        if isinstance(viewer, str):
            return viewer
        remaining = (viewer.expires_at - dt.datetime.now(dt.UTC)).total_seconds()
        try:
            async with asyncio.timeout(max(0.0, remaining)):
                async for message in announcements:
                    if ends(message, viewer.session_id):
                        return "SESSION_REVOKED"
        except TimeoutError:
            return "TOKEN_EXPIRED"
    return "SESSION_REVOKED"  # pragma: no cover - the subscription never ends by itself
