"""Mixtape's settings: the one place that reads the environment (prefix ``MIXTAPE_``)."""

from __future__ import annotations

import enum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_SECRET_KEY = "mixtape-development-secret-key-do-not-use-in-production"  # noqa: S105
SPOTIFY_ACCOUNTS_URL = "https://accounts.spotify.com"
SPOTIFY_API_URL = "https://api.spotify.com/v1"
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{Path('var/mixtape.db').as_posix()}"


class Environment(enum.StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


# Presets by provider name: what a provider of that name needs no setting for.
OIDC_PRESETS: dict[str, dict[str, str]] = {
    "google": {"issuer": "https://accounts.google.com", "display_name": "Google"},
}


class OidcProviderSettings(BaseModel):
    """One OpenID Connect provider people may sign in with (``MIXTAPE_OIDC_PROVIDERS``).

    ``name`` is its stable key: it appears in the login URL (``/auth/oidc/{name}/login``)
    and in every stored identity, so renaming a provider orphans its identities. A name
    with a preset (``google``) needs only the client id and secret.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")
    issuer: str = ""
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    display_name: str = ""

    @model_validator(mode="before")
    @classmethod
    def _preset(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            for key, value in OIDC_PRESETS.get(data["name"], {}).items():
                data.setdefault(key, value)
        return data

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if not self.issuer.startswith(("https://", "http://")):
            raise ValueError(f"OIDC provider {self.name!r} needs an http(s) issuer URL")
        if "openid" not in self.scopes:
            raise ValueError(f"OIDC provider {self.name!r}: scopes must include 'openid'")
        if not self.display_name:
            object.__setattr__(self, "display_name", self.name)
        return self


class Settings(BaseSettings):
    """Everything Mixtape can be told, from environment variables prefixed ``MIXTAPE_``."""

    model_config = SettingsConfigDict(env_prefix="MIXTAPE_", extra="ignore", frozen=True)

    env: Environment = Environment.DEVELOPMENT
    database_url: str = DEFAULT_DATABASE_URL
    # PostgreSQL is reached through PgBouncer in transaction mode (graphql_api/db/engine.py).
    database_pgbouncer: bool = False
    redis_url: str | None = None
    # Keys used to namespace Redis (queues, channels, locks) so that several
    # deployments or test runs can share one Redis.
    redis_prefix: str = "mixtape"
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    # Older secrets still accepted for decrypting data at rest (key rotation).
    previous_secret_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    public_url: str = "http://127.0.0.1:8000"
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Reverse proxies whose X-Forwarded-For / -Proto are believed (addresses or CIDR
    # networks, "*" = anyone): the client address of a request (failed-login limits per
    # address) is the socket peer unless that peer is listed here.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["127.0.0.1"])
    log_level: str = "INFO"
    # "json": one JSON object per line; "text": plain lines; "auto": text on a terminal,
    # JSON elsewhere (containers, files, journald).
    log_format: Literal["auto", "json", "text"] = "auto"

    # Observability (graphql_api/observability/, docs/operations.md). /metrics needs the
    # token when one is set; in production without one it answers 404 and metrics are
    # read from metrics_port (bound to metrics_host, loopback by default) instead.
    # metrics_enabled=False records nothing at all (observability/metrics.py: record).
    metrics_enabled: bool = True
    metrics_token: SecretStr | None = None
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"
    # Where the processes of `mixtape serve --workers N` share their samples; unset = a
    # fresh temporary folder per run.
    metrics_multiproc_dir: Path | None = None
    # OpenTelemetry traces go to this OTLP/HTTP endpoint (e.g. http://collector:4318);
    # unset = no tracing at all.
    otel_endpoint: str | None = None
    otel_service_name: str = "mixtape"
    # Share of traces recorded (a job follows the request that enqueued it): every span
    # costs CPU on the read path (docs/operations.md has the figures).
    otel_sample_ratio: float = Field(default=0.1, ge=0, le=1)

    spotify_client_id: str | None = None
    spotify_client_secret: SecretStr | None = None
    spotify_redirect_uri: str | None = None
    spotify_accounts_url: str = SPOTIFY_ACCOUNTS_URL
    spotify_api_url: str = SPOTIFY_API_URL
    # The Spotify client's manners (graphql_api/spotify/): a 429 whose Retry-After is
    # longer than this fails with RATE_LIMITED instead of sleeping; the app-wide budget
    # (every process together) of requests per rolling 30 seconds; retries of 5xx and
    # timeouts with capped exponential backoff; refresh tokens this early before expiry.
    spotify_max_retry_after: float = 30.0
    # The budget adapts (AIMD, graphql_api/spotify/budget.py): it starts at
    # spotify_requests_per_30s, grows by spotify_budget_increase slots per answered call
    # while the window is at least half full, halves on a 429, and stays within min..max.
    # min = max = the start makes it a fixed limit.
    spotify_requests_per_30s: int = Field(default=300, ge=1)
    spotify_requests_per_30s_min: int = Field(default=30, ge=1)
    spotify_requests_per_30s_max: int = Field(default=10_000, ge=1)
    spotify_budget_increase: float = Field(default=1.0, ge=0)
    # Bulk calls (a library snapshot's paging) take budget slots only while the window is
    # below this share of it: the rest is headroom for interactive calls and polling.
    spotify_bulk_share: float = Field(default=0.7, gt=0, le=1)
    spotify_max_retries: int = 4
    spotify_retry_base_s: float = 0.25
    spotify_retry_cap_s: float = 8.0
    spotify_refresh_margin_s: float = 60.0
    # Demo mode (no Spotify client id): where the in-process emulator keeps the tokens it
    # issued, so that links survive a restart; None keeps them in memory only.
    demo_state_path: Path | None = Path("var/spotify-emulator.json")

    # Accounts (graphql_api/auth/): where `/auth/spotify/login?redirect_to=` may send the
    # browser back to (origins or URL prefixes), and how long each credential lives.
    auth_redirect_allowlist: Annotated[list[str], NoDecode] = Field(default_factory=list)
    auth_issuer: str = "mixtape"
    auth_audience: str = "mixtape-api"
    auth_access_token_ttl_s: int = 900
    auth_refresh_token_ttl_s: int = 30 * 24 * 3600
    auth_oauth_state_ttl_s: int = 600
    auth_login_code_ttl_s: int = 120
    # A Spotify login without redirect_to lands on GraphiQL with the session in its headers
    # instead of answering JSON; None: only in demo mode (graphql_api/spotify/demo.py).
    auth_login_lands_on_graphiql: bool | None = None
    # How long the code a Spotify link's callback hands back waits for completeSpotifyLink.
    auth_link_code_ttl_s: int = 300
    # Failed logins tolerated per account and per client address within the window.
    auth_max_failures_per_account: int = 5
    auth_max_failures_per_address: int = 20
    auth_failure_window_s: int = 900
    # Anonymous `GET /auth/spotify/login` calls (each stores a row) per client address per window.
    auth_login_starts_per_address: int = 30
    auth_login_starts_window_s: int = 600
    # False: nobody new gets an account (register and first Spotify logins are FORBIDDEN).
    auth_signup_enabled: bool = True
    # Password hashes (argon2, ~130 ms of CPU each) computed at once per process, in
    # threads off the event loop; None = every core but one.
    auth_password_hash_concurrency: int | None = Field(default=None, ge=1)

    # OpenID Connect sign-in (graphql_api/oidc/, docs/oidc.md): a JSON list of providers,
    # each {"name", "issuer", "client_id", "client_secret", "scopes", "display_name"}.
    oidc_providers: tuple[OidcProviderSettings, ...] = ()
    # How long discovery documents and JWKS are cached, and the shortest time between two
    # JWKS fetches forced by an ID token signed with a key id not seen before.
    oidc_metadata_ttl_s: int = Field(default=3600, ge=0)
    oidc_jwks_refetch_min_s: float = Field(default=30.0, ge=0)
    # How long a code exchange with a provider may take, and the clock skew tolerated in
    # ID tokens' exp/iat.
    oidc_timeout_s: float = Field(default=10.0, gt=0)
    oidc_leeway_s: int = Field(default=60, ge=0, le=600)

    # Now playing (graphql_api/listening/): the poller's intervals, in seconds.
    poll_enabled: bool = True  # False: no process polls anyone
    # Whether API processes run the poller loop; None = only without Redis (embedded
    # default). With Redis, the arq worker runs it.
    poll_in_api: bool | None = None
    poll_playing_seconds: float = 5.0
    poll_paused_seconds: float = 20.0
    poll_idle_seconds: float = 60.0
    poll_min_seconds: float = 1.0
    poll_max_backoff_seconds: float = 600.0
    # A claiming process renews its users' leases once per this period; a lease runs 1.25
    # periods, after which anyone may claim the user (graphql_api/listening/loop.py).
    poll_lease_seconds: float = 60.0
    poll_tick_seconds: float = 1.0
    poll_concurrency: int = 20
    poll_batch: int = 100
    # Polling off for longer than this: fill the gap from recently-played.
    poll_gap_seconds: float = 300.0

    # Listening rooms (graphql_api/rooms/, docs/rooms.md): joins per client address per
    # window, how long a guest token lives, how long a subscription counts as present
    # without renewing, how shortly before a song ends the room's top song goes to
    # Spotify's queue, and how often each API process looks at its open rooms.
    room_joins_per_address: int = Field(default=30, ge=1)
    room_joins_window_s: int = Field(default=600, ge=1)
    room_guest_token_ttl_s: int = Field(default=24 * 3600, ge=60)
    room_presence_ttl_s: float = Field(default=30.0, gt=0)
    room_handoff_seconds: float = Field(default=15.0, ge=0)
    room_tick_seconds: float = Field(default=1.0, gt=0)

    # Library snapshots (graphql_api/library/): Spotify calls in flight per snapshot job.
    snapshot_concurrency: int = 8
    # A running snapshot renews its lease every third of snapshot_lease_s; one whose lease
    # ran out (killed process, job timeout) is re-queued by the recovery sweep, which runs
    # every snapshot_recovery_interval_s, and FAILED (SNAPSHOT_LOST) once it was started
    # snapshot_max_attempts times.
    snapshot_lease_s: float = Field(default=120.0, gt=0)
    snapshot_recovery_interval_s: int = Field(default=60, ge=1, le=3600)
    snapshot_max_attempts: int = Field(default=3, ge=1)
    # Streaming-history uploads (docs/history.md): where they wait for their import job
    # (a directory the API and the workers share), and the largest upload accepted.
    history_upload_dir: Path = Path("var/history-uploads")
    history_max_upload_bytes: int = Field(default=512 * 1024 * 1024, ge=1)
    # A running import renews its lease as it writes; one silent this long may be resumed.
    history_lease_s: float = Field(default=120.0, gt=0)
    # A running restore renews its lease with every batch it writes to Spotify; one silent
    # this long is taken over by the job's next delivery (or resumeRestore).
    restore_lease_s: float = Field(default=120.0, gt=0)

    # New releases (graphql_api/releases/, docs/releases.md): the ingest runs every
    # releases_interval_s (arq cron in the worker, in-process on the embedded default),
    # reading /browse/new-releases once per market (none: the global list).
    releases_enabled: bool = True
    releases_interval_s: int = Field(default=3600, ge=60, le=86_400)
    releases_markets: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Artist details (genres, images, popularity) are fetched once and again only when
    # older than this; at most this many artists per run.
    releases_artist_max_age_s: int = Field(default=7 * 24 * 3600, ge=0)
    releases_artist_details_per_run: int = Field(default=200, ge=0)
    # The development-mode fallback (new releases refused): albums and singles released
    # within the window by artists users follow or saved, checking at most this many
    # artists per run (shared fairly between users), each again only after recheck_s.
    releases_window_days: int = Field(default=28, ge=1, le=3650)
    releases_fallback_artists_per_run: int = Field(default=50, ge=1, le=10_000)
    releases_fallback_recheck_s: int = Field(default=24 * 3600, ge=0)

    # GraphQL hardening (graphql_api/schema/limits.py, docs/limits.md): every operation is
    # bounded before it is validated or executed, over HTTP and websockets alike.
    graphql_max_depth: int = 12
    graphql_max_aliases: int = 30
    # Longest string accepted in any argument or variable. At most 12,000: SQLite refuses
    # a LIKE pattern over 50,000 bytes ("pattern too complex"), and a text filter of n
    # characters makes a pattern of up to 4n + 2 bytes.
    graphql_max_string_length: int = Field(default=4096, ge=1, le=12_000)
    graphql_max_body_bytes: int = 262_144
    graphql_max_query_length: int = 20_000
    graphql_max_tokens: int = 5_000
    graphql_max_fields: int = 500
    graphql_max_directives: int = 50
    graphql_max_fragment_spreads: int = 100
    graphql_max_fragment_depth: int = 10
    graphql_max_cost: int = 20_000
    # The page size assumed for `first` when a client leaves it out or null, and the
    # length assumed for other lists, when estimating an operation's cost.
    graphql_cost_default_page: int = 50
    graphql_cost_list_size: int = 5
    # Introspection and the GraphiQL explorer; unset = on, except in production.
    graphql_introspection: bool | None = None
    graphql_ide: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _split_lists(cls, data: object) -> object:
        if isinstance(data, dict):
            for key in (
                "cors_origins",
                "previous_secret_keys",
                "auth_redirect_allowlist",
                "trusted_proxies",
                "releases_markets",
            ):
                if key in data:
                    data[key] = _split_csv(data[key])
        return data

    @field_validator("releases_markets")
    @classmethod
    def _markets_are_country_codes(cls, value: list[str]) -> list[str]:
        for market in value:
            if len(market) != 2 or not market.isascii() or not market.isalpha():
                raise ValueError(f"not an ISO 3166-1 alpha-2 country code: {market!r}")
        return [market.upper() for market in value]

    @field_validator("demo_state_path", mode="before")
    @classmethod
    def _empty_path_is_none(cls, value: object) -> object:
        # MIXTAPE_DEMO_STATE_PATH= (empty) means "no file", not the current directory.
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _unique_oidc_names(self) -> Self:
        names = [provider.name for provider in self.oidc_providers]
        if len(set(names)) != len(names):
            raise ValueError("MIXTAPE_OIDC_PROVIDERS: each provider needs a name of its own")
        return self

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> Self:
        if self.env is Environment.PRODUCTION:
            problems = []
            key = self.secret_key.get_secret_value()
            if key == DEV_SECRET_KEY or len(key) < 32:
                problems.append(
                    "MIXTAPE_SECRET_KEY must be set to a random value of 32+ characters"
                )
            if not self.spotify_client_id or not self.spotify_client_secret:
                problems.append(
                    "MIXTAPE_SPOTIFY_CLIENT_ID and MIXTAPE_SPOTIFY_CLIENT_SECRET must be set"
                )
            if not self.spotify_redirect_uri:
                problems.append("MIXTAPE_SPOTIFY_REDIRECT_URI must be set")
            if problems:
                raise ValueError("production settings refused: " + "; ".join(problems))
        return self

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @property
    def graphql_introspection_enabled(self) -> bool:
        if self.graphql_introspection is None:
            return not self.is_production
        return self.graphql_introspection

    @property
    def graphql_ide_enabled(self) -> bool:
        if self.graphql_ide is None:
            return not self.is_production
        return self.graphql_ide

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
