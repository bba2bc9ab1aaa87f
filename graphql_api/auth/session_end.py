"""Ending sessions everywhere: the announcement on the pub/sub after the commit.

A websocket is authenticated once, at ``connection_init``, and may stay open for hours.
When a session ends (logout, a reused refresh token, the account deleted), the commit that
ended it publishes on the user's channel (Redis pub/sub reaches every API process); each
connection of that user listens there and closes (``session_watch.py``). A connection also
ends when its access token's ``exp`` passes, whether or not anything was published.

A lost message (Redis restarted between publish and delivery) leaves a connection open
until its access token expires (``MIXTAPE_AUTH_ACCESS_TOKEN_TTL_S``), or until its next
``subscribe``, which checks the session in the database again.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from graphql_api.db.uow import UnitOfWork
from graphql_api.events import PubSub

ALL_SESSIONS = "all"


def channel(user_id: int) -> str:
    """The pub/sub channel on which ``user_id``'s ended sessions are announced."""
    return f"sessions:{user_id}"


def announce_session_ended(
    uow: UnitOfWork, pubsub: PubSub, user_id: int, session_id: int | None
) -> None:
    """After the commit, tell every process that a session of ``user_id`` ended
    (``session_id`` None: all of them, e.g. the account was deleted)."""
    message: dict[str, Any] = {"sessionId": session_id if session_id is not None else ALL_SESSIONS}
    uow.after_commit(partial(pubsub.publish, channel(user_id), message))


def ends(message: Mapping[str, Any], session_id: int) -> bool:
    """Whether an announcement ends the session ``session_id``."""
    ended = message.get("sessionId")
    return ended in (ALL_SESSIONS, session_id)
