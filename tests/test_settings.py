"""Settings: environment parsing and production's refusal of development defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from graphql_api.settings import DEFAULT_DATABASE_URL, Environment, Settings

REAL = {
    "MIXTAPE_SECRET_KEY": "x" * 48,
    "MIXTAPE_SPOTIFY_CLIENT_ID": "id",
    "MIXTAPE_SPOTIFY_CLIENT_SECRET": "secret",
    "MIXTAPE_SPOTIFY_REDIRECT_URI": "https://mixtape.example/auth/spotify/callback",
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("MIXTAPE_"):
            monkeypatch.delenv(key)


def test_defaults_are_the_embedded_default() -> None:
    settings = Settings()
    assert settings.env is Environment.DEVELOPMENT
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.redis_url is None
    assert settings.is_sqlite


def test_lists_from_comma_separated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXTAPE_CORS_ORIGINS", "https://a.example, https://b.example")
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]


def test_production_refuses_default_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXTAPE_ENV", "production")
    with pytest.raises(ValidationError, match="MIXTAPE_SECRET_KEY"):
        Settings()


@pytest.mark.parametrize("missing", sorted(REAL))
def test_production_needs_every_secret(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    monkeypatch.setenv("MIXTAPE_ENV", "production")
    for key, value in REAL.items():
        if key != missing:
            monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError, match=missing):
        Settings()


def test_production_with_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXTAPE_ENV", "production")
    for key, value in REAL.items():
        monkeypatch.setenv(key, value)
    assert Settings().is_production


def test_an_empty_demo_state_path_keeps_the_emulators_tokens_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().demo_state_path == Path("var/spotify-emulator.json")
    monkeypatch.setenv("MIXTAPE_DEMO_STATE_PATH", "")
    assert Settings().demo_state_path is None


def test_oidc_providers_come_as_json_and_google_is_a_preset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "MIXTAPE_OIDC_PROVIDERS",
        '[{"name": "google", "client_id": "g", "client_secret": "gs"},'
        ' {"name": "keycloak", "issuer": "https://id.example/realms/music",'
        '  "client_id": "k", "client_secret": "ks", "scopes": ["openid", "email"]}]',
    )
    google, keycloak = Settings().oidc_providers
    assert (google.issuer, google.display_name) == ("https://accounts.google.com", "Google")
    assert google.scopes == ("openid", "email", "profile")
    assert google.client_secret.get_secret_value() == "gs"
    assert (keycloak.issuer, keycloak.display_name) == (
        "https://id.example/realms/music",
        "keycloak",
    )
    assert keycloak.scopes == ("openid", "email")


@pytest.mark.parametrize(
    "providers",
    [
        '[{"name": "kc", "client_id": "k", "client_secret": "s"}]',  # no issuer
        '[{"name": "kc", "issuer": "ftp://x", "client_id": "k", "client_secret": "s"}]',
        '[{"name": "Bad Name", "issuer": "https://x", "client_id": "k", "client_secret": "s"}]',
        '[{"name": "kc", "issuer": "https://x", "client_id": "k", "client_secret": "s",'
        ' "scopes": ["email"]}]',
        '[{"name": "google", "client_id": "a", "client_secret": "s"},'
        ' {"name": "google", "client_id": "b", "client_secret": "s"}]',
        '[{"name": "google", "client_id": "a", "client_secret": "s", "tenant": "x"}]',
    ],
)
def test_a_malformed_oidc_provider_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, providers: str
) -> None:
    monkeypatch.setenv("MIXTAPE_OIDC_PROVIDERS", providers)
    with pytest.raises(ValidationError):
        Settings()
