"""Spotify's paging objects: offset paging and cursor paging, with its limit rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from spotify_emulator.errors import ApiError
from spotify_emulator.objects import JSON


def int_param(request: Request, name: str, default: int) -> int:
    """An integer query parameter, or 400 `Invalid <name>` as Spotify answers."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, f"Invalid {name}") from None


def limit_param(request: Request, *, default: int = 20, maximum: int = 50) -> int:
    """`limit`, validated to 1..maximum."""
    limit = int_param(request, "limit", default)
    if not 1 <= limit <= maximum:
        raise ApiError(400, "Invalid limit")
    return limit


def page_url(request: Request, **params: Any) -> str:
    """The request's URL with paging parameters replaced, placed last as Spotify does."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in params]
    query = urlencode([*kept, *((k, str(v)) for k, v in params.items())])
    return str(request.url.replace(query=query))


def offset_page(
    request: Request,
    items: Sequence[Any],
    *,
    default_limit: int = 20,
    max_limit: int = 50,
) -> JSON:
    """An offset paging object over `items` for the request's `limit` and `offset`."""
    limit = limit_param(request, default=default_limit, maximum=max_limit)
    offset = int_param(request, "offset", 0)
    if offset < 0:
        raise ApiError(400, "Invalid offset")
    total = len(items)
    previous_offset = max(offset - limit, 0)
    return {
        "href": page_url(request, offset=offset, limit=limit),
        "items": list(items[offset : offset + limit]),
        "limit": limit,
        "next": page_url(request, offset=offset + limit, limit=limit)
        if offset + limit < total
        else None,
        "offset": offset,
        "previous": page_url(request, offset=previous_offset, limit=limit) if offset > 0 else None,
        "total": total,
    }


def embedded_page(href: str, items: Sequence[Any], limit: int) -> JSON:
    """The first page embedded in a parent object (a playlist's items, an album's tracks)."""
    total = len(items)
    return {
        "href": f"{href}?offset=0&limit={limit}",
        "items": list(items[:limit]),
        "limit": limit,
        "next": f"{href}?offset={limit}&limit={limit}" if total > limit else None,
        "offset": 0,
        "previous": None,
        "total": total,
    }
