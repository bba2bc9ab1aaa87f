"""Demo mode: no Spotify credentials outside production -> an in-process emulator."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from asyncio.subprocess import PIPE
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr

from graphql_api import graphiql
from graphql_api.app import create_app
from graphql_api.settings import Settings
from graphql_api.spotify.budget import MemoryBudget
from graphql_api.spotify.client import SpotifyClient, StaticToken
from graphql_api.spotify.demo import demo_spotify
from graphql_api.spotify.oauth import authorize_url, exchange_code, new_pkce_pair
from spotify_emulator.testing import EmulatorHandle
from tests.auth.spotify_flow import demo_login, login_code_of
from tests.library.test_graphql import save_and_wait
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.services import require
from tests.support.spotify import point_at_emulator

LOGIN_JS = Path(graphiql.STATIC_DIR) / "login.js"

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_demo_mode_serves_a_working_spotify(
    settings: Settings, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="graphql_api.spotify.demo"):
        async with demo_spotify(settings) as demo:
            assert demo.spotify_api_url.startswith("http://127.0.0.1:")
            assert demo.spotify_redirect_uri == "http://127.0.0.1:8000/auth/spotify/callback"
            verifier, challenge = new_pkce_pair()
            url = authorize_url(demo, state="xyz", code_challenge=challenge)
            consent = await http.get(url + "&emulator_user=alice")
            assert consent.status_code == 302
            query = parse_qs(urlsplit(consent.headers["location"]).query)
            assert query["state"] == ["xyz"]
            tokens = await exchange_code(http, demo, code=query["code"][0], code_verifier=verifier)
            client = SpotifyClient(http, demo, StaticToken(tokens.access_token), MemoryBudget(10))
            assert (await client.get("/me"))["id"] == "alice"
    assert "DEMO MODE" in caplog.text


async def test_real_credentials_are_left_alone(settings: Settings) -> None:
    real = settings.model_copy(
        update={"spotify_client_id": "real-id", "spotify_client_secret": SecretStr("s")}
    )
    async with demo_spotify(real) as effective:
        assert effective is real


async def test_the_app_starts_in_demo_mode(
    settings: Settings, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="graphql_api.spotify.demo"):
        async with serve(create_app(settings)) as url:
            assert (await http.get(f"{url}/healthz")).status_code == 200
            assert "DEMO MODE" in caplog.text
            # Logging in sends the browser to the app's own emulator, which answers consent.
            login = await http.get(f"{url}/auth/spotify/login")
            assert login.status_code == 302
            authorize = login.headers["location"]
            assert urlsplit(authorize).hostname == "127.0.0.1"
            consent = await http.get(authorize + "&emulator_user=alice")
            assert consent.status_code == 302
            assert parse_qs(urlsplit(consent.headers["location"]).query)["code"]


EXCHANGE = "mutation($c: String!) { exchangeLoginCode(code: $c) { accessToken } }"
# Runs the GraphiQL page's login.js in Node, as the page would after the demo login's
# redirect: window.location is the landing URL; fetch is Node's own, over real HTTP. The
# third argument is the script tag's data-store ("" on the local page, "reload" on the CDN one).
RUN_LOGIN_JS = """
const fs = require("fs"), vm = require("vm");
const [script, address, store] = process.argv.slice(1);
const landing = new URL(address);
const seen = {replaced: [], stored: {}, reloads: 0};
const context = {
  window: {
    location: {hash: landing.hash, pathname: landing.pathname, search: landing.search,
               origin: landing.origin, reload: () => { seen.reloads += 1; }},
    localStorage: {setItem: (key, value) => { seen.stored[key] = value; }},
  },
  history: {replaceState: (_state, _title, url) => seen.replaced.push(url)},
  document: {currentScript: {dataset: store ? {store} : {}}},
  fetch, console, URLSearchParams, JSON, Promise,
};
vm.runInNewContext(fs.readFileSync(script, "utf8"), context);
context.window.mixtapeLogin.then((login) => console.log(JSON.stringify({login, ...seen})));
"""


@pytest.mark.parametrize("store", ["", "reload"], ids=["local-page", "cdn-page"])
async def test_a_demo_login_lands_on_graphiql_whose_page_trades_the_code_for_a_session(
    settings: Settings, http: httpx.AsyncClient, store: str
) -> None:
    require("Node.js", shutil.which("node") is not None)
    async with serve(create_app(settings)) as url:
        landing = await demo_login(http, url, "alice")
        assert landing.startswith(f"{url}/graphql#login_code=")
        page = await http.get(f"{url}/graphql", headers={"accept": "text/html"})
        script = await http.get(f"{url}/static/graphiql/login.js")
        assert script.status_code == 200
        assert "/static/graphiql/login.js" in page.text
        run = await asyncio.create_subprocess_exec(
            "node", "-e", RUN_LOGIN_JS, str(LOGIN_JS), landing, store, stdout=PIPE, stderr=PIPE
        )
        out, err = await run.communicate()
        assert run.returncode == 0, err.decode()
        result = json.loads(out)
        headers = json.loads(result["login"]["headers"])
        viewer = (
            await GraphQLClient(url, http)
            .with_token(headers["Authorization"].removeprefix("Bearer "))
            .query("{ viewer { displayName spotify { accountId } } }")
        )
    assert result["login"]["displayName"] == "Alice"
    assert viewer["viewer"] == {"displayName": "Alice", "spotify": {"accountId": "alice"}}
    # The code left the address bar before the exchange.
    assert result["replaced"] == ["/graphql"]
    if store == "reload":
        # Strawberry's page reads its headers from localStorage: stored, then reloaded.
        assert result["stored"] == {"graphiql:headers": result["login"]["headers"]}
        assert result["reloads"] == 1
    else:
        assert result["stored"] == {}
        assert result["reloads"] == 0


async def test_outside_demo_mode_a_login_still_answers_json(
    settings: Settings, http: httpx.AsyncClient, emulator: EmulatorHandle
) -> None:
    real = point_at_emulator(settings, emulator, spotify_redirect_uri=None)
    async with serve(create_app(real)) as url:
        started = await http.get(f"{url}/auth/spotify/login")
        callback = await http.get(started.headers["location"] + "&emulator_user=alice")
        answer = await http.get(callback.headers["location"])
    assert answer.status_code == 200
    assert "accessToken" in answer.json()


async def test_a_demo_users_spotify_link_survives_a_restart(
    settings: Settings, http: httpx.AsyncClient
) -> None:
    async with serve(create_app(settings)) as url:
        code = login_code_of(await demo_login(http, url, "alice"))
        token = (await GraphQLClient(url, http).query(EXCHANGE, {"c": code}))["exchangeLoginCode"]
    assert settings.demo_state_path is not None
    assert settings.demo_state_path.is_file()
    # A new process would start a new emulator (another port, the same generated library).
    async with serve(create_app(settings)) as url:
        alice = GraphQLClient(url, http).with_token(token["accessToken"])
        snapshot = await save_and_wait(alice)
        viewer = await alice.query("{ viewer { spotify { linked needsRelink } } }")
    assert snapshot["states"][-1]["status"] == "SUCCEEDED"
    assert viewer["viewer"]["spotify"] == {"linked": True, "needsRelink": False}
