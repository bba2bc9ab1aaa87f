"""Deterministic fixture generation with the quirks real Spotify libraries have.

Quirks included: local files (null ids, `spotify:local:` URIs), null playlist items,
podcast episodes in playlists, tracks with several artists, one track in every playlist
and twice in one, year- and month-precision release dates, empty image lists, non-Latin
and very long names, an empty playlist, followed playlists owned by others (one
collaborative), a free-tier user, and users with and without something playing.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from spotify_emulator.catalog_factory import API, BASE_TIME, OPEN, CatalogFactory, iso
from spotify_emulator.objects import JSON, playlist_user, simplified_album
from spotify_emulator.playlist_factory import (
    added_times,
    make_item,
    make_items,
    make_playlist,
    split_sizes,
)

USER_NAMES = ("alice", "bruno", "chen", "dara", "emeka", "freya", "goran", "hana")
TRACKS_PER_ALBUM = 8


def _profile(factory: CatalogFactory, index: int) -> JSON:
    name = USER_NAMES[index] if index < len(USER_NAMES) else f"user{index + 1}"
    user_id = name
    display = "Дарья" if name == "dara" else name.title()
    return {
        "account_id": factory.new_id(),
        "country": "SE",
        "display_name": display,
        "email": f"{user_id}@example.org",
        "explicit_content": {"filter_enabled": False, "filter_locked": False},
        "external_urls": {"spotify": f"{OPEN}/user/{user_id}"},
        "followers": {"href": None, "total": factory.rng.randint(0, 300)},
        "href": f"{API}/users/{user_id}",
        "id": user_id,
        "images": factory.images(0.5),
        # The second user is on the free tier: player controls answer PREMIUM_REQUIRED.
        "product": "free" if index == 1 else "premium",
        "type": "user",
        "uri": f"spotify:user:{user_id}",
    }


class Pool:
    """The shared pool of artists, albums and tracks all users draw from."""

    def __init__(self, factory: CatalogFactory, n_tracks: int, n_artists: int) -> None:
        rng = factory.rng
        self.artists = [factory.artist() for _ in range(n_artists)]
        self.albums: list[JSON] = []
        self.album_tracks: list[list[JSON]] = []
        self.tracks: list[JSON] = []
        while len(self.tracks) < n_tracks:
            credited = [rng.choice(self.artists)]
            if rng.random() < 0.1:
                credited.append(rng.choice(self.artists))
            album = factory.album(credited)
            count = 1 if album["album_type"] == "single" else rng.randint(4, TRACKS_PER_ALBUM * 2)
            album["total_tracks"] = count
            tracks = [
                factory.track(
                    album, n + 1, rng.choice(self.artists) if rng.random() < 0.15 else None
                )
                for n in range(count)
            ]
            self.albums.append(album)
            self.album_tracks.append(tracks)
            self.tracks.extend(tracks)
        show = factory.show()
        self.episodes = [factory.episode(show) for _ in range(5)]


def _context(kind: str, target: JSON) -> JSON:
    return {
        "type": kind,
        "href": target["href"],
        "external_urls": target["external_urls"],
        "uri": target["uri"],
    }


def _player(factory: CatalogFactory, index: int, pool: Pool, playlist: JSON | None) -> JSON | None:
    """The first user is playing, the second is idle, later ones are paused on an episode."""
    if index == 1:
        return None
    rng = factory.rng
    playing = index == 0
    item = rng.choice(pool.tracks) if playing else rng.choice(pool.episodes)
    return {
        "context": _context("playlist", playlist) if playing and playlist else None,
        "timestamp": int(BASE_TIME.timestamp() * 1000),
        "progress_ms": rng.randint(0, 60_000),
        "is_playing": playing,
        "item": item,
        "currently_playing_type": item["type"],
        "actions": {"disallows": {"resuming": True} if playing else {"pausing": True}},
    }


def _history(factory: CatalogFactory, pool: Pool, count: int) -> list[JSON]:
    rng = factory.rng
    moment = BASE_TIME
    history = []
    for _ in range(count):
        track = rng.choice(pool.tracks)
        moment -= timedelta(milliseconds=track["duration_ms"] + rng.randint(0, 3_600_000))
        context = _context("album", track["album"]) if rng.random() < 0.6 else None
        played_at = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        history.append({"track": track, "played_at": played_at, "context": context})
    return history


def generate_fixture(
    *,
    users: int = 1,
    saved_tracks: int = 50,
    saved_albums: int = 10,
    playlists: int = 5,
    playlist_items: int = 100,
    followed_artists: int = 20,
    new_releases: int = 20,
    seed: int = 0,
) -> dict[str, Any]:
    """A fixture (see `fixtures`) for `users` users, the same for the same arguments.

    Per user: `saved_tracks`, `saved_albums`, `followed_artists`, and `playlists` owned
    playlists holding `playlist_items` items in total; besides those, each user follows an
    editorial playlist owned by "spotify" and a collaborative one owned by someone else.
    """
    factory = CatalogFactory(random.Random(seed))
    rng = factory.rng
    pool = Pool(
        factory,
        n_tracks=max(50, saved_tracks + playlist_items // 2, saved_albums * 2),
        n_artists=max(10, followed_artists + 5, (saved_tracks + playlist_items) // 40),
    )
    profiles = [_profile(factory, i) for i in range(users)]
    spotify = {
        "external_urls": {"spotify": f"{OPEN}/user/spotify"},
        "href": f"{API}/users/spotify",
        "id": "spotify",
        "type": "user",
        "uri": "spotify:user:spotify",
        "display_name": "Spotify",
    }
    editorial = make_playlist(factory, spotify)
    editorial_items = make_items(factory, pool, [], 15, [playlist_user(spotify)])
    out_users: list[JSON] = []
    for index, profile in enumerate(profiles):
        saved = rng.sample(pool.tracks, min(saved_tracks, len(pool.tracks)))
        favorites = saved[: max(1, len(saved) // 3)] if saved else pool.tracks[:10]
        owned: list[JSON] = []
        sizes = split_sizes(rng, playlist_items, playlists)
        favorite = favorites[0]
        for size in sizes:
            items = make_items(factory, pool, favorites, size, [playlist_user(profile)])
            if items:  # the same track in every non-empty playlist, and twice in the first
                items.append(make_item(favorite, items[-1]["added_at"], playlist_user(profile)))
            owned.append({"playlist": make_playlist(factory, profile), "items": items})
        if owned and owned[0]["items"]:
            owned[0]["items"].append(dict(owned[0]["items"][-1]))
        album_picks = rng.sample(range(len(pool.albums)), min(saved_albums, len(pool.albums)))
        out_users.append(
            {
                "profile": profile,
                "saved_tracks": [
                    {"added_at": at, "track": t}
                    for at, t in zip(added_times(rng, len(saved)), saved, strict=True)
                ],
                "saved_albums": [
                    {
                        "added_at": at,
                        "album": factory.full_album(pool.albums[a], pool.album_tracks[a]),
                    }
                    for at, a in zip(added_times(rng, len(album_picks)), album_picks, strict=True)
                ],
                "followed_artists": rng.sample(
                    pool.artists, min(followed_artists, len(pool.artists))
                ),
                "playlists": owned,
                "player": _player(factory, index, pool, owned[0]["playlist"] if owned else None),
                "recently_played": _history(factory, pool, 50 if index == 0 else 20),
            }
        )
    # Collaborative playlists: user i follows one owned by user i+1 (or by a stranger).
    stranger = {
        **spotify,
        "id": "mixtape.friend",
        "display_name": "A Friend",
        "uri": "spotify:user:mixtape.friend",
        "href": f"{API}/users/mixtape.friend",
        "external_urls": {"spotify": f"{OPEN}/user/mixtape.friend"},
    }
    for index, user in enumerate(out_users):
        owner_index = (index + 1) % users if users > 1 else None
        owner = profiles[owner_index] if owner_index is not None else stranger
        adders = [playlist_user(owner), playlist_user(user["profile"])]
        entry = {
            "playlist": make_playlist(factory, owner, collaborative=True),
            "items": make_items(factory, pool, [], 12, adders),
        }
        if owner_index is not None:
            out_users[owner_index]["playlists"].append(entry)
        user["playlists"].append(entry)
        user["playlists"].append({"playlist": editorial, "items": editorial_items})
    releases = []
    for _ in range(new_releases):
        album = factory.album([rng.choice(pool.artists)], newest=BASE_TIME)
        album["release_date"] = iso(BASE_TIME - timedelta(days=rng.randint(0, 14)))[:10]
        album["release_date_precision"] = "day"
        album["total_tracks"] = rng.randint(1, 12)
        releases.append(simplified_album(album))
    return {"users": out_users, "new_releases": releases}
