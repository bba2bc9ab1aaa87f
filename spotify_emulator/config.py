"""The emulator's registered app and its run-time knobs."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

DEFAULT_CLIENT_ID = "mixtape-dev"
DEFAULT_CLIENT_SECRET = "mixtape-dev-secret"  # noqa: S105 - a well-known dev default


@dataclass
class EmulatorConfig:
    """Everything that shapes the emulator's behaviour.

    The fields after `redirect_uris` are the knobs: they can be changed at run time with
    `POST /_emulator/config` (partial JSON) and take effect on the next request.
    """

    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    # A JSON file that keeps issued codes and tokens across restarts; None: memory only.
    state_path: str | None = None
    # None means "any loopback http URI", which is what a local Mixtape uses.
    redirect_uris: list[str] | None = None
    latency_ms: float = 0.0
    rate_limit: int | None = None
    fault_rate: float = 0.0
    fault_seed: int = 0
    # Faults only for requests whose path contains this (None: every Web API request).
    fault_path: str | None = None
    # Web API requests whose path contains this wait, unanswered, until the knob changes:
    # a test can hold a job at a known point (one playlist's items) and kill it there.
    # "POST /items" holds only POSTs whose path contains "/items".
    hold_path: str | None = None
    dev_mode: bool = False
    token_ttl: int = 3600
    rotate_refresh_tokens: bool = True
    omit_refresh_token: bool = False
    # Beyond the list, handy for fast tests; defaults are Spotify's values.
    rate_window_s: float = 30.0
    fault_slow_s: float = 5.0
    code_ttl: int = 600
    refresh_token_ttl: int = 180 * 24 * 3600
    # Answer 401 to every Web API call while the token endpoint still refreshes: Spotify
    # rejecting a token it has just issued (a client must not retry that forever).
    reject_access_tokens: bool = False

    def allows_redirect_uri(self, uri: str) -> bool:
        """Whether `/authorize` accepts `uri`, following Spotify's current rules."""
        if self.redirect_uris is not None:
            return uri in self.redirect_uris
        return is_loopback_http(uri)

    def knobs(self) -> dict[str, Any]:
        """The run-time knobs as JSON-ready data (what `/_emulator/config` shows)."""
        return {name: getattr(self, name) for name in KNOB_TYPES}

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update of knobs, checking names and types first.

        Raises `ValueError` naming the first bad knob; nothing changes then.
        """
        checked: dict[str, Any] = {}
        for name, value in changes.items():
            if name not in KNOB_TYPES:
                raise ValueError(f"unknown knob: {name}")
            checked[name] = _coerce(name, value)
        for name, value in checked.items():
            setattr(self, name, value)


# Knob name -> accepted JSON types; bool is excluded from numbers on purpose.
KNOB_TYPES: dict[str, tuple[type, ...]] = {
    "latency_ms": (int, float),
    "rate_limit": (int, type(None)),
    "fault_rate": (int, float),
    "fault_seed": (int,),
    "fault_path": (str, type(None)),
    "hold_path": (str, type(None)),
    "dev_mode": (bool,),
    "token_ttl": (int,),
    "rotate_refresh_tokens": (bool,),
    "omit_refresh_token": (bool,),
    "rate_window_s": (int, float),
    "fault_slow_s": (int, float),
    "code_ttl": (int,),
    "refresh_token_ttl": (int,),
    "reject_access_tokens": (bool,),
}


def _coerce(name: str, value: Any) -> Any:
    types = KNOB_TYPES[name]
    numeric = bool not in types
    if not isinstance(value, types) or (numeric and isinstance(value, bool)):
        raise ValueError(f"bad value for {name}: {value!r}")
    if numeric and isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"{name} must not be negative")
        if name == "fault_rate" and value > 1:
            raise ValueError("fault_rate must be between 0 and 1")
    return value


def is_loopback_http(uri: str) -> bool:
    """True for `http://127.0.0.1:PORT/...` or `http://[::1]:PORT/...` (not `localhost`)."""
    try:
        parts = urlsplit(uri)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return False
    if parts.scheme != "http" or host is None or port is None:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name such as localhost, which Spotify refuses
