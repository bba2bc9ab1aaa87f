"""Authorization codes, access tokens and refresh tokens, with their lifetimes.

Given a ``path``, the store keeps its tables in that JSON file as well, rewritten after each
change and read back at start, so that credentials outlive a restart (Mixtape's demo mode
restarts its in-process emulator with every ``make run``). Lifetimes run on a monotonic
clock in memory and are written as wall-clock times.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
STATE_VERSION = 1


@dataclass
class AuthCode:
    """A single-use authorization code waiting to be redeemed at `/api/token`."""

    user_id: str
    client_id: str
    redirect_uri: str
    scope: str
    code_challenge: str | None
    expires_at: float


# The `user_id` of an app token (client-credentials grant): it acts for no user.
APP = ""


@dataclass
class AccessToken:
    user_id: str
    scope: str
    expires_at: float


@dataclass
class RefreshToken:
    user_id: str
    scope: str
    pkce: bool
    # Refreshing does not extend a refresh token's life: it ends a fixed time after consent.
    expires_at: float


@dataclass
class TokenPair:
    access_token: str
    refresh_token: str | None
    scope: str
    expires_in: int

    def as_response(self) -> dict[str, object]:
        """The `/api/token` JSON body."""
        body: dict[str, object] = {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "scope": self.scope,
            "expires_in": self.expires_in,
        }
        if self.refresh_token is not None:
            body["refresh_token"] = self.refresh_token
        return body


class TokenStore:
    """All live credentials. Times come from `clock` (monotonic seconds).

    With a `path`, every change is saved there and the store starts from what it holds.
    """

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, path: Path | None = None
    ) -> None:
        self.clock = clock
        self.path = path
        self.codes: dict[str, AuthCode] = {}
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshToken] = {}
        if path is not None:
            self._load(path)

    def save(self) -> None:
        """Write the tables to `path` (atomically; nothing without a path)."""
        if self.path is None:
            return
        offset = time.time() - self.clock()  # monotonic -> wall clock
        tables: dict[str, Any] = {"version": STATE_VERSION}
        for name, table in self._tables().items():
            tables[name] = {
                key: {**asdict(value), "expires_at": value.expires_at + offset}
                for key, value in table.items()
            }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        # Owner-only: the file holds bearer credentials (fake ones, but still).
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(tables, file)
        os.replace(partial, self.path)

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                raise ValueError(f"unknown version {data.get('version')!r}")
            offset = self.clock() - time.time()  # wall clock -> monotonic
            kinds = {"codes": AuthCode, "access": AccessToken, "refresh": RefreshToken}
            loaded = {
                name: {
                    key: kind(**{**fields, "expires_at": fields["expires_at"] + offset})
                    for key, fields in data[name].items()
                }
                for name, kind in kinds.items()
            }
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
            # A damaged file must not stop the demo: start empty (users link again).
            log.warning("ignoring the emulator state in %s: %s", path, error)
            return
        self.codes, self.access, self.refresh = (
            loaded["codes"],
            loaded["access"],
            loaded["refresh"],
        )

    def _tables(self) -> dict[str, dict[str, Any]]:
        return {"codes": self.codes, "access": self.access, "refresh": self.refresh}

    def new_code(
        self,
        *,
        user_id: str,
        client_id: str,
        redirect_uri: str,
        scope: str,
        code_challenge: str | None,
        ttl: int,
    ) -> str:
        """Mint an authorization code valid for `ttl` seconds."""
        code = "AQ" + secrets.token_urlsafe(48)
        self.codes[code] = AuthCode(
            user_id, client_id, redirect_uri, scope, code_challenge, self.clock() + ttl
        )
        self.save()
        return code

    def live_code(self, code: str) -> AuthCode | None:
        """A code that is known, unused and unexpired; None otherwise."""
        found = self.codes.get(code)
        if found is None or found.expires_at <= self.clock():
            return None
        return found

    def consume_code(self, code: str) -> None:
        """Burn a code after a successful exchange: codes are single-use."""
        self.codes.pop(code, None)
        self.save()

    def new_access_token(self, user_id: str, scope: str, ttl: int) -> str:
        token = "BQ" + secrets.token_urlsafe(64)
        self.access[token] = AccessToken(user_id, scope, self.clock() + ttl)
        self.save()
        return token

    def new_app_token(self, ttl: int) -> str:
        """An access token of the app itself (client-credentials grant): catalog calls only."""
        return self.new_access_token(APP, "", ttl)

    def new_refresh_token(self, user_id: str, scope: str, *, pkce: bool, expires_at: float) -> str:
        token = "AQ" + secrets.token_urlsafe(96)
        self.refresh[token] = RefreshToken(user_id, scope, pkce, expires_at)
        self.save()
        return token

    def drop_refresh_token(self, token: str) -> None:
        """Forget a refresh token (rotated away: it stops working at once)."""
        self.refresh.pop(token, None)
        self.save()

    def issue(
        self, user_id: str, scope: str, *, ttl: int, refresh_ttl: int, pkce: bool
    ) -> TokenPair:
        """A fresh access + refresh token pair, as after the user's consent."""
        access = self.new_access_token(user_id, scope, ttl)
        refresh = self.new_refresh_token(
            user_id, scope, pkce=pkce, expires_at=self.clock() + refresh_ttl
        )
        return TokenPair(access, refresh, scope, ttl)

    def access_token(self, token: str) -> AccessToken | None:
        """The live access token, or None when unknown, revoked or expired."""
        found = self.access.get(token)
        if found is None or found.expires_at <= self.clock():
            return None
        return found

    def refresh_token(self, token: str) -> RefreshToken | None:
        found = self.refresh.get(token)
        if found is None or found.expires_at <= self.clock():
            return None
        return found

    def user_of(self, token: str) -> str | None:
        """Whose token this is, even when expired (for per-user statistics)."""
        found = self.access.get(token)
        if found is None:
            return None
        return found.user_id if found.user_id != APP else "(app)"

    def revoke_user(self, user_id: str) -> None:
        """Forget every credential of `user_id`, as when the user removes the app."""
        self.access = {t: v for t, v in self.access.items() if v.user_id != user_id}
        self.refresh = {t: v for t, v in self.refresh.items() if v.user_id != user_id}
        self.codes = {c: v for c, v in self.codes.items() if v.user_id != user_id}
        self.save()

    def expire_access_tokens(self, user_id: str | None = None) -> int:
        """Make access tokens (all, or one user's) expired now; returns how many."""
        now = self.clock()
        count = 0
        for token in self.access.values():
            if user_id is None or token.user_id == user_id:
                token.expires_at = min(token.expires_at, now)
                count += 1
        self.save()
        return count
