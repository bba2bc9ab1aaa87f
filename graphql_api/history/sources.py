"""Where an import's JSON files are: files on disk, members of Spotify's zip, or folders.

Zip members are read as streams straight from the zip (never extracted), so a zip of any
size needs no more memory or disk than itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from graphql_api.history.formats import (
    ACCOUNT_DATA_HINT,
    ACCOUNT_DATA_NAME,
    AUDIO_NAME,
    VIDEO_NAME,
    HistoryFileError,
)

ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class SourceFile:
    """One JSON file to import: ``path`` on disk, or ``member`` of the zip at ``path``."""

    name: str
    path: str
    member: str | None = None


def _zip_members(path: Path) -> list[SourceFile]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError) as error:
        raise HistoryFileError(path.name, "not a readable zip file.", reason="MALFORMED") from error
    audio = sorted(name for name in names if AUDIO_NAME.search(name))
    if not audio:
        hint = ""
        if any(ACCOUNT_DATA_NAME.search(name) for name in names):
            hint = " " + ACCOUNT_DATA_HINT
        elif any(VIDEO_NAME.search(name) for name in names):
            hint = " It holds only video history, which is not imported."
        raise HistoryFileError(
            path.name,
            "the zip holds no extended streaming history (Streaming_History_Audio_*.json "
            "or endsong_*.json)." + hint,
            reason="WRONG_FORMAT",
        )
    return [
        SourceFile(name=f"{path.name}:{member}", path=str(path), member=member) for member in audio
    ]


def _sniff(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(4)


def list_sources(paths: list[Path]) -> list[SourceFile]:
    """The JSON files named by ``paths`` (zips opened, folders searched), in order.

    Video history files (``Streaming_History_Video_*``) are left out; the one-year
    account-data history and anything not JSON or zip are refused with a reason.
    """
    found: list[SourceFile] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*.json") if AUDIO_NAME.search(p.as_posix()))
            if not inside:
                raise HistoryFileError(
                    path.name, "the folder holds no Streaming_History_Audio_*.json files."
                )
            found += [SourceFile(name=p.name, path=str(p)) for p in inside]
            continue
        if not path.is_file():
            raise HistoryFileError(path.name, "no such file.", reason="NOT_FOUND")
        if _sniff(path) == ZIP_MAGIC:
            found += _zip_members(path)
        elif ACCOUNT_DATA_NAME.search(path.name):
            raise HistoryFileError(path.name, ACCOUNT_DATA_HINT, reason="ACCOUNT_DATA")
        elif VIDEO_NAME.search(path.name):
            continue
        else:
            found.append(SourceFile(name=path.name, path=str(path)))
    if not found:
        raise HistoryFileError("upload", "no streaming history files to import.")
    return found


class HashingReader:
    """A binary stream that hashes (SHA-256) what is read through it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


@contextlib.contextmanager
def open_source(source: SourceFile) -> Iterator[IO[bytes]]:
    """The bytes of ``source``, as a stream (HistoryFileError when it cannot be read)."""
    try:
        if source.member is None:
            with Path(source.path).open("rb") as file:
                yield file
            return
        with zipfile.ZipFile(source.path) as archive, archive.open(source.member) as member:
            yield member
    except (OSError, zipfile.BadZipFile, KeyError, zlib.error, EOFError) as error:
        raise HistoryFileError(source.name, f"cannot be read ({error}).") from error
