"""One fuzz test's view of the app: its running target, the viewer, and the oracle.

Kept out of ``conftest.py`` so that test modules import it by name (pytest imports a
conftest under a name of its own).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx

from tests.fuzz import budget
from tests.fuzz.live import (
    BackgroundLoop,
    ErrorLog,
    Golden,
    Target,
    spotify_login,
    start_target,
)
from tests.fuzz.oracle import graphql_problems, rest_problems

ALIVE = "{ viewer { library { id } } }"


class Fuzz:
    """A test's running app, the viewer's token, and the oracle applied to each answer."""

    def __init__(
        self,
        loop: BackgroundLoop,
        golden: Golden,
        directory: Path,
        error_log: ErrorLog,
        *,
        logged_in: bool,
    ) -> None:
        self.loop = loop
        self.golden = golden
        self.directory = directory
        self.error_log = error_log
        self.logged_in = logged_in
        self.http = httpx.Client(timeout=60)
        self.targets: list[Target] = []
        self.logged_in_at = 0.0
        self.target = self._start()
        self.restarts = 0

    def _start(self) -> Target:
        target = self.loop.run(start_target(self.golden, self.directory, logged_in=self.logged_in))
        self.targets.append(target)
        self.logged_in_at = time.monotonic()
        return target

    @property
    def known(self) -> Any:
        return self.golden.known

    def headers(self) -> dict[str, str]:
        """The viewer's headers; alice logs in again before her access token expires (a long
        ``make fuzz`` run outlives it), so she never turns anonymous unnoticed."""
        lifetime = self.golden.settings.auth_access_token_ttl_s
        if self.logged_in and time.monotonic() - self.logged_in_at > lifetime / 2:
            self.target.token = self.loop.run(self._login_again())
        return self.target.headers()

    def post_graphql(self, body: Any) -> httpx.Response:
        """POST ``body`` as JSON to /graphql, as the viewer; checks the oracle."""
        mark = len(self.error_log.records)
        # json.dumps escapes lone surrogates (``"\\ud800"``), which is valid JSON; httpx's
        # own encoding would refuse them before sending.
        response = self.http.post(
            self.target.graphql_url,
            content=json.dumps(body).encode(),
            headers={"content-type": "application/json", **self.headers()},
        )
        self.check(response.status_code, _content_type(response), response.content, mark, body)
        return response

    def check(
        self,
        status: int,
        content_type: str,
        content: bytes,
        mark: int,
        sent: Any,
        *,
        rest: bool = False,
    ) -> None:
        """The oracle for one answer: ``/graphql``'s, or a REST route's when ``rest``;
        ``mark`` is ``len(error_log.records)`` from before the request."""
        oracle = rest_problems if rest else graphql_problems
        problems = oracle(status, content_type, content) + self._logged_since(mark)
        assert not problems, _report(problems, sent, budget.SEED)

    def _logged_since(self, mark: int) -> list[str]:
        # A record may land just after its answer (uvicorn logs an exception after the 500
        # went out): then it is reported with the next answer, or at the fixture's teardown.
        return [f"logged: {line}" for line in self.error_log.since(mark)]

    def keep_viewer(self) -> None:
        """After a mutation: if alice's session ended (``logout``, an expired token), log her
        in again; if her account is gone (``deleteAccount``), start over on a fresh clone. So
        later examples still fuzz a logged-in user with a snapshot, not an anonymous one."""
        if not self.logged_in or self.viewer_has_library():
            return
        self.target.token = self.loop.run(self._login_again())
        if self.viewer_has_library():
            return
        self.restarts += 1
        self.target = self._start()

    async def _login_again(self) -> str:
        self.logged_in_at = time.monotonic()
        async with httpx.AsyncClient(timeout=60) as http:
            return await spotify_login(http, self.target.base_url, "alice")

    def viewer_has_library(self) -> bool:
        """Whether the viewer is alice, logged in, with her snapshot."""
        answer = self.http.post(
            self.target.graphql_url, json={"query": ALIVE}, headers=self.headers()
        )
        viewer = (answer.json().get("data") or {}).get("viewer") if answer.is_success else None
        return bool(viewer and viewer.get("library"))

    def close(self) -> None:
        self.http.close()
        for target in self.targets:
            self.loop.run(target.stack.aclose())


def _content_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "")


def _report(problems: list[str], sent: Any, seed: int) -> str:
    lines = "\n  ".join(problems)
    return f"{lines}\nsent: {sent!r:.2000}\n(replay with MIXTAPE_FUZZ_SEED={seed})"
