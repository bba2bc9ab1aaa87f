"""A zip archive written piece by piece into memory and handed out as it grows.

The stdlib ``zipfile`` writes to unseekable streams (it then puts sizes and CRCs
after each entry's data), so a :class:`ZipStream` never holds more than the bytes
written since the last :meth:`drain`: an export of any size streams in small chunks.
"""

from __future__ import annotations

import io
import zipfile
from types import TracebackType
from typing import IO


class _Sink(io.RawIOBase):
    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


class ZipStream:
    """``with ZipStream() as z: entry = z.open(name); entry.write(...); chunk = z.drain()``."""

    def __init__(self) -> None:
        self._sink = _Sink()
        self._zip = zipfile.ZipFile(self._sink, "w", compression=zipfile.ZIP_DEFLATED)

    def open(self, name: str) -> IO[bytes]:
        """A new entry to write to; close it before opening the next."""
        return self._zip.open(name, "w", force_zip64=True)

    def drain(self) -> bytes:
        """The archive's bytes written since the last drain."""
        return self._sink.drain()

    def close(self) -> bytes:
        """Finish the archive (its central directory) and return the last bytes."""
        self._zip.close()
        return self._sink.drain()

    def __enter__(self) -> ZipStream:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None:
            self._sink.drain()
