"""Driving the Spotify login like a browser would: app -> emulator consent -> app callback."""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

import httpx


async def consent(
    http: httpx.AsyncClient, authorize_url: str, spotify_user: str, *, deny: bool = False
) -> str:
    """Answer the emulator's consent page; returns the callback URL it redirects to."""
    choice = "emulator_deny=1" if deny else f"emulator_user={spotify_user}"
    response = await http.get(f"{authorize_url}&{choice}", follow_redirects=False)
    assert response.status_code == 302, response.text
    return response.headers["location"]


async def start_login(
    http: httpx.AsyncClient, app_url: str, redirect_to: str | None = None
) -> httpx.Response:
    params = {"redirect_to": redirect_to} if redirect_to else {}
    return await http.get(f"{app_url}/auth/spotify/login", params=params, follow_redirects=False)


async def login_with_spotify(
    http: httpx.AsyncClient,
    app_url: str,
    spotify_user: str,
    *,
    redirect_to: str | None = None,
    deny: bool = False,
) -> httpx.Response:
    """The whole dance; returns the app's answer to the callback."""
    started = await start_login(http, app_url, redirect_to)
    assert started.status_code == 302, started.text
    callback = await consent(http, started.headers["location"], spotify_user, deny=deny)
    return await http.get(callback, follow_redirects=False)


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


async def demo_login(http: httpx.AsyncClient, url: str, spotify_user: str) -> str:
    """Log in "with Spotify" on a demo app served at ``url``; returns where it lands."""
    started = await start_login(http, url)
    assert started.status_code == 302, started.text
    # The callback is the configured public URL's; this test's app listens elsewhere.
    callback = urlsplit(await consent(http, started.headers["location"], spotify_user))
    answer = await http.get(f"{url}{callback.path}?{callback.query}", follow_redirects=False)
    assert answer.status_code == 302, answer.text
    return urljoin(url + "/", answer.headers["location"])


def login_code_of(landing: str) -> str:
    """The login code in the fragment of a demo login's landing URL."""
    return parse_qs(urlsplit(landing).fragment)["login_code"][0]
