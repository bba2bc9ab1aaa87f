"""Spotify's extended streaming history: recognise its files and read their entries.

The export is a zip of JSON files, each one array of objects, one per thing played:
``Streaming_History_Audio_<years>_<n>.json`` (and ``endsong_<n>.json`` in older exports).
``ts`` is when the item *stopped* playing and ``ms_played`` how long it played, so the
play started at ``ts - ms_played``. Entries are read one at a time (ijson), so a file of
any size is read in bounded memory.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import ijson

from graphql_api.errors import BadUserInput

AUDIO_NAME = re.compile(r"(?:^|/)(?:Streaming_History_Audio_[^/]*|endsong_[^/]*)\.json$", re.I)
VIDEO_NAME = re.compile(r"(?:^|/)Streaming_History_Video_[^/]*\.json$", re.I)
# The one-year "Account data" history: names, no URIs. Not what we import.
ACCOUNT_DATA_NAME = re.compile(r"(?:^|/)StreamingHistory[^/]*\.json$", re.I)
ACCOUNT_DATA_HINT = (
    "This is the one-year history of Spotify's 'Account data' export (no URIs, no "
    "details); ask Spotify for the 'Extended streaming history' instead."
)
MAX_TEXT = 1000


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class HistoryFileError(BadUserInput):
    """A file that is not (or not entirely) Spotify's extended streaming history."""

    def __init__(self, file: str, message: str, *, entry: int | None = None, **extra: Any) -> None:
        where = f" (entry {entry + 1})" if entry is not None else ""
        super().__init__(f"{file}{where}: {message}", file=file, entry=entry, **extra)
        self.file = file


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of the export: an item that started, played ``ms_played``, and stopped."""

    ended_at: dt.datetime
    ms_played: int
    uri: str | None
    kind: str  # "track" or "episode"
    name: str | None
    artist_name: str | None  # a track's (album) artist, an episode's show
    album_name: str | None
    username: str | None
    reason_start: str | None
    reason_end: str | None
    shuffle: bool | None
    skipped: bool | None
    offline: bool | None
    platform: str | None
    conn_country: str | None

    @property
    def started_at(self) -> dt.datetime:
        return self.ended_at - dt.timedelta(milliseconds=self.ms_played)

    @property
    def played_to_end(self) -> bool:
        return self.reason_end == "trackdone"


def _text(raw: dict[str, Any], key: str, limit: int = MAX_TEXT) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        value = str(value)
    return value[:limit]


def _flag(raw: dict[str, Any], key: str) -> bool | None:
    value = raw.get(key)
    return value if isinstance(value, bool) else None


def _timestamp(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _uri(raw: dict[str, Any], key: str, kind: str) -> str | None:
    value = raw.get(key)
    if isinstance(value, str) and value.startswith(f"spotify:{kind}:") and len(value) <= 200:
        return value
    return None


def parse_entry(raw: object, file: str, index: int) -> Entry:
    """One entry of ``file``; a clear error when it is not one of the extended history."""
    if not isinstance(raw, dict):
        raise HistoryFileError(file, "expected an object per entry.", entry=index)
    if "ts" not in raw or "ms_played" not in raw:
        if "endTime" in raw and "msPlayed" in raw:
            raise HistoryFileError(file, ACCOUNT_DATA_HINT, entry=index, reason="ACCOUNT_DATA")
        raise HistoryFileError(
            file,
            "not an entry of Spotify's extended streaming history (no `ts` / `ms_played`).",
            entry=index,
            reason="WRONG_FORMAT",
        )
    ended = _timestamp(raw["ts"])
    if ended is None:
        raise HistoryFileError(file, f"`ts` is not a timestamp: {raw['ts']!r:.60}.", entry=index)
    ms = raw["ms_played"]
    if isinstance(ms, bool) or not isinstance(ms, int | float) or not 0 <= ms < 2**31:
        raise HistoryFileError(file, f"`ms_played` is not a duration: {ms!r:.60}.", entry=index)
    track = _uri(raw, "spotify_track_uri", "track")
    episode = None if track else _uri(raw, "spotify_episode_uri", "episode")
    uri: str | None
    if episode is not None:
        kind, uri = "episode", episode
        name, artist, album = _text(raw, "episode_name"), _text(raw, "episode_show_name"), None
    else:
        kind, uri = "track", track
        name = _text(raw, "master_metadata_track_name")
        artist = _text(raw, "master_metadata_album_artist_name")
        album = _text(raw, "master_metadata_album_album_name")
    return Entry(
        ended_at=ended,
        ms_played=int(ms),
        uri=uri,
        kind=kind,
        name=name,
        artist_name=artist,
        album_name=album,
        username=_text(raw, "username", 255),
        reason_start=_text(raw, "reason_start", 32),
        reason_end=_text(raw, "reason_end", 32),
        shuffle=_flag(raw, "shuffle"),
        skipped=_flag(raw, "skipped"),
        offline=_flag(raw, "offline"),
        platform=_text(raw, "platform"),
        conn_country=_text(raw, "conn_country", 8),
    )


def _first_byte(stream: Readable) -> bytes:
    """The first non-blank byte (a UTF-8 byte-order mark skipped), consumed."""
    head = stream.read(1)
    if head == b"\xef":
        stream.read(2)
        head = stream.read(1)
    while head in (b" ", b"\t", b"\r", b"\n"):
        head = stream.read(1)
    return head


class _Prefixed:
    """A stream with one byte pushed back in front (ijson reads ``read(n)``)."""

    def __init__(self, head: bytes, stream: Readable) -> None:
        self.head = head
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson peeks at the type of what read() returns
            return b""
        head, self.head = self.head, b""
        if size < 0:
            return head + self.stream.read()
        return head + self.stream.read(max(0, size - len(head)))


def read_entries(stream: Readable, file: str) -> Iterator[Entry]:
    """The entries of one JSON file, one at a time; HistoryFileError at the first problem
    (entries before it have been yielded)."""
    head = _first_byte(stream)
    if head != b"[":
        what = "empty" if head == b"" else "not a JSON array"
        raise HistoryFileError(file, f"{what}: expected the export's list of plays.")
    index = 0
    try:
        for raw in ijson.items(_Prefixed(head, stream), "item", use_float=True):
            yield parse_entry(raw, file, index)
            index += 1
    except ijson.JSONError as error:
        raise HistoryFileError(
            file, f"not valid JSON ({str(error)[:120]}).", entry=index, reason="MALFORMED"
        ) from error
    except UnicodeDecodeError as error:
        raise HistoryFileError(file, "not UTF-8 text.", entry=index, reason="MALFORMED") from error
