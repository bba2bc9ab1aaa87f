"""What every answer of the fuzzed app must be, whatever was sent.

GraphQL (``/graphql``): no HTTP 5xx; a JSON object with ``data`` and/or ``errors`` (and
nothing else but ``extensions``); every error a ``message`` with a stable
``extensions.code`` that is not ``INTERNAL_SERVER_ERROR`` (that code means a masked bug);
``locations`` and ``path`` well formed when present. REST: no 5xx, and an error status
answers JSON with a code (``{"error": {"code": …}}``). And, for both, nothing logged at
ERROR by the app while serving.
"""

from __future__ import annotations

import json
from typing import Any

GRAPHQL_MEDIA_TYPES = ("application/json", "application/graphql-response+json")
RESPONSE_KEYS = {"data", "errors", "extensions"}


def graphql_problems(status: int, content_type: str, body: bytes) -> list[str]:
    """Why this ``/graphql`` answer breaks the oracle; empty when it does not."""
    if status >= 500:
        return [f"HTTP {status}: {body[:500]!r}"]
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in GRAPHQL_MEDIA_TYPES:
        return [f"HTTP {status} answered {content_type!r}, not a GraphQL response: {body[:500]!r}"]
    try:
        payload = json.loads(body)
    except ValueError:
        return [f"HTTP {status} answered a body that is not JSON: {body[:500]!r}"]
    return response_problems(payload)


def response_problems(payload: Any) -> list[str]:
    """Why ``payload`` is not a well-formed GraphQL response, or hides an internal error."""
    if not isinstance(payload, dict):
        return [f"the response is not a JSON object: {payload!r:.500}"]
    problems = []
    extra = set(payload) - RESPONSE_KEYS
    if extra:
        problems.append(f"unexpected top-level keys {sorted(extra)}")
    if "data" not in payload and "errors" not in payload:
        problems.append("neither data nor errors")
    data = payload.get("data")
    if data is not None and not isinstance(data, dict):
        problems.append(f"data is not an object: {data!r:.200}")
    if "errors" in payload:
        errors = payload["errors"]
        if not isinstance(errors, list) or not errors:
            problems.append(f"errors is not a non-empty list: {errors!r:.200}")
        else:
            for error in errors:
                problems += error_problems(error)
    return problems


def error_problems(error: Any) -> list[str]:
    """Why one entry of ``errors`` is malformed or an internal error."""
    if not isinstance(error, dict) or not isinstance(error.get("message"), str):
        return [f"an error without a message: {error!r:.300}"]
    extensions = error.get("extensions")
    code = extensions.get("code") if isinstance(extensions, dict) else None
    problems = []
    if not isinstance(code, str) or not code:
        problems.append(f"an error without extensions.code: {error!r:.300}")
    elif code == "INTERNAL_SERVER_ERROR":
        problems.append(f"an internal error: {error!r:.300}")
    locations = error.get("locations")
    if locations is not None and not (
        isinstance(locations, list)
        and all(
            isinstance(location, dict)
            and isinstance(location.get("line"), int)
            and isinstance(location.get("column"), int)
            for location in locations
        )
    ):
        problems.append(f"malformed locations: {locations!r:.200}")
    path = error.get("path")
    if path is not None and not (
        isinstance(path, list) and all(isinstance(part, str | int) for part in path)
    ):
        problems.append(f"malformed path: {path!r:.200}")
    return problems


def rest_problems(status: int, content_type: str, body: bytes) -> list[str]:
    """Why a REST answer breaks the oracle: a 5xx, or an error status without a JSON code."""
    if status >= 500:
        return [f"HTTP {status}: {body[:500]!r}"]
    if status < 400:
        return []
    if not content_type.lower().startswith("application/json"):
        return [f"HTTP {status} answered {content_type!r}, not JSON: {body[:300]!r}"]
    try:
        payload = json.loads(body)
    except ValueError:
        return [f"HTTP {status} answered a body that is not JSON: {body[:300]!r}"]
    if not _has_code(payload):
        return [f"HTTP {status} answered JSON without an error code: {payload!r:.300}"]
    return []


def _has_code(payload: Any) -> bool:
    # REST routes answer errors as ``errors.error_body`` shapes them.
    error = payload.get("error") if isinstance(payload, dict) else None
    return isinstance(error, dict) and isinstance(error.get("code"), str)
