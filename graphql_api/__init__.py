"""Mixtape: a self-hostable GraphQL API server for your Spotify music life."""

__version__ = "0.1.0"
