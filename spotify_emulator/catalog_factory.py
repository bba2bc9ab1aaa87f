"""Deterministic fake catalog objects (artists, albums, tracks, shows, episodes).

Used by the fixture generator. Everything comes from one `random.Random`, and times are
offsets from a fixed base, so a seed always yields the same objects.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from spotify_emulator.objects import JSON, simplified_artist, simplified_track

API = "https://api.spotify.com/v1"
OPEN = "https://open.spotify.com"
BASE_TIME = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
MARKETS = ["DE", "FR", "GB", "JP", "SE", "US"]
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_WORDS = [
    "night",
    "drive",
    "summer",
    "echo",
    "velvet",
    "river",
    "neon",
    "ghost",
    "golden",
    "paper",
    "static",
    "heart",
    "city",
    "midnight",
    "ocean",
    "fire",
    "glass",
    "winter",
    "honey",
    "signal",
    "dream",
    "wild",
    "blue",
    "silver",
    "shadow",
    "electric",
    "garden",
    "broken",
    "morning",
    "stars",
    "slow",
    "fever",
    "northern",
    "lights",
    "crystal",
    "thunder",
    "satellite",
    "sugar",
    "machine",
    "desert",
    "rain",
    "hollow",
    "gravity",
    "tides",
    "orbit",
    "lantern",
    "wolves",
    "cedar",
]
# Real libraries are full of these: names in other scripts, and absurdly long ones.
_NON_LATIN = (
    "東京の夜",
    "Звёздная пыль",
    "حبيبي يا نور العين",
    "서울의 밤",
    "Καλοκαίρι",
    "שיר אהבה",
    "दिल से",
    "夜に駆ける",
    "Ñandutí",
    "🎧 late night 🌙",
)
_LONG_NAME = (
    "Concerto for Piano and Orchestra No. 2 in C Minor, Op. 18: II. Adagio sostenuto "
    "(Live at the Royal Albert Hall, London, 1972) [Remastered 2023 Deluxe Anniversary "
    "Edition with Previously Unreleased Rehearsal Takes and Alternate Mixes] - "
) * 2


def iso(moment: datetime) -> str:
    """Spotify's `added_at` format."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class CatalogFactory:
    """Makes linked, realistic catalog objects from one random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def new_id(self) -> str:
        return "".join(self.rng.choices(_ALPHABET, k=22))

    def name(self, words: int = 2) -> str:
        roll = self.rng.random()
        if roll < 0.04:
            return self.rng.choice(_NON_LATIN)
        if roll < 0.05:
            return _LONG_NAME.strip()
        picked = self.rng.choices(_WORDS, k=self.rng.randint(1, words))
        return " ".join(picked).title()

    def images(self, empty_share: float = 0.1) -> list[JSON]:
        if self.rng.random() < empty_share:
            return []
        key = f"{self.rng.getrandbits(128):032x}"
        return [
            {"url": f"https://i.scdn.co/image/ab67616d0000{size}{key}", "height": px, "width": px}
            for size, px in (("b273", 640), ("1e02", 300), ("4851", 64))
        ]

    def _links(self, kind: str, item_id: str) -> JSON:
        return {
            "external_urls": {"spotify": f"{OPEN}/{kind}/{item_id}"},
            "href": f"{API}/{kind}s/{item_id}",
            "id": item_id,
            "type": kind,
            "uri": f"spotify:{kind}:{item_id}",
        }

    def artist(self) -> JSON:
        """A full artist object."""
        artist_id = self.new_id()
        return {
            **self._links("artist", artist_id),
            "name": self.name(),
            "followers": {"href": None, "total": self.rng.randint(0, 5_000_000)},
            "genres": self.rng.sample(["indie", "pop", "jazz", "techno", "folk", "k-pop"], 2),
            "images": self.images(),
            "popularity": self.rng.randint(0, 100),
        }

    def release_date(self, newest: datetime) -> tuple[str, str]:
        day = newest - timedelta(days=self.rng.randint(0, 365 * 60))
        roll = self.rng.random()
        if roll < 0.1:
            return f"{day.year}", "year"
        if roll < 0.2:
            return f"{day.year}-{day.month:02d}", "month"
        return day.strftime("%Y-%m-%d"), "day"

    def album(self, artists: list[JSON], *, newest: datetime = BASE_TIME) -> JSON:
        """A simplified album (what a track's `album` holds); tracks are made separately."""
        album_id = self.new_id()
        date, precision = self.release_date(newest)
        return {
            "album_type": self.rng.choices(["album", "single", "compilation"], [6, 3, 1])[0],
            "total_tracks": 0,
            "available_markets": MARKETS,
            **self._links("album", album_id),
            "images": self.images(),
            "name": self.name(3),
            "release_date": date,
            "release_date_precision": precision,
            "artists": [simplified_artist(a) for a in artists],
        }

    def track(self, album: JSON, number: int, featured: JSON | None) -> JSON:
        """A full track on `album`; `featured` adds a second artist."""
        track_id = self.new_id()
        artists = list(album["artists"])
        if featured is not None:
            artists.append(simplified_artist(featured))
        return {
            "album": album,
            "artists": artists,
            "available_markets": MARKETS,
            "disc_number": 1,
            "duration_ms": self.rng.randint(95_000, 420_000),
            "explicit": self.rng.random() < 0.15,
            "external_ids": {"isrc": f"QZ{self.rng.randint(0, 10**10 - 1):010d}"},
            **self._links("track", track_id),
            "is_local": False,
            "name": self.name(3),
            "popularity": self.rng.randint(0, 100),
            "preview_url": None,
            "track_number": number,
        }

    def full_album(self, album: JSON, tracks: list[JSON]) -> JSON:
        """The full album object (saved albums hold these) with its first 50 tracks."""
        href = f"{album['href']}/tracks"
        return {
            **album,
            "tracks": {
                "href": f"{href}?offset=0&limit=50",
                "items": [simplified_track(t) for t in tracks[:50]],
                "limit": 50,
                "next": f"{href}?offset=50&limit=50" if len(tracks) > 50 else None,
                "offset": 0,
                "previous": None,
                "total": len(tracks),
            },
            "copyrights": [
                {"text": f"(P) {album['release_date'][:4]} Mixtape Records", "type": "P"}
            ],
            "external_ids": {"upc": f"{self.rng.randint(0, 10**12 - 1):012d}"},
            "genres": [],
            "label": "Mixtape Records",
            "popularity": self.rng.randint(0, 100),
        }

    def show(self) -> JSON:
        show_id = self.new_id()
        return {
            "available_markets": MARKETS,
            "copyrights": [],
            "description": "A podcast about music libraries.",
            "html_description": "<p>A podcast about music libraries.</p>",
            "explicit": False,
            **self._links("show", show_id),
            "images": self.images(0.0),
            "is_externally_hosted": False,
            "languages": ["en"],
            "media_type": "audio",
            "name": self.name(2) + " Podcast",
            "publisher": "Mixtape Radio",
            "total_episodes": 100,
        }

    def episode(self, show: JSON) -> JSON:
        episode_id = self.new_id()
        date, precision = self.release_date(BASE_TIME)
        return {
            "audio_preview_url": None,
            "description": "Episode notes.",
            "html_description": "<p>Episode notes.</p>",
            "duration_ms": self.rng.randint(600_000, 5_400_000),
            "explicit": False,
            **self._links("episode", episode_id),
            "images": show["images"],
            "is_externally_hosted": False,
            "is_playable": True,
            "language": "en",
            "languages": ["en"],
            "name": self.name(4),
            "release_date": date,
            "release_date_precision": precision,
            "show": show,
        }

    def local_track(self) -> JSON:
        """A local file as Spotify returns it: no ids, a `spotify:local:` URI."""
        artist, album, title = self.name(), self.name(), self.name(3)
        duration = self.rng.randint(100, 400)
        uri = f"spotify:local:{artist}:{album}:{title}:{duration}".replace(" ", "+")
        nothing: dict[str, Any] = {"external_urls": {}, "href": None, "id": None, "uri": None}
        return {
            "album": {
                "album_type": None,
                "total_tracks": None,
                "available_markets": [],
                **nothing,
                "images": [],
                "name": album,
                "release_date": None,
                "release_date_precision": None,
                "type": "album",
                "artists": [],
            },
            "artists": [{**nothing, "name": artist, "type": "artist"}],
            "available_markets": [],
            "disc_number": 0,
            "duration_ms": duration * 1000,
            "explicit": False,
            "external_ids": {},
            **nothing,
            "is_local": True,
            "name": title,
            "popularity": 0,
            "preview_url": None,
            "track_number": 0,
            "type": "track",
            "uri": uri,
        }
