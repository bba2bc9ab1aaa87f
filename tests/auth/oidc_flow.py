"""Driving an OpenID Connect sign-in like a browser would: app -> provider -> app callback."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx

from tests.support.oidc_provider import PROVIDER, PUBLIC_URL

MAX_HOPS = 12


async def start(
    http: httpx.AsyncClient, app_url: str, redirect_to: str | None = None
) -> httpx.Response:
    params = {"redirect_to": redirect_to} if redirect_to else {}
    return await http.get(
        f"{app_url}/auth/oidc/{PROVIDER}/login", params=params, follow_redirects=False
    )


def as_user(authorize_url: str, user: str) -> str:
    """The authorize URL asking the harness to log ``user`` in ("deny" refuses consent)."""
    parts = urlsplit(authorize_url)
    params = dict(parse_qsl(parts.query))
    params.update(prompt="login", login_hint=user)
    return urlunsplit(parts._replace(query=urlencode(params)))


async def at_provider(http: httpx.AsyncClient, authorize_url: str, user: str, app_url: str) -> str:
    """Follow the provider's redirects until it sends the browser back to the app; returns
    that callback URL, on the app's real address."""
    url = as_user(authorize_url, user)
    # A fresh session at the provider each time (its cookies start with "_"; the app's
    # own cookie stays): signing in as someone else never meets the provider's logout page.
    for cookie in list(http.cookies.jar):
        if cookie.name.startswith("_"):
            http.cookies.jar.clear(cookie.domain, cookie.path, cookie.name)
    for _ in range(MAX_HOPS):
        response = await http.get(url, follow_redirects=False)
        assert response.status_code in (302, 303), (response.status_code, response.text)
        url = urljoin(url, response.headers["location"])
        if url.startswith(PUBLIC_URL):
            return app_url + url.removeprefix(PUBLIC_URL)
    raise AssertionError("the provider never sent the browser back")


async def sign_in(
    http: httpx.AsyncClient, app_url: str, user: str, *, redirect_to: str | None = None
) -> httpx.Response:
    """The whole dance; returns the app's answer to the callback."""
    started = await start(http, app_url, redirect_to)
    assert started.status_code == 302, started.text
    callback = await at_provider(http, started.headers["location"], user, app_url)
    return await http.get(callback, follow_redirects=False)
