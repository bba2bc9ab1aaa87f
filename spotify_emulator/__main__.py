"""`python -m spotify_emulator` runs the emulator's command line."""

from spotify_emulator.cli import cli

cli()
