"""The GraphiQL explorer: local assets, the CDN fallback, and a query run in headless Chromium."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from starlette.requests import Request

from graphql_api import graphiql
from graphql_api.app import create_app
from graphql_api.settings import Settings
from tests.auth.spotify_flow import demo_login
from tests.support.server import serve
from tests.support.services import require

CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.is_file()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HTML = {"accept": "text/html"}
# One backend is enough: the page does not touch the database.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def require_assets() -> None:
    require("GraphiQL assets (run `make assets`)", graphiql.assets_present())


def asset_urls(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', page)


def a_request(root_path: str = "") -> Request:
    scope = {"type": "http", "method": "GET", "path": "/graphql", "headers": []}
    return Request({**scope, "root_path": root_path})


def test_without_assets_the_page_is_the_cdn_one_and_the_log_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    graphiql._warn_cdn_fallback.cache_clear()
    with caplog.at_level(logging.WARNING, logger="graphql_api.graphiql"):
        response = graphiql.render_graphiql(a_request(), vendor_dir=tmp_path / "vendor")
    page = bytes(response.body).decode()
    assert "https://unpkg.com/graphiql" in page
    assert "content-security-policy" not in response.headers
    assert "make assets" in caplog.text
    assert "CDN" in caplog.text


def test_with_assets_every_url_is_local_and_under_the_root_path(tmp_path: Path) -> None:
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    for name in graphiql.VENDOR_FILES:
        (vendor / name).write_text("")
    response = graphiql.render_graphiql(a_request("/mixtape"), vendor_dir=vendor)
    page = bytes(response.body).decode()
    urls = asset_urls(page)
    assert len(urls) >= len(graphiql.VENDOR_FILES) + 2
    # The favicon is an inline data: URL; everything else comes from this server.
    assert all(url.startswith(("/mixtape/static/graphiql/", "data:")) for url in urls), urls
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_both_pages_load_the_login_code_exchange(tmp_path: Path) -> None:
    cdn = graphiql.render_graphiql(a_request("/mixtape"), vendor_dir=tmp_path / "none")
    assert (
        '<script src="/mixtape/static/graphiql/login.js" data-store="reload">'
        in bytes(cdn.body).decode()
    )
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    for name in graphiql.VENDOR_FILES:
        (vendor / name).write_text("")
    local = bytes(graphiql.render_graphiql(a_request(), vendor_dir=vendor).body).decode()
    # Before explorer.js, which waits for it to render GraphiQL with the session's header.
    assert local.index("/static/graphiql/login.js") < local.index("/static/graphiql/explorer.js")
    script = (graphiql.STATIC_DIR / "login.js").read_text()
    assert "exchangeLoginCode" in script
    assert "login_code" in script
    assert "mixtapeLogin" in (graphiql.STATIC_DIR / "explorer.js").read_text()


def test_a_partial_vendor_folder_counts_as_absent(tmp_path: Path) -> None:
    (tmp_path / "graphiql.min.js").write_text("")
    assert not graphiql.assets_present(tmp_path)


@sqlite_only
async def test_graphql_serves_the_page_and_every_asset_it_names(
    app_url: str, http: httpx.AsyncClient
) -> None:
    require_assets()
    response = await http.get(f"{app_url}/graphql", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    urls = [url for url in asset_urls(response.text) if not url.startswith("data:")]
    assert urls
    for url in urls:
        asset = await http.get(urljoin(f"{app_url}/graphql", url))
        assert asset.status_code == 200, url
        assert asset.content, url


@sqlite_only
async def test_missing_static_file_is_a_404(app_url: str, http: httpx.AsyncClient) -> None:
    response = await http.get(f"{app_url}/static/graphiql/vendor/nothing.js")
    assert response.status_code == 404


@pytest.mark.browser
@sqlite_only
async def test_a_query_runs_in_chromium_without_leaving_the_server(app_url: str) -> None:
    require("Chromium", HAVE_CHROMIUM)
    require_assets()
    from playwright.async_api import async_playwright

    origin = "{0.scheme}://{0.netloc}".format(urlsplit(app_url))
    requested: list[str] = []
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on(
                "console",
                lambda message: problems.append(message.text) if message.type == "error" else None,
            )
            await page.goto(f"{app_url}/graphql", wait_until="load")
            editor = page.locator(".graphiql-query-editor .CodeMirror")
            await editor.click()
            await page.keyboard.press("Control+A")
            await page.keyboard.press("Delete")
            # GraphiQL closes brackets itself; typing the closing one steps over it.
            await page.keyboard.type("{ __typename }")
            await page.keyboard.press("Escape")
            await page.locator(".graphiql-execute-button").click()
            result = page.locator(".graphiql-response .CodeMirror-code")
            await result.filter(has_text='"Query"').wait_for()
            text = await result.inner_text()
        finally:
            await browser.close()
    assert '"__typename": "Query"' in text
    assert problems == []
    assert any(url.startswith(f"{origin}/static/graphiql/vendor/") for url in requested)
    outside = [url for url in requested if not url.startswith((origin + "/", "data:"))]
    assert outside == [], outside


@pytest.mark.browser
@sqlite_only
async def test_after_a_demo_login_graphiqls_headers_editor_holds_the_bearer_token(
    settings: Settings, http: httpx.AsyncClient
) -> None:
    require("Chromium", HAVE_CHROMIUM)
    require_assets()
    from playwright.async_api import async_playwright

    async with serve(create_app(settings)) as url:  # demo mode: no Spotify client id
        landing = await demo_login(http, url, "alice")
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            try:
                page = await browser.new_page()
                await page.goto(landing, wait_until="load")
                await page.get_by_role("button", name="Headers", exact=True).click()
                editor = page.locator(
                    ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror-code"
                )
                await editor.filter(has_text="Bearer").wait_for()
                headers = await editor.inner_text()
                address = page.url
            finally:
                await browser.close()
    assert '"Authorization": "Bearer ey' in " ".join(headers.split())
    assert "login_code" not in address
