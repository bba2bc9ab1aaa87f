"""The accounts service's consent step: `GET /authorize` (the token endpoint is beside it)."""

from __future__ import annotations

import html
from importlib import resources
from string import Template
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from spotify_emulator.state import EmulatorState
from spotify_emulator.webapi.auth import emulator_state

KNOWN_SCOPES = frozenset(
    {
        "ugc-image-upload",
        "user-read-playback-state",
        "user-modify-playback-state",
        "user-read-currently-playing",
        "app-remote-control",
        "streaming",
        "playlist-read-private",
        "playlist-read-collaborative",
        "playlist-modify-private",
        "playlist-modify-public",
        "user-follow-modify",
        "user-follow-read",
        "user-read-playback-position",
        "user-top-read",
        "user-read-recently-played",
        "user-library-modify",
        "user-library-read",
        "user-read-email",
        "user-read-private",
        "user-personalized",
    }
)


def _redirect(redirect_uri: str, **params: str | None) -> Response:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    separator = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(f"{redirect_uri}{separator}{query}", status_code=302)


def _error_page(message: str) -> Response:
    # Spotify shows an error page, not a redirect, when the client or redirect URI is bad.
    body = f"<!doctype html><title>Error</title><h1>INVALID_CLIENT: {html.escape(message)}</h1>"
    return HTMLResponse(body, status_code=400)


def _consent_page(state: EmulatorState, params: dict[str, str]) -> Response:
    template = Template(
        resources.files("spotify_emulator").joinpath("templates/authorize.html").read_text("utf-8")
    )
    hidden = "\n  ".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in params.items()
        if k not in ("emulator_user", "emulator_deny")
    )
    users = "\n    ".join(
        f'<label><input type="radio" name="emulator_user" value="{html.escape(uid)}"'
        f"{' checked' if i == 0 else ''}> {html.escape(str(u.profile.get('display_name') or uid))}"
        f" <small>({html.escape(uid)}, {html.escape(str(u.profile.get('product', '')))})</small>"
        "</label>"
        for i, (uid, u) in enumerate(state.users.items())
    )
    page = template.substitute(
        client_id=html.escape(params["client_id"]),
        scope=html.escape(params.get("scope", "") or "(none)"),
        hidden=hidden,
        users=users,
    )
    return HTMLResponse(page)


async def authorize(request: Request) -> Response:
    """Show the consent page, or answer it (`emulator_user=` approves, `emulator_deny=` denies)."""
    state = emulator_state(request)
    params = dict(request.query_params)
    if params.get("client_id") != state.config.client_id:
        return _error_page("Invalid client")
    redirect_uri = params.get("redirect_uri", "")
    if not redirect_uri or not state.config.allows_redirect_uri(redirect_uri):
        return _error_page("Invalid redirect URI")
    oauth_state = params.get("state")
    if params.get("response_type") != "code":
        return _redirect(redirect_uri, error="unsupported_response_type", state=oauth_state)
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    if (challenge is None) != (method is None) or (method is not None and method != "S256"):
        return _redirect(redirect_uri, error="invalid_request", state=oauth_state)
    scope = " ".join(params.get("scope", "").replace(",", " ").split())
    if not set(scope.split()) <= KNOWN_SCOPES:
        return _redirect(redirect_uri, error="invalid_scope", state=oauth_state)
    if "emulator_deny" in params:
        return _redirect(redirect_uri, error="access_denied", state=oauth_state)
    user_id = params.get("emulator_user")
    if user_id is None:
        return _consent_page(state, params)
    if user_id not in state.users:
        return _error_page(f"Unknown emulator user {user_id}")
    code = state.tokens.new_code(
        user_id=user_id,
        client_id=state.config.client_id,
        redirect_uri=redirect_uri,
        scope=scope,
        code_challenge=challenge,
        ttl=state.config.code_ttl,
    )
    return _redirect(redirect_uri, code=code, state=oauth_state)


routes = [Route("/authorize", authorize, methods=["GET"])]
