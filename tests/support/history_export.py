"""A generated Spotify extended streaming history export, with what it must import as.

Deterministic for a seed. Several years of audio plays and podcast episodes with
unicode names; each file plays every item it holds to the end once first (so the
duration the importer learns from a file is the item's true one), then plays, skips and
ignorable entries (nothing played, no URI) at random. The expected counts are worked out
here from the true durations, independently of the importer.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAMES = ["Ünïcødé Sòng", "夜に駆ける", "Песня", "Café del Mar", "🎧 Lo-fi", "Plain Song"]
ARTISTS = ["Björk", "YOASOBI", "Кино", "Sigur Rós", "Ms. Ünïcødé", "The Plain"]
SHOWS = ["Ein Podcast", "ポッドキャスト", "The Show"]


@dataclass(frozen=True)
class Item:
    uri: str
    kind: str
    name: str
    artist: str
    album: str | None
    duration_ms: int


@dataclass
class Expected:
    entries: int = 0
    plays: int = 0
    skips: int = 0
    ignored: int = 0
    # (start, uri, ms_played) of every counted play, for statistics checks.
    counted: list[tuple[dt.datetime, str, int]] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)


def make_items(rng: random.Random, tracks: int, episodes: int) -> list[Item]:
    items = []
    for n in range(tracks):
        artist = f"{rng.choice(ARTISTS)} {n % 37}"
        items.append(
            Item(
                uri=f"spotify:track:histtrack{n:013d}",
                kind="track",
                name=f"{rng.choice(NAMES)} {n}",
                artist=artist,
                album=f"Album of {artist} {n % 3}",
                duration_ms=rng.choice([25_000, 150_000, 200_000, 240_000, 600_000]),
            )
        )
    for n in range(episodes):
        items.append(
            Item(
                uri=f"spotify:episode:histepisode{n:011d}",
                kind="episode",
                name=f"Folge {n} — «Ça va»",
                artist=rng.choice(SHOWS),
                album=None,
                duration_ms=rng.choice([1_200_000, 3_000_000]),
            )
        )
    return items


def counts(ms_played: int, duration_ms: int) -> bool:
    """The play-counting rule, written out again: half, at most 4 min; 30 s items never."""
    return duration_ms >= 30_000 and ms_played >= min(duration_ms // 2, 240_000)


def entry(item: Item | None, ended: dt.datetime, ms: int, reason_end: str, user: str | None) -> Any:
    track = item is not None and item.kind == "track"
    episode = item is not None and item.kind == "episode"
    raw: dict[str, Any] = {
        "ts": ended.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "platform": "Android OS 14",
        "ms_played": ms,
        "conn_country": "DE",
        "ip_addr": "192.0.2.1",
        "master_metadata_track_name": item.name if track else None,
        "master_metadata_album_artist_name": item.artist if track else None,
        "master_metadata_album_album_name": item.album if track else None,
        "spotify_track_uri": item.uri if track else None,
        "episode_name": item.name if episode else None,
        "episode_show_name": item.artist if episode else None,
        "spotify_episode_uri": item.uri if episode else None,
        "reason_start": "clickrow",
        "reason_end": reason_end,
        "shuffle": False,
        "skipped": reason_end == "fwdbtn",
        "offline": False,
        "offline_timestamp": None,
        "incognito_mode": False,
    }
    if user is not None:
        raw["username"] = user
    return raw


def file_entries(
    rng: random.Random,
    items: list[Item],
    start: dt.datetime,
    count: int,
    expected: Expected,
    user: str | None,
) -> Iterator[Any]:
    """One file's entries, oldest first, starting at ``start`` (whole seconds)."""
    at = start.replace(microsecond=0)
    seen: set[str] = set()
    for _ in range(count):
        at += dt.timedelta(seconds=rng.randint(60, 4 * 3600))
        roll = rng.random()
        item = rng.choice(items)
        expected.entries += 1
        if roll < 0.03:
            yield entry(None, at, rng.randint(1000, 100_000), "trackdone", user)
            expected.ignored += 1
            continue
        if roll < 0.06:
            yield entry(item, at, 0, "fwdbtn", user)
            expected.ignored += 1
            continue
        if item.uri not in seen or roll < 0.6:
            ms, reason = item.duration_ms, "trackdone"
        elif roll < 0.8:
            ms, reason = rng.randint(item.duration_ms // 2, item.duration_ms - 1), "fwdbtn"
        else:
            ms, reason = rng.randint(1000, max(1001, item.duration_ms // 2 - 1000)), "fwdbtn"
        seen.add(item.uri)
        ended = at + dt.timedelta(milliseconds=ms)
        at = ended
        ms = ms - ms % 1000  # ts has whole seconds: keep ts - ms_played a whole second too
        started = ended.replace(microsecond=0) - dt.timedelta(milliseconds=ms)
        if counts(ms, item.duration_ms):
            expected.plays += 1
            expected.counted.append((started, item.uri, ms))
        else:
            expected.skips += 1
        yield entry(item, ended, ms, reason, user)


def write_export(
    folder: Path,
    *,
    files: int = 3,
    per_file: int = 400,
    tracks: int = 60,
    episodes: int = 6,
    seed: int = 7,
    user: str | None = "fixture-user",
    start: dt.datetime = dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
    as_zip: bool = False,
) -> tuple[list[Path], Expected]:
    """Write the export's JSON files (or one zip of them) under ``folder``."""
    rng = random.Random(seed)
    items = make_items(rng, tracks, episodes)
    expected = Expected(items={i.uri: i for i in items})
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    span = dt.timedelta(days=365)
    for n in range(files):
        path = folder / f"Streaming_History_Audio_{2021 + n}_{n}.json"
        with path.open("w", encoding="utf-8") as out:
            out.write("[\n")
            for k, raw in enumerate(
                file_entries(rng, items, start + span * n, per_file, expected, user)
            ):
                out.write((",\n" if k else "") + json.dumps(raw, ensure_ascii=False))
            out.write("\n]\n")
        paths.append(path)
    if not as_zip:
        return paths, expected
    archive = folder / "my_spotify_data.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in paths:
            zipped.write(path, f"Spotify Extended Streaming History/{path.name}")
        zipped.writestr("Spotify Extended Streaming History/ReadMeFirst.pdf", b"%PDF")
    return [archive], expected


def small_export_zip() -> bytes:
    """A small export as the zip Spotify sends, in memory (for fuzzers)."""
    import io
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (archive,), _ = write_export(Path(folder), files=1, per_file=5, as_zip=True)
        return io.BytesIO(archive.read_bytes()).getvalue()
