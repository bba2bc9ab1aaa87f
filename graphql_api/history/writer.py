"""One batch of export entries into listening history, in the caller's transaction.

The rules (docs/history.md):

- **Counting.** An entry is a play when it reaches the poller's rule
  (``listening/counting.py``: half the item or four minutes, items under 30 s never) with
  the item's duration from the catalog or, for a song the catalog does not know the length
  of, from this file's plays that ran to the end. With no duration at all, four minutes
  played counts (enough for any item). Entries that do not count are kept as *skips*
  (``counted = false``): they feed the skip rate, never the history. Entries with
  nothing played, or without a track or episode URI, are ignored.
- **Key.** A play is keyed by ``(user, song, started_at)``, with ``started_at = ts -
  ms_played``: importing the same entries again inserts nothing (``ON CONFLICT DO
  NOTHING``).
- **Merging.** A counted entry is the same play as one the poller (or the recently-played
  backfill) recorded for the same song when their starts lie within the poller's own
  duplicate window (half the item, at least 30 s: ``listening/history.py``). Then no row
  is added: the recorded play keeps its start and takes the export's details
  (``ms_played``, reasons, shuffle, platform, ...), which are the more exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Play
from graphql_api.history.catalog import KnownSong, insert_new, songs_for
from graphql_api.history.formats import Entry
from graphql_api.library.bulk import table_of
from graphql_api.listening.counting import MAX_THRESHOLD_MS, threshold_ms
from graphql_api.listening.history import dedupe_window

SOURCE = "import"


@dataclass
class BatchResult:
    plays_added: int = 0
    plays_merged: int = 0
    skips_added: int = 0
    ignored: int = 0
    songs_created: int = 0


def counts(ms_played: int, duration_ms: int) -> bool:
    """Whether ``ms_played`` of an item ``duration_ms`` long (0: unknown) is a play."""
    if duration_ms <= 0:
        return ms_played >= MAX_THRESHOLD_MS
    needed = threshold_ms(duration_ms)
    return needed is not None and ms_played >= needed


def _details(entry: Entry) -> dict[str, Any]:
    return {
        "ms_played": entry.ms_played,
        "reason_start": entry.reason_start,
        "reason_end": entry.reason_end,
        "shuffle": entry.shuffle,
        "skipped": entry.skipped,
        "offline": entry.offline,
        "platform": entry.platform,
        "conn_country": entry.conn_country,
    }


async def _recorded(
    session: AsyncSession, user_id: int, song_ids: set[int], low: dt.datetime, high: dt.datetime
) -> dict[int, list[tuple[int, dt.datetime]]]:
    """Plays the poller recorded for these songs between ``low`` and ``high``."""
    rows = await session.execute(
        select(Play.song_id, Play.id, Play.played_at).where(
            Play.user_id == user_id,
            Play.source != SOURCE,
            Play.counted.is_(True),
            Play.song_id.in_(sorted(song_ids)),
            Play.played_at > low,
            Play.played_at < high,
        )
    )
    found: dict[int, list[tuple[int, dt.datetime]]] = {}
    for song_id, play_id, played_at in rows:
        found.setdefault(int(song_id), []).append((int(play_id), played_at))
    return found


def _duration(song: KnownSong, entry: Entry, learned: dict[str, int]) -> int:
    return song.duration_ms or learned.get(entry.uri or "", 0)


async def write_batch(
    session: AsyncSession, user_id: int, entries: Sequence[Entry], learned: dict[str, int]
) -> BatchResult:
    """Write ``entries`` as plays and skips of ``user_id`` (see the module's rules)."""
    result = BatchResult()
    usable = [e for e in entries if e.uri and e.ms_played > 0]
    result.ignored = len(entries) - len(usable)
    if not usable:
        return result
    songs, result.songs_created = await songs_for(session, usable, learned)
    plays: list[tuple[Entry, KnownSong, bool]] = [
        (e, songs[e.uri], counts(e.ms_played, _duration(songs[e.uri], e, learned)))
        for e in usable
        if e.uri in songs
    ]
    counted = [(e, s) for e, s, c in plays if c]
    merged: list[dict[str, Any]] = []
    taken: set[int] = set()
    new_counted: list[tuple[Entry, KnownSong]] = []
    if counted:
        widest = max(dedupe_window(_duration(s, e, learned) or e.ms_played) for e, s in counted)
        starts = [e.started_at for e, _ in counted]
        recorded = await _recorded(
            session, user_id, {s.id for _, s in counted}, min(starts) - widest, max(starts) + widest
        )
        for entry, song in counted:
            window = dedupe_window(_duration(song, entry, learned) or entry.ms_played)
            match = next(
                (
                    play_id
                    for play_id, at in recorded.get(song.id, ())
                    if play_id not in taken and abs(at - entry.started_at) < window
                ),
                None,
            )
            if match is None:
                new_counted.append((entry, song))
            else:
                taken.add(match)
                merged.append({"id": match, **_details(entry)})
    if merged:
        await session.execute(update(Play), merged)
    result.plays_merged = len(merged)
    table = table_of(Play)
    keys = ["user_id", "song_id", "played_at"]
    result.plays_added = await insert_new(
        session, table, [_row(user_id, e, s, True) for e, s in new_counted], keys=keys
    )
    skips = [_row(user_id, e, s, False) for e, s, c in plays if not c]
    result.skips_added = await insert_new(session, table, skips, keys=keys)
    return result


def _row(user_id: int, entry: Entry, song: KnownSong, counted: bool) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "song_id": song.id,
        "played_at": entry.started_at,
        "context_uri": None,
        "source": SOURCE,
        "counted": counted,
        **_details(entry),
    }
