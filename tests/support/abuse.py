"""Abusive GraphQL requests, one catalogue for the tests and for ``bench/abuse.py``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


def doubling_fragments(levels: int) -> str:
    """An anonymous query whose fragments each spread the next one twice (2**levels fields)."""
    fragments = " ".join(
        f"fragment F{i} on User {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return f"query {{ viewer {{ ...F0 }} }} {fragments} fragment F{levels} on User {{ id }}"


def fragment_chain(length: int) -> str:
    """A query whose fragments each spread the next one once, ``length`` deep."""
    fragments = " ".join(f"fragment F{i} on User {{ ...F{i + 1} }}" for i in range(length))
    return f"query {{ viewer {{ ...F0 }} }} {fragments} fragment F{length} on User {{ id }}"


SAVED_TRACKS = (
    "savedTracks(first: 200) { edges { addedAt node { name "
    "artists(first: 5) { nodes { name } } album { name artists(first: 5) { nodes { name } } } "
    "} } }"
)


def graphql_body(query: str, variables: dict[str, Any] | None = None) -> bytes:
    return json.dumps({"query": query, "variables": variables or {}}).encode()


@dataclass(frozen=True)
class Abuse:
    """A request body, and the status and code it must be refused with (graphql-response+json)."""

    body: bytes
    status: int
    code: str


COSTLY = "query { viewer { library { %s } } }" % " ".join(  # noqa: UP031
    f"a{i}: {SAVED_TRACKS}" for i in range(30)
)
ABUSES: dict[str, Abuse] = {
    "fragment-bomb": Abuse(graphql_body(doubling_fragments(30)), 400, "QUERY_TOO_COMPLEX"),
    "fragment-chain": Abuse(graphql_body(fragment_chain(300)), 400, "QUERY_TOO_COMPLEX"),
    "cost": Abuse(graphql_body(COSTLY), 400, "QUERY_TOO_COMPLEX"),
    "megabyte-query": Abuse(
        graphql_body("{ " + "__typename " * 90_000 + "}"), 413, "PAYLOAD_TOO_LARGE"
    ),
    "long-query": Abuse(
        graphql_body("{ " + "__typename " * 20_000 + "}"), 400, "GRAPHQL_PARSE_FAILED"
    ),
    "tokens": Abuse(graphql_body("{ " + "a " * 6_000 + "}"), 400, "GRAPHQL_PARSE_FAILED"),
    "bad-variable": Abuse(
        graphql_body("query($n: Int) { listeningNow(first: $n) { totalCount } }", {"n": 3e9}),
        400,
        "BAD_USER_INPUT",
    ),
    "5001-digits": Abuse(
        b'{"query": "{ __typename }", "n": ' + b"9" * 5_001 + b"}", 400, "BAD_REQUEST"
    ),
    "not-an-object": Abuse(b"null", 400, "BAD_REQUEST"),
}
