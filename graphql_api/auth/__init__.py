"""Accounts: Spotify login, local accounts, JWT access tokens and refresh-token sessions."""
