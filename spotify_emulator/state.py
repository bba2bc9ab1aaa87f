"""The emulator's whole in-memory world: catalog, users, credentials, knobs, stats."""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from spotify_emulator.catalog import Catalog
from spotify_emulator.config import EmulatorConfig
from spotify_emulator.objects import JSON
from spotify_emulator.player import Player
from spotify_emulator.stats import Stats
from spotify_emulator.tokens import TokenStore


@dataclass
class UserRecord:
    """One fixture user's account and library. Lists are newest first, as Spotify serves."""

    profile: JSON
    saved_tracks: list[JSON] = field(default_factory=list)
    saved_albums: list[JSON] = field(default_factory=list)
    # Artist id -> artist; served sorted by id so that the `after` cursor stays valid
    # even when the artist it names is unfollowed between pages.
    followed_artists: dict[str, JSON] = field(default_factory=dict)
    playlist_ids: list[str] = field(default_factory=list)
    player: Player | None = None
    recently_played: list[JSON] = field(default_factory=list)
    # Saved URIs of kinds the emulator has no listing for (shows, episodes, users...).
    other_saved: set[str] = field(default_factory=set)

    @property
    def id(self) -> str:
        return str(self.profile["id"])

    @property
    def premium(self) -> bool:
        return self.profile.get("product") == "premium"


class EmulatorState:
    """Shared by every route; single-threaded (one event loop), so no locks are needed."""

    def __init__(self, catalog: Catalog, users: dict[str, UserRecord], config: EmulatorConfig):
        self.catalog = catalog
        self.users = users
        self.config = config
        self.tokens = TokenStore(path=Path(config.state_path) if config.state_path else None)
        self.stats = Stats()
        self.fault_rng = random.Random(config.fault_seed)
        # Ids of playlists created at run time; seeded so runs are repeatable.
        self.id_rng = random.Random(0)
        # What the rate limiter and the request log read the time from: tests replace it
        # to step through a rate-limit window without sleeping.
        self.clock: Callable[[], float] = time.monotonic
        # Clock times of the /v1 requests admitted in the current rate-limit window.
        self.window: deque[float] = deque()
        self.started = time.monotonic()
        # Web API requests being handled right now (see `Stats.peak_in_flight`).
        self.in_flight = 0
        # Set (and replaced) whenever `hold_path` changes: held requests look again.
        self.holds_changed = asyncio.Event()

    def release_holds(self) -> None:
        """Wake the requests held by `hold_path` so they check it again."""
        self.holds_changed.set()
        self.holds_changed = asyncio.Event()

    def reseed_faults(self) -> None:
        """Restart the fault sequence (after `fault_seed` or `fault_rate` changes)."""
        self.fault_rng = random.Random(self.config.fault_seed)

    def new_id(self) -> str:
        """A fresh 22-character base62 id, like Spotify's."""
        alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        return "".join(self.id_rng.choices(alphabet, k=22))
