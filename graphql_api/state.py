"""The typed application state the lifespan hands to every request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from starlette.requests import HTTPConnection

from graphql_api.resources import Resources


@dataclass(frozen=True)
class AppState:
    resources: Resources
    head_revisions: set[str]


class LifespanState(TypedDict):
    mixtape: AppState


def app_state(connection: HTTPConnection) -> AppState:
    """The state of the app serving ``connection`` (a request or a websocket)."""
    state = connection.state.mixtape
    assert isinstance(state, AppState)
    return state
