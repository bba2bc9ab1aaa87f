"""Latency, the app-wide rate limit and injected faults, plus request statistics.

One ASGI middleware in front of the routes. Control routes (`/_emulator/...`) bypass it:
tests must be able to reconfigure an emulator that is busy failing on purpose.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spotify_emulator.errors import api_error_response
from spotify_emulator.state import EmulatorState
from spotify_emulator.webapi.auth import bearer_token

FAULT_KINDS = ("500", "502", "503", "drop", "slow")
RAW_SEND_KEY = "emulator.raw_send"
USER_KEY = "emulator.user"
SEEN_AT_KEY = "emulator.seen_at"


def route_template(scope: Scope) -> str:
    """The route a request maps to (`/v1/playlists/{playlist_id}`), for statistics."""
    app = scope.get("app")
    for route in getattr(app, "routes", ()):
        match, _ = route.matches(scope)
        if match != Match.NONE:
            return str(route.path)
    return str(scope["path"])


class KnobsMiddleware:
    """Applies the knobs in Spotify's order: latency, then rate limit, then faults."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_emulator"):
            await self.app(scope, receive, send)
            return
        state: EmulatorState = scope["app"].state.emulator
        status = 0
        state.in_flight += 1
        state.stats.peak_in_flight = max(state.stats.peak_in_flight, state.in_flight)

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._handle(state, scope, receive, recording_send)
        finally:
            state.in_flight -= 1
            self._record(state, scope, status)

    async def _handle(
        self, state: EmulatorState, scope: Scope, receive: Receive, send: Send
    ) -> None:
        config = state.config
        if config.latency_ms > 0:
            await asyncio.sleep(config.latency_ms / 1000)
        while _held(config.hold_path, scope):
            await state.holds_changed.wait()
        # Logged as the request's time: when the rate limiter judged it, not when it ended,
        # so a slow answer is not mistaken for a request sent late.
        scope[SEEN_AT_KEY] = state.clock()
        if not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        retry_after = self._admit(state)
        if retry_after is not None:
            response = api_error_response(429, "API rate limit exceeded")
            response.headers["Retry-After"] = str(retry_after)
            await response(scope, receive, send)
            return
        fault = self._draw_fault(state) if _faults_apply(config.fault_path, scope) else None
        if fault is not None:
            state.stats.faults[fault] += 1
            if fault == "slow":
                await asyncio.sleep(config.fault_slow_s)
            elif fault == "drop" and await _drop_connection(scope):
                return
            else:
                status = 502 if fault == "drop" else int(fault)
                response = api_error_response(status)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _admit(state: EmulatorState) -> int | None:
        """None to let a request in, else the whole seconds until the window has room."""
        limit = state.config.rate_limit
        if limit is None:
            return None
        now = state.clock()
        window = state.window
        horizon = now - state.config.rate_window_s
        while window and window[0] <= horizon:
            window.popleft()
        if len(window) < limit:
            window.append(now)
            return None
        if limit <= 0:  # nothing ever gets through
            return max(1, math.ceil(state.config.rate_window_s))
        # The oldest admitted request leaving the window frees the first slot.
        room_at = window[len(window) - limit] + state.config.rate_window_s
        return max(1, math.ceil(room_at - now))

    @staticmethod
    def _draw_fault(state: EmulatorState) -> str | None:
        rate = state.config.fault_rate
        if rate <= 0:
            return None
        rng = state.fault_rng
        if rng.random() >= rate:
            return None
        return rng.choice(FAULT_KINDS)

    @staticmethod
    def _record(state: EmulatorState, scope: Scope, status: int) -> None:
        user: Any = scope.get(USER_KEY)
        if user is None:
            headers = dict(scope.get("headers") or [])
            token = bearer_token(headers.get(b"authorization", b"").decode("latin-1"))
            user = state.tokens.user_of(token) if token else None
        seen_at = scope.get(SEEN_AT_KEY)
        state.stats.record_request(scope["method"], route_template(scope), user, status, at=seen_at)


def _faults_apply(fault_path: str | None, scope: Scope) -> bool:
    return fault_path is None or fault_path in scope["path"]


async def _drop_connection(scope: Scope) -> bool:
    """Close the client's connection without any response, like a network failure.

    ASGI has no message for this, so it reaches for uvicorn's transport through the
    server's own `send` (stashed by the app). False when not served by uvicorn.
    """
    cycle = getattr(scope.get(RAW_SEND_KEY), "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        return False
    transport.abort()
    # Let uvicorn process connection_lost so it does not try to answer 500 itself.
    for _ in range(10):
        if getattr(cycle, "disconnected", False):
            break
        await asyncio.sleep(0)
    return True


def _held(hold: str | None, scope: Scope) -> bool:
    """Whether ``hold_path`` (``"/path part"`` or ``"METHOD /path part"``) holds a request."""
    if hold is None:
        return False
    method, _, path = hold.partition(" ") if " " in hold else ("", "", hold)
    return path in scope["path"] and (not method or scope["method"] == method.upper())
