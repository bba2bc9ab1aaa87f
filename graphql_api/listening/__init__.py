"""Listening: what each user plays now, the poller that watches Spotify, history and sharing.

Spotify has no push API, so one poller per user (scheduled through the database,
whichever process runs it) reads ``/me/player``, stores the state, records plays
and publishes real changes on ``now_playing:{user_id}`` for every subscriber.
"""
