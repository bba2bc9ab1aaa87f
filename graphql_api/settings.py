"""Mixtape's settings: the one place that reads the environment (prefix ``MIXTAPE_``)."""

from __future__ import annotations

import enum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
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
    spotify_requests_per_30s: int = 300
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
    # A claimed poll not finished within the lease is claimed again by anyone.
    poll_lease_seconds: float = 60.0
    poll_tick_seconds: float = 1.0
    poll_concurrency: int = 20
    poll_batch: int = 100
    # Polling off for longer than this: fill the gap from recently-played.
    poll_gap_seconds: float = 300.0

    # Library snapshots (graphql_api/library/): Spotify calls in flight per snapshot job.
    snapshot_concurrency: int = 8
    # A running snapshot renews its lease every third of snapshot_lease_s; one whose lease
    # ran out (killed process, job timeout) is re-queued by the recovery sweep, which runs
    # every snapshot_recovery_interval_s, and FAILED (SNAPSHOT_LOST) once it was started
    # snapshot_max_attempts times.
    snapshot_lease_s: float = Field(default=120.0, gt=0)
    snapshot_recovery_interval_s: int = Field(default=60, ge=1, le=3600)
    snapshot_max_attempts: int = Field(default=3, ge=1)

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
            ):
                if key in data:
                    data[key] = _split_csv(data[key])
        return data

    @field_validator("demo_state_path", mode="before")
    @classmethod
    def _empty_path_is_none(cls, value: object) -> object:
        # MIXTAPE_DEMO_STATE_PATH= (empty) means "no file", not the current directory.
        return None if isinstance(value, str) and not value.strip() else value

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
