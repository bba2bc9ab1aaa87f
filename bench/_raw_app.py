"""The floor for bench/read_path.py: the same savedTracks JSON from raw asyncpg + orjson.

A tiny Starlette app (run by uvicorn, ``RAW_DATABASE_URL`` a postgresql:// URL,
``RAW_USER_ID`` and ``RAW_VERSION`` the snapshot): three queries (the page with songs
and albums and the total, the page's performers, their genres), no GraphQL, no auth.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

USER_ID = int(os.environ.get("RAW_USER_ID", "0"))
VERSION = int(os.environ.get("RAW_VERSION", "0"))
PAGE = """
SELECT st.song_id, st.added_at, s.name, s.duration_ms, a.name AS album, a.release_date,
       count(*) OVER () AS total
FROM saved_tracks st JOIN songs s ON s.id = st.song_id LEFT JOIN albums a ON a.id = s.album_id
WHERE st.user_id = $1 AND st.first_version <= $2
  AND (st.until_version IS NULL OR st.until_version > $2)
ORDER BY st.added_at IS NULL, st.added_at DESC, s.id LIMIT 50
"""
ARTISTS = """
SELECT c.song_id, ar.id, ar.name FROM song_credits c JOIN artists ar ON ar.id = c.artist_id
WHERE c.song_id = ANY($1) AND c.role = 'PERFORMER' ORDER BY c.song_id, c.position
"""
GENRES = """
SELECT ag.artist_id, g.name FROM artist_genres ag JOIN genres g ON g.id = ag.genre_id
WHERE ag.artist_id = ANY($1) ORDER BY g.name
"""


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(os.environ["RAW_DATABASE_URL"], max_size=10)
    yield
    await app.state.pool.close()


async def graphql(request: Request) -> Response:
    await request.body()
    async with request.app.state.pool.acquire() as connection:
        rows = await connection.fetch(PAGE, USER_ID, VERSION)
        credits = await connection.fetch(ARTISTS, [r["song_id"] for r in rows])
        genres = await connection.fetch(GENRES, list({c["id"] for c in credits}))
    genres_of: dict[int, list[str]] = defaultdict(list)
    for g in genres:
        genres_of[g["artist_id"]].append(g["name"])
    artists_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in credits:
        artists_of[c["song_id"]].append({"name": c["name"], "genres": genres_of[c["id"]]})
    edges = [
        {
            "addedAt": r["added_at"],
            "node": {
                "name": r["name"],
                "durationMs": r["duration_ms"],
                "album": {"name": r["album"], "releaseDate": r["release_date"]},
                "artists": artists_of[r["song_id"]],
            },
        }
        for r in rows
    ]
    total = rows[0]["total"] if rows else 0
    body = {"data": {"viewer": {"library": {"savedTracks": {"totalCount": total, "edges": edges}}}}}
    return Response(orjson.dumps(body), media_type="application/json")


app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)
