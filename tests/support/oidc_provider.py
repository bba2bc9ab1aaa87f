"""A real OpenID Provider for tests: ``tests/oidc_provider/server.mjs`` (npm ``oidc-provider``)
run with Node.js on a loopback port, plus handles on its admin endpoints.

Needs ``node`` and ``npm``; the package is installed with ``npm ci`` into
``tests/oidc_provider/node_modules`` (ignored by git) the first time. Without Node.js the
tests skip with the reason, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

HARNESS = Path(__file__).resolve().parent.parent / "oidc_provider"
CLIENT_ID = "mixtape-test"
CLIENT_SECRET = "mixtape-test-client-secret-of-enough-length"
# Where the test app claims to live (MIXTAPE_PUBLIC_URL): the provider sends the browser
# there, and the test's browser takes the path and query to the app's real port.
PUBLIC_URL = "http://mixtape.test"
PROVIDER = "test"
START_TIMEOUT_S = 60


def require_node() -> None:
    """Skip without node and npm, except under CI=true, where that is a failure."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        unavailable(f"{' and '.join(missing)} not found: the OpenID provider tests need Node.js")


def unavailable(reason: str) -> None:
    """Skip with ``reason``, except under CI=true, where it is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI=true requires it", pytrace=False)
    pytest.skip(reason)


def install() -> None:
    """``npm ci`` in the harness folder unless done (one xdist worker at a time)."""
    with (HARNESS / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (HARNESS / "node_modules" / "oidc-provider" / "package.json").exists():
            return
        try:
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=HARNESS,
                check=True,
                timeout=300,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            unavailable(f"`npm ci` in {HARNESS} failed ({error}): is the npm registry reachable?")


@dataclass
class ProviderHandle:
    """A running test provider: its issuer URL and its admin endpoints."""

    issuer: str

    def _admin(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = httpx.post(f"{self.issuer}/_admin/{path}", json=body, timeout=30)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def rotate_keys(self) -> str:
        """Replace the signing key (the old one leaves the JWKS); returns the new kid."""
        return str(self._admin("rotate", {})["kid"])

    def tamper_next_id_token(
        self, claims: dict[str, Any] | None = None, *, unpublished_key: bool = False
    ) -> None:
        """Re-sign the next ID token with ``claims`` merged in (or with an unknown key)."""
        self._admin("tamper", {"claims": claims or {}, "unpublished_key": unpublished_key})

    def set_down(self, down: bool) -> None:
        """Answer 503 to everything but the admin endpoints while ``down``."""
        self._admin("down", {"down": down})

    def reset(self) -> None:
        """Up, and no tampering pending (the provider is shared by a worker's tests)."""
        self._admin("reset", {})


@contextlib.contextmanager
def run_provider(redirect_uris: list[str]) -> Iterator[ProviderHandle]:
    """Start the harness; yields its handle and stops it at the end."""
    config = {
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": redirect_uris,
            }
        ]
    }
    process = subprocess.Popen(
        ["node", "server.mjs"],
        cwd=HARNESS,
        env={**os.environ, "OIDC_HARNESS": json.dumps(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_S)
        line = process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError("the OpenID provider harness did not start")
        yield ProviderHandle(issuer=json.loads(line)["issuer"])
    finally:
        if process.stdout is not None:
            process.stdout.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
