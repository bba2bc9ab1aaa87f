"""Response schemas from Spotify's OpenAPI file, prepared for validating real responses.

The file (a copy of /work/shared/spotify/spotify-web-api.openapi.yml, kept beside this
module so the tests run anywhere) describes shapes well but under-declares two things,
so the schemas are preprocessed before validation:

1. Nullability. A schema is nullable when it says `nullable: true`, when its description
   says the value can be `null` ("`null` if not available", "Can be `null`", "may return
   `null`"), or when it is in `OBSERVED_NULLABLE`: fields Spotify is known to send as null
   that the file does not mention (local files have no ids, album types or release dates;
   a playlist item's `item`/`track` is null for removed content; play history and
   cursors carry null `context`/`after`). Nullable schemas become `anyOf: [null, schema]`
   so that `allOf`/`oneOf` compositions accept null too.
2. `oneOf` between TrackObject and EpisodeObject: their shapes overlap (neither forbids
   the other's fields), so an episode can match both. `oneOf` is read as `anyOf`, and
   `discriminator` is dropped.

`$ref`s are inlined, then `OAS30Validator` validates with format checks.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker

SPEC_PATH = Path(__file__).with_name("spotify-web-api.openapi.yml")

OBSERVED_NULLABLE: dict[str, tuple[str, ...]] = {
    "TrackObject": ("id", "href", "uri", "popularity"),
    "SimplifiedTrackObject": ("id", "href"),
    "SimplifiedArtistObject": ("id", "href", "uri"),
    "AlbumBase": (
        "album_type",
        "total_tracks",
        "id",
        "href",
        "uri",
        "release_date",
        "release_date_precision",
    ),
    "PlaylistTrackObject": ("item", "track"),
    "PlayHistoryObject": ("context",),
    "CursorPagingObject": ("cursors",),
    "CursorObject": ("after", "before"),
}
_MENTIONS_NULL = re.compile(r"\bnull\b", re.IGNORECASE)
_SCHEMA_KEYS = {"type", "allOf", "anyOf", "oneOf", "$ref", "properties", "items", "enum"}


@cache
def _spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as f:
        spec: dict[str, Any] = yaml.safe_load(f)
    schemas = spec["components"]["schemas"]
    for name, fields in OBSERVED_NULLABLE.items():
        for field in fields:
            _property(schemas[name], field)["nullable"] = True
    return spec


def _property(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A property's schema, looking into `allOf` parts too."""
    for part in [schema, *schema.get("allOf", [])]:
        if name in part.get("properties", {}):
            found: dict[str, Any] = part["properties"][name]
            return found
    raise KeyError(name)


def _resolve(node: Any, spec: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    if isinstance(node, list):
        return [_resolve(item, spec, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise ValueError(f"recursive $ref {ref}")
        target: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        return {**_resolve(copy.deepcopy(target), spec, (*seen, ref)), **siblings}
    return {
        k: v if k in ("example", "examples") else _resolve(v, spec, seen) for k, v in node.items()
    }


def _prepare(node: Any) -> Any:
    if isinstance(node, list):
        return [_prepare(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {k: v if k in ("example", "examples") else _prepare(v) for k, v in node.items()}
    node.pop("discriminator", None)
    if "oneOf" in node:
        node["anyOf"] = node.pop("oneOf")
    description = node.get("description")
    mentions_null = isinstance(description, str) and bool(_MENTIONS_NULL.search(description))
    is_schema = bool(_SCHEMA_KEYS & node.keys())
    if is_schema and (node.pop("nullable", False) or mentions_null):
        return {"anyOf": [{"enum": [None]}, node]}
    return node


@cache
def response_schema(path: str, method: str, status: str = "200") -> dict[str, Any]:
    """The prepared JSON schema of the spec's response for `method path` and `status`."""
    spec = _spec()
    operation = spec["paths"][path][method.lower()]
    responses = operation["responses"]
    response = responses.get(status) or responses[_error_response_for(status)]
    resolved = _resolve(response, spec)
    prepared: dict[str, Any] = _prepare(resolved["content"]["application/json"]["schema"])
    return prepared


def _error_response_for(status: str) -> str:
    return {"400": "401", "404": "401"}.get(status, status)


def validate(path: str, method: str, body: Any, status: int = 200) -> None:
    """Raise `ValidationError` unless `body` matches the spec's response schema."""
    schema = response_schema(path, method, str(status))
    OAS30Validator(schema, format_checker=oas30_format_checker).validate(body)


def validate_schema(name: str, body: Any) -> None:
    """Validate against a named component schema (for objects without an endpoint here)."""
    spec = _spec()
    schema = _prepare(_resolve({"$ref": f"#/components/schemas/{name}"}, spec))
    OAS30Validator(schema, format_checker=oas30_format_checker).validate(body)
