"""Reading an import's files without writing: counting and checking them first, learning
durations, and handing out entries in batches. Synchronous: the job runs these in a
thread, so parsing hundreds of megabytes never blocks the event loop.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

from graphql_api.history.formats import Entry, HistoryFileError, read_entries
from graphql_api.history.sources import HashingReader, SourceFile, open_source

# More usernames than this in one file is not one person's export anyway.
MAX_USERNAMES = 8
READ_SIZE = 1 << 16


@dataclass
class FileScan:
    """What a first read of a file found: its size in entries, its content hash, whose
    export it says it is, and the first problem (entries before it are fine)."""

    entries: int = 0
    sha256: str = ""
    usernames: set[str] = field(default_factory=set)
    error: HistoryFileError | None = None


def scan_source(source: SourceFile) -> FileScan:
    """Read ``source`` once, whole: count, hash and check it."""
    scan = FileScan()
    try:
        with open_source(source) as stream:
            reader = HashingReader(stream)
            try:
                for entry in read_entries(reader, source.name):
                    scan.entries += 1
                    if entry.username and len(scan.usernames) < MAX_USERNAMES:
                        scan.usernames.add(entry.username)
            except HistoryFileError as error:
                scan.error = error
            while reader.read(READ_SIZE):
                pass
            scan.sha256 = reader.hexdigest()
    except HistoryFileError as error:
        scan.error = scan.error or error
    return scan


def learned_durations(source: SourceFile) -> dict[str, int]:
    """``{uri: duration}`` for the items ``source`` shows played to their end (the longest
    such play): the export's only clue to an item's length. Stops at a file's first
    problem (the write pass reports it)."""
    durations: dict[str, int] = {}
    try:
        with open_source(source) as stream:
            for entry in read_entries(stream, source.name):
                known = durations.get(entry.uri or "", 0)
                if entry.uri and entry.played_to_end and entry.ms_played > known:
                    durations[entry.uri] = entry.ms_played
    except HistoryFileError:
        pass
    return durations


def batches(source: SourceFile, skip: int, size: int) -> Generator[list[Entry]]:
    """The entries of ``source`` after the first ``skip``, ``size`` at a time; raises
    HistoryFileError where the file goes wrong, after the batches before it."""
    batch: list[Entry] = []
    try:
        with open_source(source) as stream:
            for index, entry in enumerate(read_entries(stream, source.name)):
                if index < skip:
                    continue
                batch.append(entry)
                if len(batch) >= size:
                    yield batch
                    batch = []
    except HistoryFileError:
        # The good entries before the problem are written before it is reported.
        if batch:
            yield batch
        raise
    if batch:
        yield batch
