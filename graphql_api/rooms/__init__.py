"""Listening rooms: a host's Spotify playback shared with guests who join by code.

Guests vote to skip (decided once, in the database, however many API processes take votes),
queue songs by vote (the top song goes to Spotify's queue shortly before the current one
ends), and follow the room live on ``room:{id}`` (the room follows the host's player through
the now-playing poller). docs/rooms.md tells the whole story.
"""
