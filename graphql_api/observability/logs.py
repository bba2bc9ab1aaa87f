"""Logging: JSON lines (containers, files) or readable text (a terminal), with context.

Every record carries the fields of ``context.py`` (request id, user id, operation, job id)
and goes through ``Redactor``, which blanks the secrets the process knows (the secret key,
the Spotify client secret, the metrics token) and anything shaped like a bearer token or an
OAuth token parameter, should one ever be formatted into a message.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import IO, Literal

from graphql_api.observability import context
from graphql_api.settings import Settings

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s%(context)s"
REDACTED = "[redacted]"

_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    # One-time codes in URLs (OAuth callbacks, login and link codes).
    re.compile(r"(?i)([?&#](?:code|login_code|link_code)=)[^\s&#\"']+"),
    re.compile(
        r"(?i)((?:access_token|refresh_token|client_secret|password|code_verifier)"
        r"[\"']?\s*[=:]\s*[\"']?)[^\s&\"',}]+"
    ),
)


class ContextFilter(logging.Filter):
    """Adds the context's fields to each record (``record.context`` for text lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        found = context.fields()
        record.mixtape = found
        record.context = (
            " [" + " ".join(f"{key}={value}" for key, value in found.items()) + "]" if found else ""
        )
        return True


class Redactor(logging.Filter):
    """Blanks known secrets and token-shaped text in each record's final message."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Short values would blank ordinary words; real secrets are long.
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "mixtape", {}),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


def build_handler(
    fmt: Literal["auto", "json", "text"], stream: IO[str] | None = None
) -> logging.Handler:
    """A handler writing ``fmt`` lines to ``stream`` (stderr by default)."""
    target = stream if stream is not None else sys.stderr
    terminal = stream is None and target.isatty()
    handler: logging.Handler
    if fmt == "auto" and terminal:
        from rich.logging import RichHandler

        handler = RichHandler(show_path=False, rich_tracebacks=False)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s%(context)s"))
    elif fmt == "text":
        handler = logging.StreamHandler(target)
        handler.setFormatter(logging.Formatter(PLAIN_FORMAT))
    else:
        handler = logging.StreamHandler(target)
        handler.setFormatter(JsonFormatter())
    return handler


def configure(
    level: str,
    fmt: Literal["auto", "json", "text"] = "auto",
    *,
    secrets: Iterable[str] = (),
    stream: IO[str] | None = None,
) -> logging.Handler:
    """Send every log record of the process through one handler; returns it."""
    handler = build_handler(fmt, stream)
    handler.addFilter(ContextFilter())
    handler.addFilter(Redactor(secrets))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # httpx logs every request URL at INFO; alembic announces each of its plugins.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    return handler


def known_secrets(settings: Settings) -> list[str]:
    """The secret values ``settings`` holds, for ``Redactor``."""
    values = [settings.secret_key, *settings.previous_secret_keys]
    if settings.spotify_client_secret is not None:
        values.append(settings.spotify_client_secret)
    if settings.metrics_token is not None:
        values.append(settings.metrics_token)
    return [value.get_secret_value() for value in values]


def configure_logging(settings: Settings, stream: IO[str] | None = None) -> logging.Handler:
    """The process's logging under ``settings`` (``MIXTAPE_LOG_LEVEL``, ``MIXTAPE_LOG_FORMAT``)."""
    return configure(
        settings.log_level, settings.log_format, secrets=known_secrets(settings), stream=stream
    )
