"""What the emulator saw: request counts per endpoint and user, 429s, token grants."""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

REQUEST_LOG_SIZE = 10_000
PLAYER_COMMAND_METHODS = frozenset({"PUT", "POST"})


@dataclass
class Stats:
    """Counters since start or since the last `reset()`.

    `log` keeps the last `REQUEST_LOG_SIZE` requests with the `time.monotonic()` at which
    the emulator judged them (after the latency knob), so an in-process test can count
    what arrived inside a Retry-After window. `peak_in_flight` is the most Web API requests
    handled at once: it shows whether requests overlapped, without timing anything.
    """

    since: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    endpoints: Counter[str] = field(default_factory=Counter)
    users: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    token_grants: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    # Player commands (PUT/POST under /v1/me/player) per user, then per endpoint: a test
    # asserts "exactly one POST /v1/me/player/next for alice" whatever else was asked.
    player_commands: dict[str, Counter[str]] = field(default_factory=dict)
    rate_limited: int = 0
    peak_in_flight: int = 0
    log: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=REQUEST_LOG_SIZE))

    def record_request(
        self, method: str, route: str, user: str | None, status: int, *, at: float | None = None
    ) -> None:
        """Count one answered request (status 0 = connection dropped on purpose).

        `at` is when it was judged (monotonic seconds); now when not given.
        """
        endpoint = f"{method} {route}"
        self.endpoints[endpoint] += 1
        if user is not None:
            self.users[user] += 1
        self.statuses[str(status)] += 1
        if method in PLAYER_COMMAND_METHODS and route.startswith("/v1/me/player/"):
            self.player_commands.setdefault(user or "", Counter())[endpoint] += 1
        if status == 429:
            self.rate_limited += 1
        self.log.append(
            {
                "t": time.monotonic() if at is None else at,
                "method": method,
                "route": route,
                "user": user,
                "status": status,
            }
        )

    def as_json(self) -> dict[str, Any]:
        """The `GET /_emulator/stats` body."""
        return {
            "since": self.since,
            "requests_total": sum(self.endpoints.values()),
            "endpoints": dict(self.endpoints),
            "users": dict(self.users),
            "statuses": dict(self.statuses),
            "rate_limited": self.rate_limited,
            "peak_in_flight": self.peak_in_flight,
            "token_grants": dict(self.token_grants),
            "faults": dict(self.faults),
            "player_commands": {user: dict(c) for user, c in self.player_commands.items()},
            "requests": list(self.log),
        }
