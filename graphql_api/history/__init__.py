"""Listening history from Spotify's privacy export, and statistics over listening history."""
