"""What the emulator saw: request counts per endpoint and user, 429s, token grants."""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

REQUEST_LOG_SIZE = 10_000


@dataclass
class Stats:
    """Counters since start or since the last `reset()`.

    `log` keeps the last `REQUEST_LOG_SIZE` requests with their `time.monotonic()`
    timestamps, so an in-process test can count what arrived inside a Retry-After window.
    """

    since: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    endpoints: Counter[str] = field(default_factory=Counter)
    users: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    token_grants: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0
    log: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=REQUEST_LOG_SIZE))

    def record_request(self, method: str, route: str, user: str | None, status: int) -> None:
        """Count one answered request (status 0 = connection dropped on purpose)."""
        endpoint = f"{method} {route}"
        self.endpoints[endpoint] += 1
        if user is not None:
            self.users[user] += 1
        self.statuses[str(status)] += 1
        if status == 429:
            self.rate_limited += 1
        self.log.append(
            {
                "t": time.monotonic(),
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
            "token_grants": dict(self.token_grants),
            "faults": dict(self.faults),
            "requests": list(self.log),
        }
