"""Restoring a library snapshot into the linked Spotify account (``restoreSnapshot``)."""
