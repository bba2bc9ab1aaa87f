"""Playlists and their items for generated fixtures (local files, gaps, episodes, repeats)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from spotify_emulator.catalog_factory import API, BASE_TIME, OPEN, CatalogFactory, iso
from spotify_emulator.objects import JSON, playlist_owner

if TYPE_CHECKING:
    from spotify_emulator.generator import Pool


def added_times(rng: random.Random, count: int) -> list[str]:
    """`count` timestamps going back from the base time, newest first."""
    moment = BASE_TIME
    times = []
    for _ in range(count):
        moment -= timedelta(minutes=rng.randint(1, 60 * 24 * 3))
        times.append(iso(moment))
    return times


def make_item(content: JSON | None, added_at: str, added_by: JSON, *, local: bool = False) -> JSON:
    return {
        "added_at": added_at,
        "added_by": added_by,
        "is_local": local,
        "primary_color": None,
        "item": content,
        "track": content,
    }


def make_items(
    factory: CatalogFactory, pool: Pool, favorites: list[JSON], count: int, adders: list[JSON]
) -> list[JSON]:
    rng = factory.rng
    items: list[JSON] = []
    for added_at in reversed(added_times(rng, count)):  # playlists list oldest first
        roll = rng.random()
        added_by = rng.choice(adders)
        if roll < 0.03:
            items.append(make_item(factory.local_track(), added_at, added_by, local=True))
        elif roll < 0.05:
            items.append(make_item(None, added_at, added_by))  # content removed from Spotify
        elif roll < 0.08:
            items.append(make_item(rng.choice(pool.episodes), added_at, added_by))
        elif roll < 0.10 and items:
            items.append({**rng.choice(items), "added_at": added_at})  # a duplicate
        elif roll < 0.55 and favorites:
            items.append(make_item(rng.choice(favorites), added_at, added_by))
        else:
            items.append(make_item(rng.choice(pool.tracks), added_at, added_by))
    return items


def make_playlist(factory: CatalogFactory, owner: JSON, *, collaborative: bool = False) -> JSON:
    playlist_id = factory.new_id()
    return {
        "collaborative": collaborative,
        "description": factory.rng.choice(["", "for the commute", None, "✨ vibes ✨"]),
        "external_urls": {"spotify": f"{OPEN}/playlist/{playlist_id}"},
        "followers": {"href": None, "total": factory.rng.randint(0, 50)},
        "href": f"{API}/playlists/{playlist_id}",
        "id": playlist_id,
        "images": factory.images(0.3),
        "name": factory.name(3),
        "owner": playlist_owner(owner),
        "primary_color": None,
        "public": False if collaborative else factory.rng.random() < 0.7,
        "snapshot_id": f"AAAA{factory.new_id()}",
        "type": "playlist",
        "uri": f"spotify:playlist:{playlist_id}",
    }


def split_sizes(rng: random.Random, total: int, parts: int) -> list[int]:
    """Sizes for `parts` playlists summing to `total`; with two or more, the last is empty."""
    if parts <= 0:
        return []
    filled = parts - 1 if parts >= 2 else parts
    weights = [rng.random() + 0.1 for _ in range(filled)]
    sizes = [int(total * w / sum(weights)) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes + [0] * (parts - filled)
