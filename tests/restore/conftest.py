"""Restore test fixtures: the library tests' emulator, settings, app and alice."""

from __future__ import annotations

from tests.library.conftest import (
    alice,
    library_app,
    library_emulator,
    library_fixture,
    library_resources,
    library_settings,
)

__all__ = [
    "alice",
    "library_app",
    "library_emulator",
    "library_fixture",
    "library_resources",
    "library_settings",
]
