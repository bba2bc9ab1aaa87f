"""The guest page ``/rooms/{code}`` in headless Chromium: two guests in two browsers join
by name, each sees the other's skip vote and queue vote live, and nothing leaves the server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from spotify_emulator.testing import EmulatorHandle
from tests.rooms.conftest import RoomClient, open_room
from tests.support.services import require
from tests.test_graphiql import CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM


@pytest.mark.browser
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.timeout(300)
async def test_two_browsers_in_one_room_see_each_others_votes(
    host: RoomClient, emulator: EmulatorHandle
) -> None:
    require("Chromium", HAVE_CHROMIUM)
    from playwright.async_api import async_playwright

    room = await open_room(host, votesToSkip=3)
    url = f"{host.base_url}/rooms/{room['code'].lower()}"
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(host.base_url))
    uri = next(t["uri"] for t in emulator.state.catalog.tracks.values())
    requested: list[str] = []
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            pages = []
            for name in ("Ana", "Ben"):
                context = await browser.new_context()  # a phone each: storage of its own
                page = await context.new_page()
                page.on("request", lambda request: requested.append(request.url))
                page.on("pageerror", lambda error: problems.append(str(error)))
                await page.goto(url, wait_until="load")
                await page.fill("#display-name", name)
                await page.click("#join button")
                await page.locator("#track").filter(has_text="Song 1").wait_for()
                pages.append(page)
            ana, ben = pages
            await ana.locator("#present").filter(has_text="2").wait_for()
            await ana.click("#vote-skip")
            await ben.locator("#skip-votes").filter(has_text="1").wait_for()
            await ana.fill("#song-uri", uri)
            await ana.click("#add button")
            await ben.locator(".vote-item").filter(has_text="0").click()
            await ana.locator(".vote-item").filter(has_text="1").wait_for()
            assert await ana.locator("#skip-threshold").inner_text() == "3"
        finally:
            await browser.close()
    assert problems == []
    outside = [u for u in requested if not u.startswith((origin + "/", "data:"))]
    assert outside == [], outside
