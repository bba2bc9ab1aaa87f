"""Keep the garbage collector's full passes short while the app serves.

A full (generation 2) collection walks every tracked object and holds the GIL while it does:
with the schema, SQLAlchemy's metadata and every module loaded, that is ~70 ms during which no
request is answered, and any allocation-heavy request (parsing a 5,000-token document) triggers
one now and then. Objects alive once the app has started live as long as the process, so they
are frozen out of the collector's sight (``gc.freeze``, as CPython's docs suggest for servers),
and handed back on shutdown so that a process running many apps (the tests) collects them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Freeze the objects alive now for the duration of the block."""
    gc.collect()  # what is garbage already should not be frozen with the rest
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
